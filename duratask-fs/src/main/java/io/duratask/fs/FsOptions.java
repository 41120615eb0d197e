package io.duratask.fs;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of an {@link FsProvider}. Build with {@link #builder()}; {@link #defaults()} suits most uses.
 * The builder rejects bad values when {@link Builder#build()} is called, naming the value.
 *
 * <p>Essential:
 * <ul>
 *   <li>{@code syncCommits} — whether every group commit syncs the journal before its callers return.
 *       Default {@code true}: a write that returned survives a power loss. With {@code false} a write
 *       survives a crash of the process, but a power loss or an operating-system crash may lose the last
 *       writes <em>and leave the store inconsistent</em> (a turn's files half updated); use it for tests
 *       and benchmarks only.</li>
 * </ul>
 * Frequent:
 * <ul>
 *   <li>{@code maxBatchSize} — at most this many writes (turn commits, completions, client operations)
 *       share one journal record and one fsync. Default {@value #DEFAULT_MAX_BATCH_SIZE}.</li>
 *   <li>{@code checkpointBytes} — once the journal segment grows past this many bytes, a background
 *       checkpoint syncs the instance files and deletes the segment. Bounds how much a recovery redoes and
 *       how much disk the journal takes. Default {@value #DEFAULT_CHECKPOINT_BYTES} (32 MiB).</li>
 * </ul>
 * Rare:
 * <ul>
 *   <li>{@code syncActivityCompletions} — whether an activity completion waits for its own journal sync.
 *       Default {@code false}: see {@link #syncActivityCompletions()} for why that is safe.</li>
 *   <li>{@code verifyOnOpen} — read and check every history file when opening, so that a damaged one
 *       quarantines its instance at once rather than when its history is first read. Takes time
 *       proportional to the size of all histories. Default {@code false}.</li>
 *   <li>{@code clock} — the source of "now" for locks, visibility and timestamps. Default
 *       {@link Clock#systemUTC()}. Tests inject a settable clock.</li>
 * </ul>
 */
public record FsOptions(boolean syncCommits, int maxBatchSize, long checkpointBytes, boolean verifyOnOpen,
                        Clock clock, boolean syncActivityCompletions) {

    public static final boolean DEFAULT_SYNC_COMMITS = true;
    public static final int DEFAULT_MAX_BATCH_SIZE = 256;
    public static final long DEFAULT_CHECKPOINT_BYTES = 32L << 20;
    public static final boolean DEFAULT_SYNC_ACTIVITY_COMPLETIONS = false;
    /** The smallest {@code checkpointBytes} accepted. */
    public static final long MIN_CHECKPOINT_BYTES = 4096;

    public FsOptions {
        Objects.requireNonNull(clock, "clock");
        if (maxBatchSize < 1 || maxBatchSize > 10_000) {
            throw new IllegalArgumentException("maxBatchSize must be between 1 and 10000, was " + maxBatchSize);
        }
        if (checkpointBytes < MIN_CHECKPOINT_BYTES) {
            throw new IllegalArgumentException("checkpointBytes must be at least " + MIN_CHECKPOINT_BYTES + ", was "
                    + checkpointBytes);
        }
    }

    /** All defaults. */
    public static FsOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder().syncCommits(syncCommits).maxBatchSize(maxBatchSize).checkpointBytes(checkpointBytes)
                .verifyOnOpen(verifyOnOpen).clock(clock).syncActivityCompletions(syncActivityCompletions);
    }

    /**
     * Whether {@code completeWorkItem} waits for its own journal sync. Default false: a batch made only of
     * completions is written to the journal without a sync and is visible at once, but its changes to the
     * instance files wait until the next sync (the next turn commit's, usually a millisecond later). This
     * saves one fsync per activity.
     *
     * <p>Why that is safe: the journal is one file written in order, so the sync of any later record makes
     * the completion's record durable too, and the turn that consumes a completion is committed later and
     * synced. A crash of the process loses nothing (the record is in the operating system's cache and is
     * redone at open). Only a power loss or an operating-system crash before the next sync can lose the
     * completion, and then the files still hold the work item (its deletion was deferred with the rest): the
     * activity runs again, which the at-least-once contract of activities allows. Set it to true if running
     * an activity twice after a power loss is worse than one more fsync per activity.
     */
    @Override
    public boolean syncActivityCompletions() {
        return syncActivityCompletions;
    }

    /** Builder of {@link FsOptions}; every setter has the default documented on {@link FsOptions}. */
    public static final class Builder {
        private boolean syncCommits = DEFAULT_SYNC_COMMITS;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private long checkpointBytes = DEFAULT_CHECKPOINT_BYTES;
        private boolean verifyOnOpen;
        private Clock clock = Clock.systemUTC();
        private boolean syncActivityCompletions = DEFAULT_SYNC_ACTIVITY_COMPLETIONS;

        private Builder() {}

        public Builder syncActivityCompletions(boolean value) {
            this.syncActivityCompletions = value;
            return this;
        }

        public Builder syncCommits(boolean value) {
            this.syncCommits = value;
            return this;
        }

        public Builder maxBatchSize(int value) {
            this.maxBatchSize = value;
            return this;
        }

        public Builder checkpointBytes(long value) {
            this.checkpointBytes = value;
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

        /** Validates and returns the options; throws {@link IllegalArgumentException} naming a bad value. */
        public FsOptions build() {
            return new FsOptions(syncCommits, maxBatchSize, checkpointBytes, verifyOnOpen, clock, syncActivityCompletions);
        }
    }
}
