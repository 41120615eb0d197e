package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * One operation submitted to the {@link CommitBatcher}, and its outcome once its batch is over. The leader
 * that runs the batch records the outcome while the transaction is open and {@link #publish publishes} it
 * only after {@code COMMIT} (or after deciding the batch failed). Publishing sets the volatile {@code done}
 * flag, which makes the plain fields visible to the caller, and unparks the caller.
 */
final class Pending<T> {
    /** Work done inside the batch's transaction: one statement, whose expected refusals are results. */
    @FunctionalInterface
    interface Operation<T> {
        /**
         * Runs the operation. An expected refusal (a lost lock, an existing id) is thrown as a
         * {@link RuntimeException} only after its statement succeeded, so the transaction stays usable; an
         * {@link SQLException} means the transaction is aborted.
         */
        T run(Connection c) throws SQLException;
    }

    final String name;
    final Operation<T> operation;
    /** What a {@link CommitBatcher.Combiner} needs to run this operation together with others; null if it cannot. */
    final Object combinable;
    final Thread waiter = Thread.currentThread();

    private T result;
    private RuntimeException error;
    private volatile boolean done;

    Pending(String name, Operation<T> operation) {
        this(name, operation, null);
    }

    Pending(String name, Operation<T> operation, Object combinable) {
        this.name = name;
        this.operation = operation;
        this.combinable = combinable;
    }

    /** Runs the operation; a refusal is recorded as its outcome, an SQL error propagates. */
    void run(Connection c) throws SQLException {
        error = null;
        try {
            result = operation.run(c);
        } catch (RuntimeException e) {
            result = null;
            error = e;
        }
    }

    /**
     * Records the outcome of an operation that a {@link CommitBatcher.Combiner} ran together with others:
     * {@code outcome} is its result, or its refusal if it is a {@link RuntimeException}.
     */
    @SuppressWarnings("unchecked")
    void record(Object outcome) {
        if (outcome instanceof RuntimeException e) {
            result = null;
            error = e;
        } else {
            result = (T) outcome;
            error = null;
        }
    }

    void fail(RuntimeException e) {
        result = null;
        error = e;
    }

    void publish() {
        done = true;
        if (waiter != Thread.currentThread()) {
            LockSupport.unpark(waiter);
        }
    }

    boolean isDone() {
        return done;
    }

    /**
     * The outcome on the caller's thread: the result, or the operation's own refusal, or a copy of a storage
     * failure shared by the batch that carries the caller's stack.
     */
    T outcome() {
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
