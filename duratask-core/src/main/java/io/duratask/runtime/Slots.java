package io.duratask.runtime;

import java.util.concurrent.Semaphore;

/**
 * How many turns (or activities) this process runs at once. A dispatcher worker takes a slot before it
 * fetches; work handed straight to this process (eager dispatch) takes its slots before the provider call
 * that leases or locks it, and only as many as are free at that moment, so the concurrency bound holds for
 * both paths together.
 */
final class Slots {
    private final Semaphore free;

    Slots(int size) {
        this.free = new Semaphore(size);
    }

    void acquire() throws InterruptedException {
        free.acquire();
    }

    /** Takes up to {@code n} free slots without waiting; returns how many it took. */
    int tryAcquireUpTo(int n) {
        while (n > 0) {
            int available = free.availablePermits();
            int take = Math.min(n, available);
            if (take <= 0) {
                return 0;
            }
            if (free.tryAcquire(take)) {
                return take;
            }
        }
        return 0;
    }

    void release(int n) {
        if (n > 0) {
            free.release(n);
        }
    }

    void release() {
        free.release();
    }
}
