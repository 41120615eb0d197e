package io.duratask.fs;

import java.time.Instant;
import java.util.List;

/**
 * A write checked and turned into file operations (under the state lock, by the group-commit leader), and
 * what it does to the provider's memory once its journal record is synced and applied.
 */
interface Prepared<T> {

    /** The file operations, in the order they are applied. */
    List<FileOp> ops();

    /** Changes the state as the operations changed the files (under the state lock); returns the result. */
    T publish(State state, Instant now);

    /** A write that turned out to change nothing. */
    static <T> Prepared<T> nothing(T result) {
        return new Prepared<>() {
            @Override
            public List<FileOp> ops() {
                return List.of();
            }

            @Override
            public T publish(State state, Instant now) {
                return result;
            }
        };
    }

    /**
     * One write: checks it against the state and the batch so far, reserves what it needs (sequence
     * numbers, the {@code committing} mark), and returns its operations. Throws to reject the write; it
     * must then have changed nothing.
     */
    @FunctionalInterface
    interface Write<T> {
        Prepared<T> prepare(State state, Batch batch, Instant now);
    }
}
