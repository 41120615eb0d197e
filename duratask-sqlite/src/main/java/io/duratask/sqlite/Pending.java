package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import io.duratask.sqlite.GroupCommitWriter.Durability;
import io.duratask.sqlite.GroupCommitWriter.Operation;
import java.util.concurrent.locks.LockSupport;

/**
 * One operation submitted to the {@link GroupCommitWriter}, and its outcome once its batch is over.
 *
 * <p>The leader that runs the batch records the outcome ({@link #succeed}, {@link #fail}) while the
 * transaction is open, and {@link #publish publishes} it only after {@code COMMIT} (or after deciding the
 * whole batch failed). Publishing sets the volatile {@code done} flag, which makes the plain fields visible
 * to the caller, and unparks the caller if it is another thread.
 */
final class Pending<T> {
    final String name;
    final Durability durability;
    final Operation<T> operation;
    /** The caller; it waits in {@link GroupCommitWriter#execute} until {@link #isDone()}. */
    final Thread waiter = Thread.currentThread();

    private T result;
    private RuntimeException error;
    /** The sequence number of the batch that committed this operation (0 if none); set before publishing. */
    long batchSeq;
    private volatile boolean done;

    Pending(String name, Durability durability, Operation<T> operation) {
        this.name = name;
        this.durability = durability;
        this.operation = operation;
    }

    /** Runs the operation; its result is kept until the batch commits. */
    void run(Db db) throws java.sql.SQLException {
        result = operation.run(db);
    }

    /** Records the operation's own failure (its savepoint was rolled back); the batch goes on. */
    void fail(RuntimeException e) {
        error = e;
    }

    boolean failed() {
        return error != null;
    }

    /**
     * Fails the operation with a failure of the whole batch; unless {@code overrideOwnError}, an operation
     * that already failed keeps its own error (it was not applied either way).
     */
    void failWithBatch(ProviderException failure, boolean overrideOwnError) {
        if (overrideOwnError || error == null) {
            error = failure;
        }
        result = null;
    }

    /** Makes the outcome visible to the caller and wakes it. Called once, by the leader. */
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
     * The outcome, on the caller's thread, after {@link #isDone()}: the result, or the operation's own
     * exception (a lost lock, an existing instance, ...), or a copy of a storage failure shared by the batch
     * that carries the caller's stack.
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
