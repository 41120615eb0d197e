package io.duratask.runtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes idle dispatcher workers when this process enqueues work. A signal wakes one waiter (or lets the
 * next caller of {@link #await} pass at once); a worker that found work signals again, so a burst
 * cascades to as many workers as it needs without waking all of them for one message.
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
        lock.lock();
        try {
            if (permits < maxPermits) {
                permits++;
            }
            changed.signal();
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

    /** Waits for a signal, at most {@code max}. */
    public void await(Duration max) throws InterruptedException {
        lock.lock();
        try {
            long nanos = max.toNanos();
            while (permits == 0 && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            if (permits > 0) {
                permits--;
            }
        } finally {
            lock.unlock();
        }
    }

    static long millis(Duration d) {
        return TimeUnit.NANOSECONDS.toMillis(d.toNanos());
    }
}
