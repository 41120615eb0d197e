package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import io.duratask.sqlite.GroupCommitWriter.Durability;
import io.duratask.sqlite.GroupCommitWriter.Operation;
import io.duratask.spi.batch.Coalescer;

/**
 * One operation submitted to the {@link GroupCommitWriter}, and its outcome once its batch is over.
 *
 * <p>The leader that runs the batch records the outcome ({@link #run}, {@link #fail}) while the
 * transaction is open, and {@linkplain #publish publishes} it only after {@code COMMIT} (or after deciding
 * the whole batch failed).
 */
final class Pending<T> extends Coalescer.Request<T> {
    final String name;
    final Durability durability;
    final Operation<T> operation;
    /** The sequence number of the batch that committed this operation (0 if none); set before publishing. */
    long batchSeq;

    Pending(String name, Durability durability, Operation<T> operation) {
        this.name = name;
        this.durability = durability;
        this.operation = operation;
    }

    /** Runs the operation; its result is kept until the batch commits. */
    void run(Db db) throws java.sql.SQLException {
        succeed(operation.run(db));
    }

    /**
     * Fails the operation with a failure of the whole batch; unless {@code overrideOwnError}, an operation
     * that already failed keeps its own error (it was not applied either way).
     */
    void failWithBatch(ProviderException failure, boolean overrideOwnError) {
        if (overrideOwnError || !failed()) {
            fail(failure);
        }
    }
}
