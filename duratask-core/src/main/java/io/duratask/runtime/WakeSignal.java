package io.duratask.runtime;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes idle dispatcher workers. Two kinds of wake-up:
 *
 * <ul>
 *   <li>{@link #signal(int) announced work}: this process enqueued {@code n} items (messages, work items);
 *       each wakes one waiter, or lets the next caller of {@link #await} pass at once. A burst wakes as many
 *       workers as it needs and a single message wakes exactly one.
 *   <li>{@link #probe() a probe}: a worker found work nobody announced (from another process), so more may
 *       be waiting; the woken worker looks, and probes again if it finds something.
 * </ul>
 *
 * Pending wake-ups are capped at the number of workers. {@link #await} tells which kind it took, so that a
 * worker knows whether its fetch answers an announcement or explores.
 */
public final class WakeSignal {
    /** What ended a wait. */
    enum Wake { ANNOUNCED, PROBE, TIMEOUT }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int maxPermits;
    private int announced;
    private int probes;
    private int waiting;

    public WakeSignal(int maxPermits) {
        this.maxPermits = maxPermits;
    }

    /** One unit of new work. */
    public void signal() {
        signal(1);
    }

    /** {@code n} units of new work at once (at most the number of workers are woken). */
    public void signal(int n) {
        if (n <= 0) {
            return;
        }
        lock.lock();
        try {
            int wake = Math.min(n, maxPermits - announced);
            announced += wake;
            for (int i = 0; i < wake; i++) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Asks one more worker to look for work nobody announced. */
    void probe() {
        lock.lock();
        try {
            if (announced + probes < maxPermits) {
                probes++;
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter (shutdown). */
    public void signalAll() {
        lock.lock();
        try {
            announced = maxPermits;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a wake-up, at most {@code max}, and says which kind ended the wait. */
    Wake await(Duration max) throws InterruptedException {
        lock.lock();
        try {
            long nanos = max.toNanos();
            waiting++;
            try {
                while (announced == 0 && probes == 0 && nanos > 0) {
                    nanos = changed.awaitNanos(nanos);
                }
            } finally {
                waiting--;
            }
            if (announced > 0) {
                announced--;
                return Wake.ANNOUNCED;
            }
            if (probes > 0) {
                probes--;
                return Wake.PROBE;
            }
            return Wake.TIMEOUT;
        } finally {
            lock.unlock();
        }
    }

    /** How many workers wait right now (for tests). */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }
}
