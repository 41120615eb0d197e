package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import io.duratask.spi.batch.Coalescer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The single writer of one {@link SqliteProvider}: one connection, used by one caller at a time, running
 * every operation that writes, with group commit led by the callers themselves (leader/follower).
 *
 * <p><b>Leader and followers.</b> A caller {@link #execute submits} an operation by adding it to a queue,
 * then tries to take leadership. If nobody leads, it becomes the leader and runs a batch on its own thread:
 * it takes everything queued (up to {@code maxBatchSize}, oldest first), runs it in one
 * {@code BEGIN IMMEDIATE ... COMMIT} transaction and publishes every outcome. Otherwise it is a follower: it
 * parks until its operation's outcome is published, or until it is asked to lead. A leader leads until its
 * own operation is done, then releases leadership and, if operations are queued, wakes the caller of the
 * oldest one to lead the next batch. Operations that arrive while a leader is inside {@code COMMIT}
 * (waiting for the fsync) queue up and form the next batch, so under load many operations share one
 * fsync; on an idle system an operation runs on its caller's thread with no thread handoff at all.
 *
 * <p>No operation is stranded in the queue with nobody leading: a caller enqueues <em>before</em> it tries
 * to lead, and a leader looks at the queue <em>after</em> it releases leadership. If the caller's attempt
 * fails, the leader holding the lock at that moment releases it later, so it sees the operation and wakes
 * its caller (or a newer leader drained it already, and publishes it). The queue, the leadership and the
 * waiting are the providers' shared {@link Coalescer} with one leader; this class runs the batches.
 *
 * <p>Each operation runs inside its own {@code SAVEPOINT}, so an operation that throws (a lost lock, an
 * existing instance id, a SQL error) is rolled back alone and its exception reaches only its own caller.
 * Outcomes are published after {@code COMMIT} returns: nobody sees success before it is stored. If the
 * transaction cannot be started or committed, every operation of the batch fails with a retryable
 * {@link ProviderException}. Waiting ignores interrupts (giving up would leave the outcome unknown); the
 * interrupt flag is restored afterwards. See {@link BatchRunner}.
 *
 * <p><b>Durability per batch.</b> An operation is {@link Durability#DURABLE} (turn commits, client
 * operations, and activity completions if {@link SqliteOptions#syncActivityCompletions()}) or
 * {@link Durability#LOCK_ONLY} (fetches, renewals, abandons, and by default activity completions). A batch
 * with at least one durable operation runs with {@code PRAGMA synchronous} at the configured level (FULL:
 * the log is fsynced at commit). A batch of lock-only operations runs with {@code synchronous=NORMAL},
 * which in WAL mode commits without any fsync. The log is one file written in order, so the fsync of any
 * later durable commit also makes every earlier, unsynced frame durable. Losing lock operations in a power
 * failure only loses locks, visibility times and dequeue counts, which expire or are redone anyway. Losing
 * an activity completion brings back its work item (deleted in the same transaction), so the activity runs
 * again, which its at-least-once contract allows; and nothing can depend on the completion before a turn
 * consumes it, and that turn's commit is synced and later in the log. A fetch that finds nothing writes
 * nothing at all.
 *
 * <p>Why NORMAL and not OFF: commits cost the same (no fsync) in WAL mode, but with OFF SQLite also skips
 * the syncs that keep the file consistent — when a checkpoint copies the log into the database file, and
 * when the log restarts from its beginning (SQLite ticket ff5be73dee) — so a power failure could corrupt
 * the file. NORMAL keeps those syncs; they happen about once per checkpoint, not per commit.
 *
 * <p><b>Checkpoints.</b> Automatic checkpoints are off on this connection (they would run inside a commit
 * and delay its callers); after a batch the leader asks a {@link Checkpointer} for a passive checkpoint,
 * once per {@code checkpointInterval} or when the log grew, which runs it on a thread and connection of its own. To
 * finish it, the checkpointer may {@link #whileWritersWait hold the writers off} for one short pass: it takes
 * leadership like a caller, runs no batch, and on release wakes the next caller as any leader does.
 */
final class GroupCommitWriter implements AutoCloseable {

    /** Whether an operation's effects must be on disk before its caller hears of success. */
    enum Durability { DURABLE, LOCK_ONLY }

    /** Work done on the writer's connection inside the batch transaction. */
    @FunctionalInterface
    interface Operation<T> {
        T run(Db db) throws SQLException;
    }

    /** Counters for diagnostics. */
    record Stats(long batches, long durableBatches, long operations) {}

    private final Path file;
    private final int maxBatchSize;
    private final BatchRunner runner;
    private final Checkpointer checkpointer;
    /** One leader at a time runs batches. Not {@code synchronized}: callers are virtual threads. */
    private final Coalescer<Pending<?>> coalescer = new Coalescer<>(1, this::runBatch);
    /** Read-held while submitting, write-held to close: nothing is queued after close drained the queue. */
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by closeLock
    /** The batch that committed the calling thread's last operation, for {@link #awaitDurable}. */
    private final ThreadLocal<long[]> lastBatch = ThreadLocal.withInitial(() -> new long[1]);

    GroupCommitWriter(Db db, SqliteOptions options, Connections connections) {
        this.file = db.file();
        this.maxBatchSize = options.maxBatchSize();
        this.checkpointer = new Checkpointer(connections, file, this::whileWritersWait);
        this.runner = new BatchRunner(db, options, checkpointer);
    }

    /**
     * Runs {@code operation} in the next batch and returns its result once the batch is committed, leading
     * that batch if nobody else does. Waits without giving up on interrupts (the outcome would otherwise be
     * unknown); the interrupt flag is restored afterwards.
     */
    <T> T execute(String name, Durability durability, Operation<T> operation) {
        Pending<T> pending = new Pending<>(name, durability, operation);
        closeLock.readLock().lock();
        try {
            if (closed) {
                throw closedException();
            }
            coalescer.add(pending);
        } finally {
            closeLock.readLock().unlock();
        }
        try {
            return coalescer.await(pending);
        } finally {
            lastBatch.get()[0] = pending.batchSeq;
        }
    }

    Stats stats() {
        return runner.stats();
    }

    /**
     * Returns once the calling thread's last operation is durable (at once when the configured level is
     * NORMAL, which syncs nothing at commit): after the next synced batch, or, if none comes within
     * {@code maxWaitNanos}, after a synced batch of its own. Batches of other threads committed meanwhile
     * need not be durable.
     */
    void awaitDurable(long maxWaitNanos, SqliteOptions.Synchronous level) {
        if (level != SqliteOptions.Synchronous.FULL) {
            return;
        }
        long seq = lastBatch.get()[0];
        if (runner.watermark().awaitDurable(seq, maxWaitNanos)) {
            return;
        }
        execute("sync", Durability.DURABLE, db -> db.update(Sql.TOUCH_SCHEMA_VERSION));
    }

    /**
     * Runs {@code task} holding leadership, so that no batch is in progress or starts meanwhile; callers
     * that submit in the meantime queue up and the oldest of them is woken to lead afterwards.
     */
    private <T> T whileWritersWait(Checkpointer.SqlTask<T> task) throws SQLException {
        return coalescer.whileLeading(task::run);
    }

    ProviderException closedException() {
        return new ProviderException("the SQLite provider for " + file + " is closed", false);
    }

    /**
     * Rejects later operations, runs those already submitted (leading their batches if need be), then closes
     * the connection. Idempotent. The checkpointer stops first: it may be waiting for leadership.
     */
    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        checkpointer.close();
        boolean interrupted = Thread.interrupted(); // the batches below must not run on an interrupted thread
        try {
            coalescer.whileLeading(() -> {
                while (runBatch()) {
                    // until the queue is empty; nothing is added any more
                }
                runner.close();
                return null;
            });
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs the oldest queued operations as one batch; false if the queue was empty. Leader only. */
    private boolean runBatch() {
        List<Pending<?>> batch = new ArrayList<>(Math.min(maxBatchSize, 16));
        for (Pending<?> p; batch.size() < maxBatchSize && (p = coalescer.poll()) != null; ) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return false;
        }
        runner.run(batch);
        return true;
    }

}
