package io.duratask.testkit;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Named one-shot gates that let a test decide when an activity (or, rarely, a turn) may go on, so that
 * "slow" work is slow by construction rather than by a sleep. A gate is created closed on first use and
 * stays open once opened. Waiting is bounded: a gate that is never opened fails the waiter after
 * {@link #MAX_WAIT} instead of hanging the build.
 */
public final class Gates {
    /** Longest time anything waits at a gate. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final ConcurrentHashMap<String, CountDownLatch> latches = new ConcurrentHashMap<>();

    private CountDownLatch latch(String name) {
        return latches.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    /** Lets everything waiting at {@code name} (now or later) through. */
    public void open(String name) {
        latch(name).countDown();
    }

    public boolean isOpen(String name) {
        return latch(name).getCount() == 0;
    }

    /**
     * Blocks until {@code name} is open.
     *
     * @throws IllegalStateException if it stays closed for {@link #MAX_WAIT} or the thread is interrupted
     */
    public void await(String name) {
        try {
            if (!latch(name).await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("gate '" + name + "' was not opened within " + MAX_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting at gate '" + name + "'", e);
        }
    }

    /** Opens every gate used so far (teardown: nothing stays blocked while a runtime shuts down). */
    public void openAll() {
        latches.values().forEach(CountDownLatch::countDown);
    }
}
