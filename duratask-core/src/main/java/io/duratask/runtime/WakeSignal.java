package io.duratask.runtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes idle dispatcher workers when this process enqueues work. A signal stands for one unit of new
 * work (one message, one work item): it wakes one waiter, or lets the next caller of {@link #await} pass
 * at once. Permits are capped at the number of workers. Whoever enqueues {@code n} items signals
 * {@code n} times ({@link #signal(int)}), so a burst wakes as many workers as it needs and a single
 * message wakes exactly one.
 */
public final class WakeSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int maxPermits;
    private int permits;

    public WakeSignal(int maxPermits) {
        this.maxPermits = maxPermits;
    }

    public void signal() {
        signal(1);
    }

    /** Signals {@code n} units of new work at once (at most the number of workers are woken). */
    public void signal(int n) {
        if (n <= 0) {
            return;
        }
        lock.lock();
        try {
            int wake = Math.min(n, maxPermits - permits);
            permits += wake;
            for (int i = 0; i < wake; i++) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    public void signalAll() {
        lock.lock();
        try {
            permits = maxPermits;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a signal, at most {@code max}; true if it took one, false if the time ran out. */
    public boolean await(Duration max) throws InterruptedException {
        lock.lock();
        try {
            long nanos = max.toNanos();
            while (permits == 0 && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            if (permits > 0) {
                permits--;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    static long millis(Duration d) {
        return TimeUnit.NANOSECONDS.toMillis(d.toNanos());
    }
}
