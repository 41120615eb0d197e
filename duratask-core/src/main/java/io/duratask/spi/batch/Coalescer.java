package io.duratask.spi.batch;

import io.duratask.spi.ProviderException;
import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Leader and followers, for calls that one statement, transaction or sync serves better together than one
 * each: the group commits of the SQLite, file-system and PostgreSQL providers, and PostgreSQL's batched
 * completions, coalesced fetches and instance lookups.
 *
 * <p>A caller queues its {@link Request} and tries to become a leader (one of {@code leaders} permits). A
 * leader runs its owner's batches ({@link Leader#runBatch}, which takes the oldest requests with
 * {@link #poll} and publishes each one's outcome) until its own request is done, then releases its permit
 * and, if requests are queued, wakes the caller of the oldest one to lead next. A caller queues before it
 * tries to lead, and a leader looks at the queue after releasing, so no request is stranded. A follower, or
 * a leader whose request another leader took into the batch it is running, parks until the request is
 * published (trying to lead again at once would spin while that batch runs).
 */
public final class Coalescer<Q extends Coalescer.Request<?>> {

    /**
     * One caller's request and its outcome. The leader records the outcome ({@link #succeed} or
     * {@link #fail}) and then {@link #publish publishes} it: the volatile {@code done} flag makes the plain
     * fields visible to the caller, which is unparked.
     */
    public abstract static class Request<T> {
        private final Thread waiter = Thread.currentThread();
        private T result;
        private RuntimeException error;
        private volatile boolean done;

        public final void succeed(T value) {
            result = value;
            error = null;
        }

        public final void fail(RuntimeException e) {
            result = null;
            error = e;
        }

        public final void publish() {
            done = true;
            if (waiter != Thread.currentThread()) {
                LockSupport.unpark(waiter);
            }
        }

        public final boolean isDone() {
            return done;
        }

        /** Whether a failure was recorded. */
        public final boolean failed() {
            return error != null;
        }

        /**
         * The outcome on the caller's thread: the result, or the request's own refusal, or a copy of a storage
         * failure shared by the batch that carries the caller's stack.
         */
        public final T outcome() {
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
    public interface Leader {
        boolean runBatch();
    }

    private final ConcurrentLinkedQueue<Q> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore leaders;
    private final Leader leader;
    private volatile Runnable beforeLeading = () -> { };

    public Coalescer(int leaders, Leader leader) {
        if (leaders < 1) {
            throw new IllegalArgumentException("leaders must be at least 1, was " + leaders);
        }
        this.leaders = new Semaphore(leaders);
        this.leader = leader;
    }

    /** Queues {@code request}, to be taken by a batch; {@link #await} then waits for it. */
    public void add(Q request) {
        queue.add(request);
    }

    /**
     * Waits until {@code request}, {@linkplain #add queued} by the calling thread, is published, leading
     * batches while it may; returns its outcome (see {@link Request#outcome}). Interrupts do not cut the
     * wait short (the request may be in a batch that is running); the interrupt status is kept.
     */
    public <T> T await(Request<T> request) {
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
                        wakeNextLeader();
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
    public Q poll() {
        return queue.poll();
    }

    /** Puts requests a batch did not take back at the end of the queue. For {@link Leader#runBatch}. */
    public void requeue(Collection<Q> requests) {
        queue.addAll(requests);
    }

    /** Runs batches until the queue is empty, as a leader (waiting for a permit). For closing. */
    public void drain() {
        whileLeading(() -> {
            while (leader.runBatch()) {
                // until the queue is empty
            }
            return null;
        });
    }

    /** Work done holding a leader permit. */
    @FunctionalInterface
    public interface LeaderTask<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code task} holding a leader permit (waiting for one, uninterruptibly), so that with one permit no
     * batch is in progress or starts meanwhile; requests queued in the meantime wait, and the caller of the
     * oldest is woken to lead afterwards.
     */
    public <T, E extends Exception> T whileLeading(LeaderTask<T, E> task) throws E {
        leaders.acquireUninterruptibly();
        try {
            return task.run();
        } finally {
            leaders.release();
            wakeNextLeader();
        }
    }

    /** After releasing a permit: wakes the caller of the oldest queued request, to lead next. */
    private void wakeNextLeader() {
        Q next = queue.peek();
        if (next != null) {
            LockSupport.unpark(((Request<?>) next).waiter);
        }
    }

    /** Requests waiting for a batch (for tests). */
    public int queued() {
        return queue.size();
    }

    /** Test hook: runs on the caller's thread after it queued its request and before it tries to lead. */
    public void beforeLeading(Runnable hook) {
        beforeLeading = hook;
    }
}
