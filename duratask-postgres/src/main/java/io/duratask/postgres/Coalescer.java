package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Leader and followers, for calls that one statement or transaction serves better together than one each:
 * group commit ({@link CommitBatcher}), activity completions ({@link CompletionBatcher}), orchestration
 * fetches ({@link OrchestrationFetcher}) and instance lookups ({@link InstanceLookups}).
 *
 * <p>A caller queues its {@link Request} and tries to become a leader (one of {@code leaders} permits). A
 * leader runs its owner's batches ({@link Leader#runBatch}, which takes the oldest requests with
 * {@link #poll} and publishes each one's outcome) until its own request is done, then releases its permit
 * and, if requests are queued, wakes the caller of the oldest one to lead next. A caller queues before it
 * tries to lead, and a leader looks at the queue after releasing, so no request is stranded. A follower, or
 * a leader whose request another leader took into the batch it is running, parks until the request is
 * published (trying to lead again at once would spin while that batch runs).
 */
final class Coalescer<Q extends Coalescer.Request<?>> {

    /**
     * One caller's request and its outcome. The leader records the outcome ({@link #succeed} or
     * {@link #fail}) and then {@link #publish publishes} it: the volatile {@code done} flag makes the plain
     * fields visible to the caller, which is unparked.
     */
    abstract static class Request<T> {
        final Thread waiter = Thread.currentThread();
        private T result;
        private RuntimeException error;
        private volatile boolean done;

        final void succeed(T value) {
            result = value;
            error = null;
        }

        final void fail(RuntimeException e) {
            result = null;
            error = e;
        }

        final void publish() {
            done = true;
            if (waiter != Thread.currentThread()) {
                LockSupport.unpark(waiter);
            }
        }

        final boolean isDone() {
            return done;
        }

        /**
         * The outcome on the caller's thread: the result, or the request's own refusal, or a copy of a storage
         * failure shared by the batch that carries the caller's stack.
         */
        final T outcome() {
            RuntimeException e = error;
            if (e == null) {
                return result;
            }
            if (e.getClass() == ProviderException.class) {
                ProviderException failure = (ProviderException) e;
                throw new ProviderException(failure.getMessage(), failure.isRetryable(), failure);
            }
            throw e;
        }
    }

    /** The owner's batch: takes queued requests, runs them, publishes each; false if the queue was empty. */
    @FunctionalInterface
    interface Leader {
        boolean runBatch();
    }

    private final ConcurrentLinkedQueue<Q> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore leaders;
    private final Leader leader;
    private volatile Runnable beforeLeading = () -> { };

    Coalescer(int leaders, Leader leader) {
        this.leaders = new Semaphore(leaders);
        this.leader = leader;
    }

    /** Queues {@code request}, to be taken by a batch; {@link #await} then waits for it. */
    void add(Q request) {
        queue.add(request);
    }

    /**
     * Waits until {@code request}, {@linkplain #add queued} by the calling thread, is published, leading
     * batches while it may; returns its outcome (see {@link Request#outcome}). Interrupts do not cut the
     * wait short (the request may be in a batch that is running); the interrupt status is kept.
     */
    <T> T await(Request<T> request) {
        beforeLeading.run();
        boolean interrupted = false;
        try {
            while (!request.isDone()) {
                if (leaders.tryAcquire()) {
                    try {
                        interrupted |= Thread.interrupted();
                        while (!request.isDone() && leader.runBatch()) {
                            interrupted |= Thread.interrupted();
                        }
                    } finally {
                        leaders.release();
                        Q next = queue.peek();
                        if (next != null) {
                            LockSupport.unpark(next.waiter);
                        }
                    }
                    if (!request.isDone()) {
                        LockSupport.park(this);
                        interrupted |= Thread.interrupted();
                    }
                } else {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return request.outcome();
    }

    /** The oldest queued request, taken off the queue; null if there is none. For {@link Leader#runBatch}. */
    Q poll() {
        return queue.poll();
    }

    /** Puts requests a batch did not take back at the end of the queue. For {@link Leader#runBatch}. */
    void requeue(Collection<Q> requests) {
        queue.addAll(requests);
    }

    /** Runs batches until the queue is empty, as a leader (waiting for a permit). For closing. */
    void drain() {
        leaders.acquireUninterruptibly();
        try {
            while (leader.runBatch()) {
                // until the queue is empty
            }
        } finally {
            leaders.release();
        }
    }

    /** Requests waiting for a batch (for tests). */
    int queued() {
        return queue.size();
    }

    /** Test hook: runs on the caller's thread after it queued its request and before it tries to lead. */
    void beforeLeading(Runnable hook) {
        beforeLeading = hook;
    }
}
