package io.duratask.fs;

import io.duratask.spi.ProviderException;
import io.duratask.spi.batch.Coalescer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every durable write of an {@link FsProvider} with group commit, led by the callers themselves.
 *
 * <p><b>Leader and followers.</b> A caller queues its write, then tries to take leadership. The leader
 * takes everything queued (up to {@code maxBatchSize}) and, on its own thread:
 * <ol>
 *   <li><b>prepares</b> each write under the state lock: checks it against the committed state and the
 *       writes before it in the batch ({@link Batch}), and turns it into file operations. A rejected write
 *       (a lost lock, an existing id) fails alone;</li>
 *   <li>writes all operations as <b>one journal record</b> and syncs the journal once: this is the commit
 *       point of every write in the batch;</li>
 *   <li>appends the new history events to the history files (the only files read while the store is
 *       open) and <b>defers</b> every other operation (see below);</li>
 *   <li><b>publishes</b> each write to memory under the state lock, then wakes the callers.</li>
 * </ol>
 * Callers that arrive meanwhile queue up and form the next batch, so under load many turns share one
 * fsync. A leader leads until its own write is done, then hands leadership to the caller of the oldest
 * queued write. Waiting ignores interrupts (the outcome would otherwise be unknown); the flag is restored.
 *
 * <p><b>Deferred file operations.</b> Metadata, message and work-item files are read only when the store
 * is opened, after the journal was redone, so their operations can wait: they are collected, in journal
 * order, and applied together when {@value #MAX_DEFERRED_OPS} operations or {@value #MAX_DEFERRED_BYTES}
 * bytes have gathered, before a checkpoint, at close, and with any purge (whose directory deletion must not
 * overtake a later history append to a new instance of the same id). Applying them together lets
 * {@link Applier} drop every operation that a later one overwrites or deletes: a work item run and
 * completed, or a message sent and consumed, within one flush never becomes a file, and an instance's
 * metadata is written once per flush rather than once per turn. Deferred operations are only applied once
 * the journal holding them is synced, so the files never hold a change that a power loss could take from
 * the journal.
 *
 * <p><b>Unsynced completions.</b> A batch made only of non-durable writes (activity completions, unless
 * {@link FsOptions#syncActivityCompletions()}) is written to the journal without a sync and published to
 * memory at once. The next synced record makes it durable. After a power failure either the record
 * survived and recovery redoes it, or it is gone together with its effects (the work item is still there
 * and the activity runs again, which its at-least-once contract allows). Nothing but a later turn can
 * depend on a completion, and that turn's batch is synced after it.
 *
 * <p><b>Failure stops the provider.</b> If the journal cannot be written or synced, or a synced record
 * cannot be applied, memory no longer matches what the disk will hold after recovery. The provider stops:
 * the batch's callers and every later write fail with a non-retryable {@link ProviderException}. Reopening
 * the directory recovers from the journal (a record that was synced is redone; one that was not is
 * discarded). This is also how {@code fsync} errors must be handled: a failed fsync cannot be retried.
 *
 * <p><b>Checkpoints.</b> After a batch, once the journal segment passes {@code checkpointBytes} and no
 * checkpoint is running, the leader starts a new segment and hands the old one with the set of files
 * touched since the previous checkpoint to the {@link Checkpointer}, which syncs them and then deletes the
 * segment.
 */
final class GroupCommitter {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    /** Deferred operations are applied once this many have gathered ... */
    static final int MAX_DEFERRED_OPS = 16_384;
    /** ... or once their contents reach this many bytes. */
    static final int MAX_DEFERRED_BYTES = 16 << 20;

    /** A test hook called after a record is written (and synced) and before it is applied. */
    @FunctionalInterface
    interface Hook {
        void afterJournalWrite(JournalRecord record);
    }

    /** Counters for diagnostics and tests. */
    record Stats(long batches, long writes, long syncs, long flushes, long checkpoints) {}

    private final Path root;
    private final FsOptions options;
    private final Clock clock;
    private final ReentrantLock stateLock;
    private final State state;
    private final Journal journal;
    private final Applier applier;
    private final Checkpointer checkpointer;
    /** One leader at a time runs batches: the queue, the leadership and the waiting. */
    private final Coalescer<Pending<?>> coalescer = new Coalescer<>(1, this::runBatch);
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by closeLock
    private volatile ProviderException stopped;
    private volatile Hook hook;
    private long seq;
    /** File operations not applied yet, in journal order. Leader only. */
    private final List<FileOp> deferred = new ArrayList<>();
    private long deferredBytes;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();

    GroupCommitter(Path root, FsOptions options, ReentrantLock stateLock, State state, Journal journal, Applier applier,
                   long firstSeq) {
        this.root = root;
        this.options = options;
        this.clock = options.clock();
        this.stateLock = stateLock;
        this.state = state;
        this.journal = journal;
        this.applier = applier;
        this.seq = firstSeq - 1;
        this.checkpointer = new Checkpointer(root, this::stop);
    }

    /**
     * Runs {@code write} in the next batch and returns its result once it is durable and published, leading
     * that batch if nobody else does.
     */
    <T> T execute(String name, boolean durable, Prepared.Write<T> write) {
        Pending<T> pending = new Pending<>(name, durable, write);
        closeLock.readLock().lock();
        try {
            checkUsable();
            if (closed) {
                throw new ProviderException("the file-system provider for " + root + " is closed", false);
            }
            coalescer.add(pending);
        } finally {
            closeLock.readLock().unlock();
        }
        return coalescer.await(pending);
    }

    /** Throws if the provider is closed or stopped. */
    void checkUsable() {
        ProviderException s = stopped;
        if (s != null) {
            throw new ProviderException(s.getMessage(), false, s);
        }
    }

    /** Why the provider stopped, or null. */
    ProviderException stopped() {
        return stopped;
    }

    /** Stops the provider for good after {@code cause}; the first cause wins. */
    void stop(String what, Throwable cause) {
        stop(new ProviderException("the file-system provider for " + root + " stopped: " + what + ": " + cause
                + ". Nothing more is written; reopen the directory to recover (every commit that was acknowledged is"
                + " redone from the journal)", false, cause), true);
    }

    private synchronized void stop(ProviderException reason, boolean logIt) {
        if (stopped == null) {
            stopped = reason;
            if (logIt) {
                log.error("{}", reason.getMessage(), reason.getCause());
            }
        }
    }

    private void stopClosed() {
        stop(new ProviderException("the file-system provider for " + root + " is closed", false), false);
    }

    void setHook(Hook hook) {
        this.hook = hook;
    }

    Stats stats() {
        return new Stats(batches.get(), writes.get(), syncs.get(), flushes.get(), checkpointer.completed());
    }

    /**
     * Rejects new writes, runs those already queued, waits for a running checkpoint and, unless the
     * provider stopped on an error, syncs every file touched since the last checkpoint and deletes the
     * journal, so that the next open has nothing to redo. Returns whether that final checkpoint ran.
     */
    boolean close() {
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        boolean interrupted = Thread.interrupted(); // the batches below must not run on an interrupted thread
        try {
            return coalescer.whileLeading(() -> {
                while (runBatch()) {
                    // until the queue is empty; nothing is added any more
                }
                checkpointer.awaitIdle();
                boolean clean = stopped == null;
                if (clean) {
                    try {
                        flush(List.of());
                        checkpointer.sync(applier.takeDirty());
                        journal.close(true);
                        Journal.delete(root.resolve(Layout.JOURNAL_DIR),
                                Journal.segments(root.resolve(Layout.JOURNAL_DIR)));
                    } catch (IOException e) {
                        log.warn("final checkpoint of {} failed; the journal stays and is redone at the next open: {}",
                                root, e.toString());
                        clean = false;
                    }
                }
                if (!clean) {
                    closeJournalQuietly();
                }
                stopClosed();
                return clean;
            });
        } finally {
            checkpointer.shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops at once, as a crash of the process would: queued writes fail, nothing is synced or
     * checkpointed, the journal stays as it is. For tests of recovery.
     */
    void halt() {
        stop(new ProviderException("the file-system provider for " + root + " was halted (simulated crash)", false),
                false);
        closeLock.writeLock().lock();
        try {
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        try {
            coalescer.whileLeading(() -> {
                while (runBatch()) {
                    // fails whatever is queued
                }
                checkpointer.awaitIdle();
                closeJournalQuietly();
                return null;
            });
        } finally {
            checkpointer.shutdown();
        }
    }

    private void closeJournalQuietly() {
        try {
            journal.close(false);
        } catch (IOException e) {
            log.debug("closing the journal of {}: {}", root, e.toString());
        }
    }

    // ---- the leader's work ---------------------------------------------------------------------------------

    /** Runs the oldest queued writes as one batch; false if the queue was empty. Leader only. */
    private boolean runBatch() {
        List<Pending<?>> batch = new ArrayList<>(Math.min(options.maxBatchSize(), 16));
        for (Pending<?> p; batch.size() < options.maxBatchSize() && (p = coalescer.poll()) != null; ) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return false;
        }
        try {
            runBatch(batch);
        } catch (RuntimeException | Error e) {
            stop("a batch failed unexpectedly", e);
            failAll(batch, stopped);
        }
        for (Pending<?> p : batch) {
            if (!p.isDone()) {
                p.publish();
            }
        }
        return true;
    }

    private void runBatch(List<Pending<?>> batch) {
        batches.incrementAndGet();
        writes.addAndGet(batch.size());
        ProviderException s = stopped;
        if (s != null) {
            failAll(batch, s);
            return;
        }
        List<Pending<?>> prepared = new ArrayList<>(batch.size());
        List<FileOp> ops = new ArrayList<>();
        stateLock.lock();
        try {
            Batch overlay = new Batch();
            Instant now = clock.instant();
            for (Pending<?> p : batch) {
                try {
                    ops.addAll(prepare(p, overlay, now));
                    prepared.add(p);
                } catch (RuntimeException e) {
                    p.fail(e);
                }
            }
        } finally {
            stateLock.unlock();
        }
        if (!ops.isEmpty()) {
            boolean durable = false;
            for (Pending<?> p : prepared) {
                durable |= p.durable;
            }
            // without syncCommits nothing is synced (see FsOptions)
            boolean sync = options.syncCommits() && durable;
            JournalRecord record = new JournalRecord(++seq, sync, ops);
            try {
                journal.append(Frames.frame(record.encode()));
                if (sync) {
                    journal.sync();
                    syncs.incrementAndGet();
                }
            } catch (IOException e) {
                stop("writing the journal failed (the record may or may not be on disk; recovery will tell)", e);
                failAll(prepared, stopped);
                return;
            }
            Hook h = hook;
            if (h != null) {
                try {
                    h.afterJournalWrite(record);
                } catch (RuntimeException e) {
                    stop("the test hook threw after the journal write", e);
                    failAll(prepared, stopped);
                    return;
                }
            }
            try {
                apply(ops, sync || !options.syncCommits());
            } catch (IOException e) {
                stop("applying a journal record to the instance files failed", e);
                failAll(prepared, stopped);
                return;
            }
        }
        stateLock.lock();
        try {
            Instant now = clock.instant();
            for (Pending<?> p : prepared) {
                publish(p, now);
            }
        } finally {
            stateLock.unlock();
        }
        maybeCheckpoint();
    }

    /** Prepares {@code p} and returns its file operations. */
    private <T> List<FileOp> prepare(Pending<T> p, Batch overlay, Instant now) {
        p.prepared = p.write.prepare(state, overlay, now);
        return p.prepared.ops();
    }

    private <T> void publish(Pending<T> p, Instant now) {
        try {
            p.succeed(p.prepared.publish(state, now));
        } catch (RuntimeException e) {
            stop("publishing a committed " + p.name + " to memory failed", e);
            p.fail(stopped);
        }
    }

    /**
     * Applies the history appends of a record now and defers the rest, or flushes everything if the record
     * holds a purge, the deferred operations have grown too large, or (never the case for turn commits)
     * the record has appends but may not be applied yet.
     */
    private void apply(List<FileOp> ops, boolean durable) throws IOException {
        List<FileOp> appends = new ArrayList<>();
        boolean flush = false;
        long bytes = 0;
        for (FileOp op : ops) {
            switch (op) {
                case FileOp.Append a -> {
                    appends.add(a);
                    flush |= !durable;
                }
                case FileOp.DeleteTree t -> flush = true;
                case FileOp.Put p -> bytes += p.bytes().length;
                case FileOp.Delete d -> { }
            }
        }
        if (flush || deferred.size() + ops.size() > MAX_DEFERRED_OPS || deferredBytes + bytes > MAX_DEFERRED_BYTES) {
            flush(ops);
            return;
        }
        applier.apply(appends);
        for (FileOp op : ops) {
            if (!(op instanceof FileOp.Append)) {
                deferred.add(op);
            }
        }
        deferredBytes += bytes;
    }

    /** Syncs the journal if it holds unsynced records, then applies the deferred operations and {@code more}. */
    private void flush(List<FileOp> more) throws IOException {
        if (deferred.isEmpty() && more.isEmpty()) {
            return;
        }
        if (options.syncCommits()) {
            journal.sync();
        }
        deferred.addAll(more);
        applier.apply(deferred);
        deferred.clear();
        deferredBytes = 0;
        flushes.incrementAndGet();
    }

    private void maybeCheckpoint() {
        if (journal.size() < options.checkpointBytes() || checkpointer.busy() || stopped != null) {
            return;
        }
        try {
            flush(List.of());
            Path old = journal.rotate();
            checkpointer.start(applier.takeDirty(), List.of(old));
        } catch (IOException e) {
            stop("starting a new journal segment failed", e);
        }
    }

    private static void failAll(List<Pending<?>> batch, ProviderException failure) {
        for (Pending<?> p : batch) {
            if (!p.failed()) {
                p.fail(failure);
            }
        }
    }
}
