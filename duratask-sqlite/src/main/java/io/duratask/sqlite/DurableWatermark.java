package io.duratask.sqlite;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How far the writer's batches are durable, by batch sequence number. The log is one file written in
 * order, so a synced commit makes every earlier batch durable too: the mark is the sequence number of the
 * last synced batch. Waiters (a deferred start, see {@link SqliteProvider#awaitDurable}) park until the mark
 * reaches the batch of their own operation.
 */
final class DurableWatermark {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private long durable; // guarded by lock

    /** Batch {@code seq} synced the log at its commit. Leader only, in order. */
    void synced(long seq) {
        lock.lock();
        try {
            durable = seq;
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} until batch {@code seq} is durable; true if it is. Ignores interrupts. */
    boolean awaitDurable(long seq, long nanos) {
        boolean interrupted = false;
        lock.lock();
        try {
            long left = nanos;
            while (durable < seq && left > 0) {
                try {
                    left = advanced.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return durable >= seq;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
