package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import io.duratask.sqlite.GroupCommitWriter.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs batches on the writer connection: one {@code BEGIN IMMEDIATE ... COMMIT} per batch, one
 * {@code SAVEPOINT} per operation (none when the batch has one operation: a failure then rolls back the
 * transaction), the synchronous level chosen per batch, and the request for the periodic checkpoint.
 * Only the current leader of the {@link GroupCommitWriter} calls it, so it needs no locking of its own;
 * leadership passes through a lock, which makes one leader's writes visible to the next.
 *
 * <p>{@link #run} publishes the outcome of every operation of the batch, whatever happens: results only
 * after {@code COMMIT} returned, the operation's own exception if its savepoint was rolled back, or a
 * retryable {@link ProviderException} for all of them if the transaction could not be started or committed.
 */
final class BatchRunner {
    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    /** The transaction was rolled back as a whole; the batch cannot continue. */
    private static final class TransactionLost extends Exception {
        TransactionLost(SQLException cause) {
            super(cause);
        }
    }

    /** Checkpoints asked for because the log grew come at most this often. */
    private static final long MIN_GROWTH_CHECKPOINT_GAP = 10_000_000L;
    /** The log file's size is read after a batch at most this often. */
    private static final long LOG_SIZE_READ_GAP = 1_000_000L;

    private final Db db;
    private final Path file;
    private final SqliteOptions options;
    private final Checkpointer checkpointer;
    private final DurableWatermark watermark = new DurableWatermark();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong durableBatches = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private boolean atConfiguredLevel = true; // the connection starts at the configured level
    private final Path logFile;
    private long logSize = -1; // the log file's size when last read; -1: not read yet
    private long logSizeReadNanos = System.nanoTime();
    private long lastCheckpointNanos = System.nanoTime();
    private boolean closed;

    BatchRunner(Db db, SqliteOptions options, Checkpointer checkpointer) {
        this.db = db;
        this.file = db.file();
        this.options = options;
        this.checkpointer = checkpointer;
        this.logFile = Connections.logFile(file);
    }

    DurableWatermark watermark() {
        return watermark;
    }

    GroupCommitWriter.Stats stats() {
        return new GroupCommitWriter.Stats(batches.get(), durableBatches.get(), operations.get());
    }

    /** Runs {@code batch} in one transaction and publishes every operation's outcome. Never throws. */
    void run(List<Pending<?>> batch) {
        try {
            runBatch(batch);
        } catch (RuntimeException | Error e) {
            log.error("SQLite writer for {} failed a batch unexpectedly", file, e);
            rollbackQuietly(); // in case the transaction is still open
            ProviderException failure = new ProviderException("SQLite write failed on " + file + ": " + e, true, e);
            for (Pending<?> p : batch) {
                if (!p.isDone()) {
                    p.failWithBatch(failure, true);
                    p.publish();
                }
            }
        }
    }

    private void runBatch(List<Pending<?>> batch) {
        boolean durable = false;
        for (Pending<?> p : batch) {
            durable |= p.durability == Durability.DURABLE;
        }
        long seq = batches.incrementAndGet();
        operations.addAndGet(batch.size());
        try {
            setSyncing(durable);
            db.exec("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            failAll(batch, SqlErrors.translate("begin transaction", file, e), true);
            return;
        }
        try {
            if (batch.size() == 1) {
                // alone in its transaction: no savepoint needed, a failure rolls back the transaction
                Pending<?> p = batch.get(0);
                runAlone(p);
                if (p.failed()) {
                    rollbackQuietly();
                    p.publish();
                    return;
                }
            } else {
                for (Pending<?> p : batch) {
                    runInSavepoint(p);
                }
            }
            FaultHook.beforeCommit(batch);
            db.exec("COMMIT");
        } catch (TransactionLost | SQLException e) {
            SQLException cause = e instanceof TransactionLost lost ? (SQLException) lost.getCause() : (SQLException) e;
            rollbackQuietly();
            ProviderException failure = new ProviderException("SQLite commit of " + batch.size() + " operations failed on "
                    + file + ": " + cause.getMessage() + "; nothing of them was applied, retry", true, cause);
            failAll(batch, failure, false);
            return;
        }
        if (durable) {
            durableBatches.incrementAndGet();
        }
        if (durable && options.synchronous() == SqliteOptions.Synchronous.FULL) {
            watermark.synced(seq);
        }
        for (Pending<?> p : batch) {
            p.batchSeq = seq;
        }
        FaultHook.afterCommit(batch);
        for (Pending<?> p : batch) {
            p.publish();
        }
        checkpointIfDue();
    }

    /** Runs an operation that has the transaction to itself; its failure is recorded, not thrown. */
    private void runAlone(Pending<?> p) {
        try {
            p.run(db);
        } catch (SQLException e) {
            p.fail(SqlErrors.translate(p.name, file, e));
        } catch (RuntimeException e) {
            p.fail(e);
        }
    }

    private void runInSavepoint(Pending<?> p) throws TransactionLost {
        try {
            db.exec("SAVEPOINT op");
        } catch (SQLException e) {
            throw new TransactionLost(e);
        }
        try {
            p.run(db);
            db.exec("RELEASE op");
        } catch (SQLException e) {
            p.fail(SqlErrors.translate(p.name, file, e));
            rollbackToSavepoint();
        } catch (RuntimeException e) {
            p.fail(e);
            rollbackToSavepoint();
        }
    }

    private void rollbackToSavepoint() throws TransactionLost {
        try {
            db.exec("ROLLBACK TO op");
            db.exec("RELEASE op");
        } catch (SQLException e) {
            // SQLite rolled back the whole transaction (e.g. disk full, I/O error)
            throw new TransactionLost(e);
        }
    }

    /** Fails and publishes every operation; unless {@code overrideOwnErrors}, one that failed keeps its error. */
    private static void failAll(List<Pending<?>> batch, ProviderException failure, boolean overrideOwnErrors) {
        for (Pending<?> p : batch) {
            p.failWithBatch(failure, overrideOwnErrors);
            p.publish();
        }
    }

    /**
     * Durable batches run at the configured level, lock-only batches at NORMAL (no fsync at commit). Not
     * OFF: see {@link GroupCommitWriter} for why.
     */
    private void setSyncing(boolean durable) throws SQLException {
        if (options.synchronous() == SqliteOptions.Synchronous.NORMAL || durable == atConfiguredLevel) {
            return;
        }
        db.exec(durable ? Connections.synchronousPragma(options.synchronous()) : "PRAGMA synchronous=NORMAL");
        atConfiguredLevel = durable;
    }

    /**
     * Asks the background checkpointer for a checkpoint once per {@code checkpointInterval}, and sooner (but
     * at most once per {@link #MIN_GROWTH_CHECKPOINT_GAP}) when the batch grew the log file: the log has
     * outgrown what was written out of it, and every commit now appends to the file, which costs it a
     * journal commit of the file system (see {@link Connections#allocateLog}). Once the checkpoint copied
     * the log, it starts over at the beginning of the file, so the file stays as large as the writes
     * between two checkpoints need and commits overwrite it. Only at {@code synchronous=FULL}: at NORMAL a
     * commit syncs nothing, so appending costs it little, while every checkpoint syncs all the log written
     * since the last one, and more of them (one per 4 MiB) made workload (c)'s p99 four times longer.
     */
    private void checkpointIfDue() {
        long now = System.nanoTime();
        long since = now - lastCheckpointNanos;
        long interval = options.checkpointInterval().toNanos();
        boolean grew = false;
        if (options.synchronous() == SqliteOptions.Synchronous.FULL
                && now - logSizeReadNanos >= LOG_SIZE_READ_GAP) { // a stat costs a few microseconds; a commit, more
            logSizeReadNanos = now;
            grew = logGrew();
        }
        if (since < interval && !(grew && since >= Math.min(interval, MIN_GROWTH_CHECKPOINT_GAP))) {
            return;
        }
        lastCheckpointNanos = now;
        checkpointer.request();
    }

    /** Whether the log file is larger than when last read. */
    private boolean logGrew() {
        long size;
        try {
            size = Files.size(logFile);
        } catch (IOException e) {
            return false; // not in WAL mode, or the file is gone: the periodic checkpoint still runs
        }
        boolean grew = logSize >= 0 && size > logSize;
        logSize = size;
        return grew;
    }

    private void rollbackQuietly() {
        try {
            db.exec("ROLLBACK");
        } catch (SQLException ignored) {
            // already rolled back by SQLite
        }
    }

    /**
     * Restores the configured level (SQLite checkpoints the log when the last connection closes, and with
     * FULL that syncs everything written at NORMAL) and closes the connection. Idempotent.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            setSyncing(true);
        } catch (SQLException e) {
            log.warn("cannot restore synchronous mode on {} before closing: {}", file, e.getMessage());
        }
        db.close();
    }
}
