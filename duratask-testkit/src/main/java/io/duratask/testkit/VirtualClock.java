package io.duratask.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until it is told to move: {@link #set}, {@link #advance} or
 * {@link #advanceTo}. Thread-safe: every reader sees the latest time set by any thread. Clocks made with
 * {@link #withZone} share the time of this one.
 *
 * <p>Pass the same instance to the store and to the runtime ({@code new InMemoryProvider(clock)},
 * {@code RuntimeOptions.builder().clock(clock)}) so that timers come due when the test says so;
 * {@link TimeSkippingRuntime} does this and moves the clock by itself.
 */
public final class VirtualClock extends Clock {
    /** Where a clock made with {@link #VirtualClock()} starts: a fixed instant, so runs are repeatable. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at {@link #DEFAULT_START}, in UTC. */
    public VirtualClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@code start}, in UTC. */
    public VirtualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private VirtualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view of this clock in another zone: same time, moved by the same calls. */
    @Override
    public VirtualClock withZone(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        return zone.equals(this.zone) ? this : new VirtualClock(now, zone);
    }

    /** Sets the time, forwards or backwards. Returns the previous time. */
    public Instant set(Instant instant) {
        return now.getAndSet(Objects.requireNonNull(instant, "instant"));
    }

    /**
     * Moves the clock forward by {@code delta} and returns the new time.
     *
     * @throws IllegalArgumentException if {@code delta} is negative
     */
    public Instant advance(Duration delta) {
        Objects.requireNonNull(delta, "delta");
        if (delta.isNegative()) {
            throw new IllegalArgumentException("a virtual clock only advances; delta was " + delta);
        }
        return now.updateAndGet(t -> t.plus(delta));
    }

    /**
     * Moves the clock forward to {@code target}; does nothing if the clock already is at or past it
     * (another thread may have moved it first). Returns the time afterwards.
     */
    public Instant advanceTo(Instant target) {
        Objects.requireNonNull(target, "target");
        return now.accumulateAndGet(target, (current, t) -> t.isAfter(current) ? t : current);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VirtualClock other && other.now == now && other.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(now) * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return "VirtualClock[" + now.get() + ", " + zone + "]";
    }
}
