package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one {@link SqliteProvider}: one platform thread owning one connection, executing
 * every operation that writes, with group commit.
 *
 * <p>Callers {@link #execute submit} an operation and block until its outcome is known. The writer takes
 * everything queued (up to {@code maxBatchSize}) and runs it in one {@code BEGIN IMMEDIATE ... COMMIT}
 * transaction. Each operation runs inside its own {@code SAVEPOINT}, so an operation that throws (a lost
 * lock, an existing instance id, a SQL error) is rolled back alone and its exception reaches only its own
 * caller. Futures complete after {@code COMMIT} returns: nobody sees success before it is stored. If the
 * transaction cannot be started or committed, every operation of the batch fails with a retryable
 * {@link ProviderException}.
 *
 * <p><b>Durability per batch.</b> An operation is {@link Durability#DURABLE} (turn commits, work-item
 * completions, client operations) or {@link Durability#LOCK_ONLY} (fetches, renewals, abandons). A batch
 * with at least one durable operation runs with {@code PRAGMA synchronous} at the configured level (FULL:
 * the log is fsynced at commit). A batch of lock operations only runs with {@code synchronous=NORMAL},
 * which in WAL mode commits without any fsync. Losing such a batch in a power failure only loses locks,
 * visibility times and dequeue counts, which expire or are redone anyway; and the fsync of a later durable
 * commit also makes the earlier, unsynced log frames durable, because the log is one file written in
 * order. A fetch that finds nothing writes nothing at all.
 *
 * <p>Why NORMAL and not OFF: commits cost the same (no fsync) in WAL mode, but with OFF SQLite also skips
 * the syncs that keep the file consistent — when a checkpoint copies the log into the database file, and
 * when the log restarts from its beginning (SQLite ticket ff5be73dee) — so a power failure could corrupt
 * the file. NORMAL keeps those syncs; they happen about once per checkpoint, not per commit.
 *
 * <p><b>Checkpoints.</b> Automatic checkpoints are off on this connection (they would run inside a commit
 * and delay its callers); the writer runs a passive checkpoint itself between batches, at most once per
 * {@code checkpointInterval}.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Whether an operation's effects must be on disk before its caller hears of success. */
    enum Durability { DURABLE, LOCK_ONLY }

    /** Work done on the writer's connection inside the batch transaction. */
    @FunctionalInterface
    interface Operation<T> {
        T run(Db db) throws SQLException;
    }

    /** Counters for diagnostics. */
    record Stats(long batches, long durableBatches, long operations) {}

    private static final class Pending<T> {
        final String name;
        final Durability durability;
        final Operation<T> operation;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        RuntimeException error;

        Pending(String name, Durability durability, Operation<T> operation) {
            this.name = name;
            this.durability = durability;
            this.operation = operation;
        }

        void complete() {
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                future.complete(result);
            }
        }
    }

    /** Tells the writer thread to finish what is queued and stop. */
    private static final Pending<Void> STOP = new Pending<>("stop", Durability.LOCK_ONLY, db -> null);

    /** The transaction was rolled back as a whole; the batch cannot continue. */
    private static final class TransactionLost extends Exception {
        TransactionLost(SQLException cause) {
            super(cause);
        }
    }

    private final Db db;
    private final Path file;
    private final SqliteOptions options;
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong durableBatches = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private boolean closed; // guarded by closeLock
    private boolean atConfiguredLevel = true; // the connection starts at the configured level
    private long lastCheckpointNanos = System.nanoTime();

    GroupCommitWriter(Db db, SqliteOptions options) {
        this.db = db;
        this.file = db.file();
        this.options = options;
        this.thread = Thread.ofPlatform().name("duratask-sqlite-writer-" + file.getFileName()).daemon(true)
                .start(this::loop);
    }

    /**
     * Runs {@code operation} in the next batch and returns its result once the batch is committed. Waits
     * without giving up on interrupts (the outcome would otherwise be unknown); the interrupt flag is
     * restored afterwards.
     */
    <T> T execute(String name, Durability durability, Operation<T> operation) {
        Pending<T> pending = new Pending<>(name, durability, operation);
        closeLock.readLock().lock();
        try {
            if (closed) {
                throw closedException();
            }
            queue.add(pending);
        } finally {
            closeLock.readLock().unlock();
        }
        return await(pending);
    }

    Stats stats() {
        return new Stats(batches.get(), durableBatches.get(), operations.get());
    }

    ProviderException closedException() {
        return new ProviderException("the SQLite provider for " + file + " is closed", false);
    }

    /** Runs what is queued, stops the thread and closes the connection. Idempotent. */
    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                queue.add(STOP);
            }
        } finally {
            closeLock.writeLock().unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Pending<T> pending) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pending.future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() != null && e.getCause().getClass() == ProviderException.class) {
                        // a storage failure, maybe shared by the whole batch: give each caller its own, with its stack
                        ProviderException failure = (ProviderException) e.getCause();
                        throw new ProviderException(failure.getMessage(), failure.isRetryable(), failure);
                    }
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re; // an outcome of this operation alone (lock lost, instance exists, ...)
                    }
                    throw new ProviderException(pending.name + " failed: " + e.getCause(), false, e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        List<Pending<?>> batch = new ArrayList<>(options.maxBatchSize());
        try {
            boolean stopping = false;
            while (!stopping) {
                batch.add(queue.take());
                queue.drainTo(batch, options.maxBatchSize() - 1);
                stopping = batch.remove(STOP);
                if (!batch.isEmpty()) {
                    runSafely(batch);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            log.error("SQLite writer for {} was interrupted; the provider stops accepting writes", file);
        } finally {
            shutDown(batch);
        }
    }

    private void runSafely(List<Pending<?>> batch) {
        try {
            runBatch(batch);
        } catch (RuntimeException | Error e) {
            log.error("SQLite writer for {} failed a batch unexpectedly", file, e);
            rollbackQuietly(); // in case the transaction is still open
            ProviderException failure = new ProviderException("SQLite write failed on " + file + ": " + e, true, e);
            for (Pending<?> p : batch) {
                p.future.completeExceptionally(failure);
            }
        }
    }

    private void runBatch(List<Pending<?>> batch) {
        boolean durable = batch.stream().anyMatch(p -> p.durability == Durability.DURABLE);
        batches.incrementAndGet();
        operations.addAndGet(batch.size());
        try {
            setSyncing(durable);
            db.exec("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            failAll(batch, SqlErrors.translate("begin transaction", file, e), true);
            return;
        }
        try {
            for (Pending<?> p : batch) {
                runInSavepoint(p);
            }
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
        for (Pending<?> p : batch) {
            p.complete();
        }
        checkpointIfDue();
    }

    private <T> void runInSavepoint(Pending<T> p) throws TransactionLost {
        try {
            db.exec("SAVEPOINT op");
        } catch (SQLException e) {
            throw new TransactionLost(e);
        }
        try {
            p.result = p.operation.run(db);
            db.exec("RELEASE op");
        } catch (SQLException e) {
            p.error = SqlErrors.translate(p.name, file, e);
            rollbackToSavepoint();
        } catch (RuntimeException e) {
            p.error = e;
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

    /** Fails every operation; unless {@code overrideOwnErrors}, one that already failed keeps its own error. */
    private static void failAll(List<Pending<?>> batch, ProviderException failure, boolean overrideOwnErrors) {
        for (Pending<?> p : batch) {
            if (overrideOwnErrors || p.error == null) {
                p.future.completeExceptionally(failure);
            } else {
                p.future.completeExceptionally(p.error);
            }
        }
    }

    /** Durable batches run at the configured level, lock-only batches at NORMAL (no fsync at commit). */
    private void setSyncing(boolean durable) throws SQLException {
        if (options.synchronous() == SqliteOptions.Synchronous.NORMAL || durable == atConfiguredLevel) {
            return;
        }
        db.exec(durable ? Connections.synchronousPragma(options.synchronous()) : "PRAGMA synchronous=NORMAL");
        atConfiguredLevel = durable;
    }

    private void checkpointIfDue() {
        long now = System.nanoTime();
        if (now - lastCheckpointNanos < options.checkpointInterval().toNanos()) {
            return;
        }
        lastCheckpointNanos = now;
        try (ResultSet rs = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").executeQuery()) {
            if (rs.next() && log.isDebugEnabled()) {
                log.debug("checkpoint of {}: log {} frames, {} copied", file, rs.getLong(2), rs.getLong(3));
            }
        } catch (SQLException e) {
            log.warn("checkpoint of {} failed (will retry later): {}", file, e.getMessage());
        }
    }

    private void rollbackQuietly() {
        try {
            db.exec("ROLLBACK");
        } catch (SQLException ignored) {
            // already rolled back by SQLite
        }
    }

    private void shutDown(List<Pending<?>> unfinished) {
        closeLock.writeLock().lock();
        try {
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        queue.drainTo(unfinished);
        unfinished.remove(STOP);
        failAll(unfinished, closedException(), true);
        try {
            setSyncing(true); // back to the configured level for the checkpoint SQLite runs when it closes
        } catch (SQLException e) {
            log.warn("cannot restore synchronous mode on {} before closing: {}", file, e.getMessage());
        }
        db.close();
    }
}
