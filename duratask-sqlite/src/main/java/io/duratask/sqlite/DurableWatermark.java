package io.duratask.sqlite;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How far the writer's batches are committed and how far they are durable, by batch sequence number. The
 * log is one file written in order, so a synced commit makes every earlier batch durable too: the durable
 * mark is the sequence number of the last synced batch. Waiters (a deferred start, see
 * {@link SqliteProvider#awaitDurable}) park until the durable mark passes theirs.
 */
final class DurableWatermark {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private long committed; // guarded by lock
    private long durable; // guarded by lock

    /** Batch {@code seq} committed; {@code synced} if its commit synced the log. Leader only, in order. */
    void committed(long seq, boolean synced) {
        lock.lock();
        try {
            committed = seq;
            if (synced) {
                durable = seq;
                advanced.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number of the last committed batch. */
    long committed() {
        lock.lock();
        try {
            return committed;
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

    /** For tests: the sequence number of the last durable batch. */
    long durable() {
        lock.lock();
        try {
            return durable;
        } finally {
            lock.unlock();
        }
    }
}
