package io.duratask.fs;

import io.duratask.spi.ProviderException;
import java.util.concurrent.locks.LockSupport;

/**
 * One write submitted to the {@link GroupCommitter} and, once its batch is over, its outcome. The leader
 * records the outcome and then {@link #publish publishes} it: the volatile {@code done} flag makes the plain
 * fields visible to the caller, which is unparked if it is another thread.
 */
final class Pending<T> {
    final String name;
    /** Whether the write must be synced before its caller returns (everything but default activity completions). */
    final boolean durable;
    final Prepared.Write<T> write;
    final Thread waiter = Thread.currentThread();
    Prepared<T> prepared;

    private T result;
    private RuntimeException error;
    private volatile boolean done;

    Pending(String name, boolean durable, Prepared.Write<T> write) {
        this.name = name;
        this.durable = durable;
        this.write = write;
    }

    void succeed(T value) {
        result = value;
    }

    void fail(RuntimeException e) {
        error = e;
        result = null;
    }

    boolean failed() {
        return error != null;
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

    /** The result, or the write's own exception; a failure shared by the batch is rethrown with the caller's stack. */
    T outcome() {
        RuntimeException e = error;
        if (e == null) {
            return result;
        }
        if (e.getClass() == ProviderException.class) {
            ProviderException shared = (ProviderException) e;
            throw new ProviderException(shared.getMessage(), shared.isRetryable(), shared);
        }
        throw e;
    }
}
