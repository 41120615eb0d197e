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
 * at most once per {@code checkpointInterval}; requests that arrive while one runs fold into the next.
 *
 * <p><b>Two passes, so that the log starts over.</b> A PASSIVE checkpoint copies only what no reader still
 * needs and never blocks the writer or the readers. The log starts over from its beginning at the first
 * write after a checkpoint that copied <em>all</em> of it; until then every commit appends to the log file,
 * which grows without bound. Under continuous writes a background checkpoint never copies all of it: while
 * it copies and syncs, the writer appends more. So after the first pass, unless the log was empty, a second
 * pass runs while the writer's callers {@link WriterPause wait} (about as long as one commit: a few frames
 * and two syncs). The next commit then starts the log over. This matters for speed as well as space: a
 * commit that overwrites blocks of the log file costs one flush of the data, while one that grows the file
 * also makes the file system commit its journal, which on the disks measured nearly doubles the fsync
 * (0.18 against 0.33 ms for 32 KiB).
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

    /** Work on the checkpointer's connection. */
    @FunctionalInterface
    interface SqlTask<T> {
        T run() throws SQLException;
    }

    /** Runs a task while no batch is in progress and none can start; see {@link GroupCommitWriter}. */
    @FunctionalInterface
    interface WriterPause {
        <T> T whileWritersWait(SqlTask<T> task) throws SQLException;
    }

    /**
     * A checkpoint's outcome: the frames in the log when it started and how many of them are in the database
     * file now. Copying all of them does not mean the log is all copied: the writer may have added more.
     */
    private record Progress(long logFrames, long copiedFrames) {}

    private final Connections connections;
    private final Path file;
    private final WriterPause writerPause;
    private final Object lock = new Object();
    private Thread thread; // guarded by lock; started on the first request
    private boolean requested; // guarded by lock
    private boolean closed; // guarded by lock
    private Db db; // used by the checkpoint thread only, then by close after it ended

    Checkpointer(Connections connections, Path file, WriterPause writerPause) {
        this.connections = connections;
        this.file = file;
        this.writerPause = writerPause;
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
            Progress first = passive();
            if (first.logFrames() <= 0) {
                return; // an empty log (or not in WAL mode): nothing to copy, the log starts over anyway
            }
            Progress second = writerPause.whileWritersWait(this::passive);
            log.debug("checkpoint of {}: {} of {} frames, then {} of {} with the writer paused", file,
                    first.copiedFrames(), first.logFrames(), second.copiedFrames(), second.logFrames());
        } catch (SQLException | RuntimeException e) {
            log.warn("checkpoint of {} failed (will retry later): {}", file, e.toString());
        }
    }

    private Progress passive() throws SQLException {
        try (ResultSet rs = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").executeQuery()) {
            // columns: busy, frames in the log, frames copied (-1, -1 when the database is not in WAL mode)
            return rs.next() ? new Progress(rs.getLong(2), rs.getLong(3)) : new Progress(0, 0);
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
