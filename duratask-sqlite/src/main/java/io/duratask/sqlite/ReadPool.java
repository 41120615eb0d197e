package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * A small pool of read connections, opened on demand. WAL mode lets them read while the writer writes;
 * each read sees the last committed state.
 */
final class ReadPool implements AutoCloseable {

    /** A read on one connection. */
    @FunctionalInterface
    interface Read<T> {
        T run(Db db) throws SQLException;
    }

    private final Connections connections;
    private final Supplier<ProviderException> closedException;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Db> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    ReadPool(Connections connections, int size, Supplier<ProviderException> closedException) {
        this.connections = connections;
        this.closedException = closedException;
        this.permits = new Semaphore(size);
    }

    <T> T read(String operation, Read<T> read) {
        if (closed) {
            throw closedException.get();
        }
        permits.acquireUninterruptibly();
        try {
            Db db = idle.poll();
            if (db == null) {
                db = connections.openReader();
            }
            try {
                return read.run(db);
            } catch (SQLException e) {
                throw SqlErrors.translate(operation, db.file(), e);
            } finally {
                release(db);
            }
        } finally {
            permits.release();
        }
    }

    private void release(Db db) {
        idle.add(db);
        if (closed) {
            closeIdle();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        List<Db> toClose = new ArrayList<>();
        for (Db db; (db = idle.poll()) != null; ) {
            toClose.add(db);
        }
        toClose.forEach(Db::close);
    }
}
