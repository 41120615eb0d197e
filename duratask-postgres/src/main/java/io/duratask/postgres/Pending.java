package io.duratask.postgres;

import io.duratask.spi.batch.Coalescer;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One operation submitted to the {@link CommitBatcher}, and its outcome once its batch is over. The leader
 * that runs the batch records the outcome while the transaction is open and {@link #publish publishes} it
 * only after {@code COMMIT} (or after deciding the batch failed).
 */
final class Pending<T> extends Coalescer.Request<T> {
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
        try {
            succeed(operation.run(c));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /**
     * Records the outcome of an operation that a {@link CommitBatcher.Combiner} ran together with others:
     * {@code outcome} is its result, or its refusal if it is a {@link RuntimeException}.
     */
    @SuppressWarnings("unchecked")
    void record(Object outcome) {
        if (outcome instanceof RuntimeException e) {
            fail(e);
        } else {
            succeed((T) outcome);
        }
    }
}
