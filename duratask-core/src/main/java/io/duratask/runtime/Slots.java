package io.duratask.runtime;

import java.util.concurrent.Semaphore;

/**
 * How many turns (or activities) this process runs at once. A dispatcher worker takes a slot before it
 * fetches; work handed straight to this process (eager dispatch) takes its slots before the provider call
 * that leases or locks it, and only as many as are free at that moment, so the concurrency bound holds for
 * both paths together.
 */
final class Slots {
    /** A semaphore whose permits can be taken without waiting, even into debt. */
    private static final class Permits extends Semaphore {
        Permits(int size) {
            super(size);
        }

        void takeNow() {
            reducePermits(1);
        }
    }

    private final Permits free;

    Slots(int size) {
        this.free = new Permits(size);
    }

    /**
     * Takes over a slot that the caller holds and releases right after (an activity whose completion leased
     * its successor): takes one now, even if none is free, so that the count may dip below zero until the
     * caller's release. The bound holds: the caller's work is done, only its release is pending.
     */
    void takeOverCallers() {
        free.takeNow();
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
