package io.duratask.testkit;

import io.duratask.DurableRuntime;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.client.DurableClient;
import io.duratask.memory.InMemoryProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link DurableRuntime} on an {@link InMemoryProvider} whose time is a {@link VirtualClock} that jumps
 * ahead whenever nothing can happen before the next timer: an orchestration that sleeps 30 days on a
 * durable timer completes in milliseconds, and its history says it slept 30 days.
 *
 * <pre>{@code
 * try (TimeSkippingRuntime env = TimeSkippingRuntime.start(registry)) {
 *     env.client().startOrchestration("renewal-1", "Renewal", input);
 *     OrchestrationStatus s = env.client().waitForCompletion("renewal-1", Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>How it skips: a background virtual thread looks at the store every {@link Builder#checkInterval
 * check interval} (2 ms). When the store is {@linkplain InMemoryProvider#isQuiescent() quiescent} (no
 * visible message, no locked instance, no leased or queued activity) on {@link Builder#quietChecks two}
 * consecutive checks, it sets the clock to the store's {@linkplain InMemoryProvider#nextDelayedVisibleAt()
 * next delayed message} (a timer, a retry delay). Whatever the test does from outside (start an
 * instance, raise an event) only counts once it reached the store, so a test that must act "before the
 * timer" turns skipping off first ({@link #pauseSkipping()}), acts, and turns it on again
 * ({@link #resumeSkipping()}); {@link #advance} and {@link #skipToNextTimer()} move time by hand.
 *
 * <p>The runtime polls the store every 2 ms ({@code idlePollInterval}), so a timer made due by a jump is
 * picked up at once. Closing this closes the runtime and the store.
 */
public final class TimeSkippingRuntime implements AutoCloseable {
    /** The registry the runtime runs. */
    public final Registry registry;

    private final VirtualClock clock;
    private final InMemoryProvider provider;
    private final DurableRuntime runtime;
    private final Duration checkInterval;
    private final int quietChecks;
    private final Thread skipper;
    private volatile boolean skipping;
    private volatile boolean closed;
    private volatile long skips;

    private TimeSkippingRuntime(Builder b) {
        this.registry = b.registry;
        this.clock = new VirtualClock(b.startTime);
        this.checkInterval = b.checkInterval;
        this.quietChecks = b.quietChecks;
        this.skipping = b.skipping;
        this.provider = new InMemoryProvider(clock);
        RuntimeOptions.Builder options = RuntimeOptions.builder();
        if (b.cacheSize != null) {
            options.cacheSize(b.cacheSize);
        }
        b.options.accept(options);
        options.clock(clock).idlePollInterval(Duration.ofMillis(2));
        this.runtime = DurableRuntime.start(provider, registry, options.build());
        this.skipper = Thread.ofVirtual().name("duratask-time-skipper").start(this::skipLoop);
    }

    /** A runtime for {@code registry} with the clock at {@link VirtualClock#DEFAULT_START} and skipping on. */
    public static TimeSkippingRuntime start(Registry registry) {
        return builder(registry).start();
    }

    /** A runtime for {@code registry} with the clock at {@code startTime} and skipping on. */
    public static TimeSkippingRuntime start(Registry registry, Instant startTime) {
        return builder(registry).startTime(startTime).start();
    }

    public static Builder builder(Registry registry) {
        return new Builder(registry);
    }

    /** The client of the runtime. */
    public DurableClient client() {
        return runtime.client();
    }

    /** The virtual clock the store and the runtime use. */
    public VirtualClock clock() {
        return clock;
    }

    /** The registry the runtime runs (same as {@link #registry}). */
    public Registry registry() {
        return registry;
    }

    /** The in-memory store. */
    public InMemoryProvider provider() {
        return provider;
    }

    /** The runtime itself (for cache statistics and the like). */
    public DurableRuntime runtime() {
        return runtime;
    }

    // ---- skipping --------------------------------------------------------------------------------

    /** Turns automatic skipping on or off. */
    public void setSkipping(boolean on) {
        skipping = on;
    }

    /** Stops automatic skipping (time then moves only by {@link #advance}) until {@link #resumeSkipping()}. */
    public void pauseSkipping() {
        setSkipping(false);
    }

    public void resumeSkipping() {
        setSkipping(true);
    }

    public boolean isSkipping() {
        return skipping;
    }

    /** How many times the clock jumped by itself so far. */
    public long skips() {
        return skips;
    }

    /** Moves the clock forward by {@code delta} (timers that come due fire); returns the new time. */
    public Instant advance(Duration delta) {
        return clock.advance(delta);
    }

    /**
     * Moves the clock straight to the next delayed message (timer) of the store, if there is one, whether
     * or not the store is idle. Returns the new time, or empty if nothing waits for time.
     */
    public Optional<Instant> skipToNextTimer() {
        return provider.nextDelayedVisibleAt().map(clock::advanceTo);
    }

    /**
     * Waits until the store is quiescent on {@link Builder#quietChecks} consecutive checks: everything that
     * can happen without time passing (or without the test acting) has happened.
     *
     * @throws AssertionError if that takes longer than {@code timeout} (wall time)
     */
    public void awaitQuiescent(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (quiet < quietChecks) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the store did not become quiescent within " + timeout
                        + " (queue depths: " + provider.queueDepths() + ")");
            }
            quiet = provider.isQuiescent() ? quiet + 1 : 0;
            if (quiet < quietChecks) {
                sleep(checkInterval);
            }
        }
    }

    private void skipLoop() {
        int quiet = 0;
        while (!closed) {
            sleep(checkInterval);
            if (closed) {
                return;
            }
            if (!skipping) {
                quiet = 0;
                continue;
            }
            try {
                if (!provider.isQuiescent()) {
                    quiet = 0;
                    continue;
                }
                if (++quiet < quietChecks) {
                    continue;
                }
                quiet = 0;
                Optional<Instant> next = provider.nextDelayedVisibleAt();
                if (next.isPresent() && skipping && next.get().isAfter(clock.instant())) {
                    clock.advanceTo(next.get());
                    skips++;
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                // a closed or failing store: try again on the next check
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops skipping, then stops the runtime (which closes the store). */
    @Override
    public void close() {
        closed = true;
        skipping = false;
        skipper.interrupt();
        try {
            skipper.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtime.close();
    }

    /** Options of a {@link TimeSkippingRuntime}. */
    public static final class Builder {
        private final Registry registry;
        private Instant startTime = VirtualClock.DEFAULT_START;
        private Integer cacheSize;
        private boolean skipping = true;
        private Duration checkInterval = Duration.ofMillis(2);
        private int quietChecks = 2;
        private Consumer<RuntimeOptions.Builder> options = o -> { };

        private Builder(Registry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Where the virtual clock starts (default {@link VirtualClock#DEFAULT_START}). */
        public Builder startTime(Instant start) {
            this.startTime = Objects.requireNonNull(start, "startTime");
            return this;
        }

        /** The runtime's execution cache size (default: the runtime's default; 0 forces full replays). */
        public Builder cacheSize(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("cacheSize must be >= 0, was " + size);
            }
            this.cacheSize = size;
            return this;
        }

        /** Whether skipping is on from the start (default true). */
        public Builder skipping(boolean on) {
            this.skipping = on;
            return this;
        }

        /** How often the skipper looks at the store (default 2 ms, wall time). */
        public Builder checkInterval(Duration interval) {
            Objects.requireNonNull(interval, "checkInterval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("checkInterval must be positive, was " + interval);
            }
            this.checkInterval = interval;
            return this;
        }

        /** How many consecutive quiescent checks it takes before the clock jumps (default 2). */
        public Builder quietChecks(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("quietChecks must be >= 1, was " + n);
            }
            this.quietChecks = n;
            return this;
        }

        /**
         * Further runtime options (concurrency, payload codec, relaxed input matching, ...). The clock and
         * the idle poll interval are always set by this runtime and override what {@code customizer} sets.
         */
        public Builder options(Consumer<RuntimeOptions.Builder> customizer) {
            this.options = Objects.requireNonNull(customizer, "options");
            return this;
        }

        public TimeSkippingRuntime start() {
            return new TimeSkippingRuntime(this);
        }
    }
}
