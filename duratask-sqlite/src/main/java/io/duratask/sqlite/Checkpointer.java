package io.duratask.sqlite;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log into the database file in the background, on a connection and a thread of its
 * own, so that no caller waits for a checkpoint: at {@code synchronous=FULL} a checkpoint syncs the log and
 * the database file, several milliseconds in all. The writer's batch leader {@link #request requests} one
 * at most once per {@code checkpointInterval}; requests that arrive while one runs fold into the next. A
 * PASSIVE checkpoint copies only what no reader still needs and never blocks the writer or the readers;
 * the log starts over from its beginning at the first write after a checkpoint that copied all of it.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

    private final Connections connections;
    private final Path file;
    private final Object lock = new Object();
    private Thread thread; // guarded by lock; started on the first request
    private boolean requested; // guarded by lock
    private boolean closed; // guarded by lock
    private Db db; // used by the checkpoint thread only, then by close after it ended

    Checkpointer(Connections connections, Path file) {
        this.connections = connections;
        this.file = file;
    }

    /** Asks for a checkpoint soon; returns at once. */
    void request() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            requested = true;
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("duratask-sqlite-checkpoint").start(this::run);
            }
            lock.notifyAll();
        }
    }

    private void run() {
        while (true) {
            synchronized (lock) {
                while (!requested && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                requested = false;
            }
            checkpoint();
        }
    }

    private void checkpoint() {
        try {
            if (db == null) {
                db = connections.openCheckpointer();
            }
            try (ResultSet rs = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").executeQuery()) {
                if (rs.next() && log.isDebugEnabled()) {
                    log.debug("checkpoint of {}: log {} frames, {} copied", file, rs.getLong(2), rs.getLong(3));
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("checkpoint of {} failed (will retry later): {}", file, e.toString());
        }
    }

    /** Stops the thread after the checkpoint it may be running, and closes its connection. Idempotent. */
    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            closed = true;
            running = thread;
            lock.notifyAll();
        }
        if (running != null) {
            boolean interrupted = false;
            while (running.isAlive()) {
                try {
                    running.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }
}
