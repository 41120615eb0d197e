package io.duratask.fs;

import io.duratask.spi.batch.Coalescer;

/**
 * One write submitted to the {@link GroupCommitter} and, once its batch is over, its outcome. The leader
 * records the outcome and then {@linkplain #publish publishes} it (see {@link Coalescer.Request}).
 */
final class Pending<T> extends Coalescer.Request<T> {
    final String name;
    /** Whether the write must be synced before its caller returns (everything but default activity completions). */
    final boolean durable;
    final Prepared.Write<T> write;
    Prepared<T> prepared;

    Pending(String name, boolean durable, Prepared.Write<T> write) {
        this.name = name;
        this.durable = durable;
        this.write = write;
    }
}
