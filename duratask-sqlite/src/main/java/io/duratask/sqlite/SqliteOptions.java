package io.duratask.sqlite;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SqliteProvider}. Build with {@link #builder()}; {@link #defaults()} suits most uses.
 *
 * <p>Essential:
 * <ul>
 *   <li>{@code synchronous} — how hard a durable commit pushes to disk. Default {@link Synchronous#FULL}:
 *       a commit that returned survives power loss. {@link Synchronous#NORMAL} survives a crash of the
 *       process but may lose the last commits on power loss; it saves one fsync per group commit.</li>
 * </ul>
 * Frequent:
 * <ul>
 *   <li>{@code busyTimeout} — how long an operation waits for the file's write lock when another
 *       provider (in this process or another) holds it. Default 5 s.</li>
 *   <li>{@code maxBatchSize} — at most this many operations share one transaction (group commit).
 *       Default 256.</li>
 * </ul>
 * Rare:
 * <ul>
 *   <li>{@code readConnections} — connections for reads that take no lock (history, instance info,
 *       lists, queue depths). Default 4.</li>
 *   <li>{@code checkpointInterval} — the provider copies the write-ahead log into the database file
 *       (a passive checkpoint, synced) after a batch at most this often; at {@code FULL} also sooner (at
 *       most every 10 ms) when a batch grew the log file beyond the 4 MiB written out at open, so that
 *       commits overwrite the log instead of growing it. Default 1 s.</li>
 *   <li>{@code syncActivityCompletions} — whether an activity completion waits for its own fsync.
 *       Default false: see {@link #syncActivityCompletions()} for why that is safe.</li>
 *   <li>{@code verifyOnOpen} — run {@code PRAGMA quick_check} when opening, so that a corrupt file fails
 *       at once rather than at first use. Takes time proportional to the file size. Default false.</li>
 *   <li>{@code clock} — the source of "now" for locks, visibility and timestamps. Default
 *       {@link Clock#systemUTC()}. Tests inject a settable clock.</li>
 * </ul>
 */
public record SqliteOptions(Synchronous synchronous, Duration busyTimeout, int maxBatchSize, int readConnections,
                            Duration checkpointInterval, boolean verifyOnOpen, Clock clock,
                            boolean syncActivityCompletions) {

    /** Durability of commits that hold turns, completions and client operations. */
    public enum Synchronous {
        /** fsync the write-ahead log at every commit (the default). */
        FULL,
        /** fsync only at checkpoints: durable against process crashes, not against power loss. */
        NORMAL
    }

    public static final Synchronous DEFAULT_SYNCHRONOUS = Synchronous.FULL;
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_BATCH_SIZE = 256;
    public static final int DEFAULT_READ_CONNECTIONS = 4;
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    public static final boolean DEFAULT_SYNC_ACTIVITY_COMPLETIONS = false;

    public SqliteOptions {
        Objects.requireNonNull(synchronous, "synchronous");
        Objects.requireNonNull(clock, "clock");
        requirePositive(busyTimeout, "busyTimeout");
        requirePositive(checkpointInterval, "checkpointInterval");
        if (busyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("busyTimeout must be at most " + Integer.MAX_VALUE + " ms, was " + busyTimeout);
        }
        if (maxBatchSize < 1 || maxBatchSize > 10_000) {
            throw new IllegalArgumentException("maxBatchSize must be between 1 and 10000, was " + maxBatchSize);
        }
        if (readConnections < 1 || readConnections > 64) {
            throw new IllegalArgumentException("readConnections must be between 1 and 64, was " + readConnections);
        }
    }

    /** All defaults. */
    public static SqliteOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().synchronous(synchronous).busyTimeout(busyTimeout).maxBatchSize(maxBatchSize)
                .readConnections(readConnections).checkpointInterval(checkpointInterval)
                .verifyOnOpen(verifyOnOpen).clock(clock).syncActivityCompletions(syncActivityCompletions);
    }

    /**
     * Whether {@code completeWorkItem} waits for its own fsync. Default false: an activity completion is
     * committed like a lock operation, without an fsync (with {@link Synchronous#FULL}; with
     * {@link Synchronous#NORMAL} nothing is synced at commit anyway), which saves one fsync per activity.
     *
     * <p>Why that is safe. In WAL mode the log is one file written in order, and syncing it at a later
     * commit makes every earlier frame durable too. The turn that consumes a completion is committed later,
     * and turn commits are always synced; so the completion is on disk before anything that depends on it
     * is. A crash of the process loses nothing (the written frames are in the operating system's page
     * cache); closing the provider syncs. Only an operating-system crash or a power loss between the
     * completion and the next synced commit can lose it, and then the work item comes back too (its
     * deletion was in the same transaction): the activity runs again once its lease expires, which the
     * at-least-once contract of activities allows. Set it to true if running an activity twice after a
     * power loss is worse than one more fsync per activity.
     */
    @Override
    public boolean syncActivityCompletions() {
        return syncActivityCompletions;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    /** Builder of {@link SqliteOptions}; every setter has the default documented on {@link SqliteOptions}. */
    public static final class Builder {
        private Synchronous synchronous = DEFAULT_SYNCHRONOUS;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int readConnections = DEFAULT_READ_CONNECTIONS;
        private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private boolean verifyOnOpen;
        private Clock clock = Clock.systemUTC();
        private boolean syncActivityCompletions = DEFAULT_SYNC_ACTIVITY_COMPLETIONS;

        private Builder() {}

        public Builder synchronous(Synchronous value) {
            this.synchronous = value;
            return this;
        }

        public Builder busyTimeout(Duration value) {
            this.busyTimeout = value;
            return this;
        }

        public Builder maxBatchSize(int value) {
            this.maxBatchSize = value;
            return this;
        }

        public Builder readConnections(int value) {
            this.readConnections = value;
            return this;
        }

        public Builder checkpointInterval(Duration value) {
            this.checkpointInterval = value;
            return this;
        }

        public Builder verifyOnOpen(boolean value) {
            this.verifyOnOpen = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Builder syncActivityCompletions(boolean value) {
            this.syncActivityCompletions = value;
            return this;
        }

        /** Validates and returns the options; throws {@link IllegalArgumentException} naming a bad value. */
        public SqliteOptions build() {
            return new SqliteOptions(synchronous, busyTimeout, maxBatchSize, readConnections, checkpointInterval,
                    verifyOnOpen, clock, syncActivityCompletions);
        }
    }
}
