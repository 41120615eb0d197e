package io.duratask.fs;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.ProviderException;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Provider} on plain files in one directory: a checksummed commit journal with group commit,
 * append-only history files per instance, and a directory per instance for its messages and work items.
 * See {@code docs/providers/fs.md} for the layout and the protocol.
 *
 * <p><b>Commits.</b> Every write (turn commit, activity completion, instance creation, enqueue, restart,
 * purge) becomes file operations that are first written, with a CRC32C, to the journal and synced, several
 * waiting writes sharing one record and one fsync (see {@link GroupCommitter}); then they are applied to
 * the instance files, and only then is the write visible and does its caller return. A crash at any point
 * is recovered at the next {@link #open}: every whole journal record is applied again (the operations are
 * idempotent), a torn record at the end was never acknowledged and is discarded. A background checkpoint
 * syncs the instance files and deletes old journal segments.
 *
 * <p><b>Locks and leases live in memory</b>, with expiry, like {@code InMemoryProvider}'s; a crash loses
 * them, and with them the dequeue counts, which is harmless (the work is fetched again). Hence <b>one
 * provider per directory</b>: the directory is locked ({@code FileChannel.tryLock} on {@code lock}) while a
 * provider has it open, and a second provider, in this process or another, fails at {@code open} with an
 * error saying so.
 *
 * <p><b>Semantics</b> are those of the SQLite provider. The orchestration lock is strict (a commit or renewal
 * after the lock timeout fails with {@code LockLostException}, even if nobody took the instance); a
 * work-item lease holds until another worker fetches the item. A fetched message stays invisible until the
 * lock expires; an abandon makes it visible after its delay. Start messages in a turn create their
 * instance if it does not exist; other messages from turns and activity completions to an unknown instance
 * are dropped with a warning. {@link OrchestrationItem#instance()} is never null.
 *
 * <p><b>Damage</b> is contained per instance: a torn or corrupt file quarantines its instance (it reads as
 * FAILED with a failure naming the file and byte offset; nothing of it is delivered or changed) and the
 * others keep running. See {@link #problems()}.
 */
public final class FsProvider implements Provider {
    private final Path root;
    private final Layout layout;
    private final FsOptions options;
    private final Clock clock;
    private final FileCodec codec;
    private final Writes writes;
    private final ReentrantLock lock = new ReentrantLock();
    private final State state;
    private final GroupCommitter committer;
    private final DirectoryLock directoryLock;
    private final Object closeLock = new Object();
    private boolean closed; // guarded by closeLock

    private FsProvider(Path root, FsOptions options, FileCodec codec, State state, Journal journal, Applier applier,
                       long firstSeq, DirectoryLock directoryLock) {
        this.root = root;
        this.layout = new Layout(root);
        this.options = options;
        this.clock = options.clock();
        this.codec = codec;
        this.writes = new Writes(codec);
        this.state = state;
        this.directoryLock = directoryLock;
        this.committer = new GroupCommitter(root, options, lock, state, journal, applier, firstSeq);
    }

    /** Opens (creating if needed) the store in {@code directory} with default options. */
    public static FsProvider open(Path directory) {
        return open(directory, FsOptions.defaults());
    }

    /**
     * Opens (creating if needed, with its parents) the store in {@code directory}: locks it, redoes the
     * journal, syncs what that changed, and loads every instance's metadata, messages and work items.
     *
     * @throws ProviderException if another provider has the directory open, the directory is not empty and
     *     holds no store, the store has another format, or the journal is damaged before its end (each error
     *     names the file and, for damage, the byte offset)
     */
    public static FsProvider open(Path directory, FsOptions options) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        return Recovery.open(directory.toAbsolutePath().normalize(), options, FsProvider::new);
    }

    /** What {@link Recovery} hands over once the store is recovered. */
    @FunctionalInterface
    interface Factory {
        FsProvider create(Path root, FsOptions options, FileCodec codec, State state, Journal journal, Applier applier,
                          long firstSeq, DirectoryLock directoryLock);
    }

    /** The store's directory. */
    public Path directory() {
        return root;
    }

    /**
     * Everything found wrong since the store was opened: damaged or unreadable files (with the instance
     * each quarantined), files that belong to no instance, a torn record discarded from the end of the
     * journal. Empty for a healthy store.
     */
    public List<FsProblem> problems() {
        lock.lock();
        try {
            return List.copyOf(state.problems);
        } finally {
            lock.unlock();
        }
    }

    // ---- orchestrator queue -------------------------------------------------------------------------------

    @Override
    public Optional<OrchestrationItem> fetchOrchestrationItem(Duration lockTimeout) {
        requirePositive(lockTimeout, "lockTimeout");
        lock.lock();
        try {
            committer.checkUsable();
            return Leases.fetch(state, lockTimeout, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void commitOrchestrationItem(OrchestrationItem item, TurnCommit commit) {
        Writes.FetchReceipt receipt = fetchReceipt(Objects.requireNonNull(item, "item"));
        Objects.requireNonNull(commit, "commit");
        byte[] events = commit.newEvents().isEmpty() ? new byte[0] : codec.events(commit.newEvents());
        List<Writes.Outgoing> messages = new ArrayList<>(commit.messages().size());
        for (OrchestratorMessage m : commit.messages()) {
            messages.add(new Writes.Outgoing(m, codec.message(m)));
        }
        List<byte[]> work = commit.workItems().stream().map(codec::work).toList();
        committer.execute("commitOrchestrationItem", true, writes.commit(item, receipt, commit, events, messages, work));
    }

    @Override
    public void abandonOrchestrationItem(OrchestrationItem item, Duration delay) {
        Writes.FetchReceipt receipt = fetchReceipt(Objects.requireNonNull(item, "item"));
        requireNotNegative(delay, "delay");
        lock.lock();
        try {
            committer.checkUsable();
            Leases.abandon(state, item, receipt, delay, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean renewOrchestrationLock(OrchestrationItem item, Duration lockTimeout) {
        Writes.FetchReceipt receipt = fetchReceipt(Objects.requireNonNull(item, "item"));
        requirePositive(lockTimeout, "lockTimeout");
        lock.lock();
        try {
            committer.checkUsable();
            return Leases.renew(state, item, receipt, lockTimeout, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws CorruptFileException naming the file and byte offset if the history file is damaged; the
     *     instance is then quarantined
     */
    @Override
    public List<HistoryEvent> readHistory(String instanceId, long executionId) {
        Objects.requireNonNull(instanceId, "instanceId");
        State.Inst inst;
        Path file;
        long length;
        long expected;
        boolean current;
        lock.lock();
        try {
            inst = state.get(instanceId);
            if (inst == null) {
                return List.of();
            }
            if (inst.quarantine != null) {
                throw Writes.quarantined(inst);
            }
            long currentExecution = inst.info.executionId();
            long execution = executionId == 0 ? currentExecution : executionId;
            if (execution < 1 || execution > currentExecution) {
                return List.of();
            }
            current = execution == currentExecution;
            if (current && inst.historyEvents == 0) {
                return List.of();
            }
            file = layout.resolve(Layout.history(inst.dirName, execution));
            // the current execution is read up to what is published; older ones are complete and frozen
            length = current ? inst.historyBytes : -1;
            expected = current ? inst.historyEvents : -1;
        } finally {
            lock.unlock();
        }
        try {
            return List.copyOf(codec.readHistory(file, length, expected));
        } catch (NoSuchFileException e) {
            if (!current || purgedSince(inst)) {
                return List.of(); // an execution that never appended an event, or an instance purged meanwhile
            }
            throw quarantine(inst, new CorruptFileException(file, 0, "the history file is missing, but " + expected
                    + " events were committed to it"));
        } catch (CorruptFileException e) {
            throw quarantine(inst, e);
        } catch (IOException e) {
            throw new ProviderException("cannot read the history of instance '" + instanceId + "' from " + file + ": "
                    + e, true, e);
        }
    }

    private boolean purgedSince(State.Inst inst) {
        lock.lock();
        try {
            return state.get(inst.id) != inst;
        } finally {
            lock.unlock();
        }
    }

    /** Quarantines {@code inst} (unless it was purged meanwhile) and returns the error to throw. */
    private CorruptFileException quarantine(State.Inst inst, CorruptFileException e) {
        lock.lock();
        try {
            if (state.get(inst.id) != inst) {
                return e;
            }
            FsProblem p = new FsProblem(inst.id, e.file(), e.offset(), e.reason() + "; the instance is quarantined", true);
            if (inst.quarantine == null) {
                org.slf4j.LoggerFactory.getLogger(FsProvider.class).error("{}", p);
            }
            state.quarantine(inst, p);
            return new CorruptFileException(e.file(), e.offset(), "history of instance '" + inst.id + "': " + e.reason()
                    + "; the instance is quarantined", e);
        } finally {
            lock.unlock();
        }
    }

    // ---- worker queue -----------------------------------------------------------------------------------------

    @Override
    public Optional<WorkItemLease> fetchWorkItem(Duration lockTimeout) {
        requirePositive(lockTimeout, "lockTimeout");
        lock.lock();
        try {
            committer.checkUsable();
            return Leases.fetchWork(state, lockTimeout, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void completeWorkItem(WorkItemLease lease, OrchestratorMessage completion) {
        Writes.LeaseReceipt receipt = leaseReceipt(Objects.requireNonNull(lease, "lease"));
        Objects.requireNonNull(completion, "completion");
        Writes.Outgoing outgoing = new Writes.Outgoing(completion, codec.message(completion));
        committer.execute("completeWorkItem", options.syncActivityCompletions(), writes.complete(lease, receipt, outgoing));
    }

    @Override
    public void abandonWorkItem(WorkItemLease lease, Duration delay) {
        Writes.LeaseReceipt receipt = leaseReceipt(Objects.requireNonNull(lease, "lease"));
        requireNotNegative(delay, "delay");
        lock.lock();
        try {
            committer.checkUsable();
            Leases.abandonWork(state, lease, receipt, delay, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean renewWorkItemLock(WorkItemLease lease, Duration lockTimeout) {
        Writes.LeaseReceipt receipt = leaseReceipt(Objects.requireNonNull(lease, "lease"));
        requirePositive(lockTimeout, "lockTimeout");
        lock.lock();
        try {
            committer.checkUsable();
            return Leases.renewWork(state, lease, receipt, lockTimeout, clock.instant());
        } finally {
            lock.unlock();
        }
    }

    // ---- client operations --------------------------------------------------------------------------------

    @Override
    public void createInstance(OrchestratorMessage startMessage) {
        requireStart(startMessage, "createInstance");
        byte[] file = codec.message(startMessage);
        committer.execute("createInstance", true, writes.create(startMessage, file));
    }

    @Override
    public void enqueue(OrchestratorMessage message) {
        Objects.requireNonNull(message, "message");
        byte[] file = codec.message(message);
        committer.execute("enqueue", true, writes.enqueue(message, file));
    }

    @Override
    public void restartInstance(OrchestratorMessage startMessage) {
        requireStart(startMessage, "restartInstance");
        committer.execute("restartInstance", true, writes.restart(startMessage));
    }

    // ---- management ---------------------------------------------------------------------------------------

    @Override
    public int purgeInstance(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return committer.execute("purgeInstance", true, writes.purge(instanceId));
    }

    /**
     * {@inheritDoc} Quarantined instances are left alone (purge them one by one with {@link #purgeInstance}
     * once their files are no longer wanted).
     */
    @Override
    public int purgeInstances(Instant finishedBefore, Set<RuntimeStatus> statuses) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        Set<RuntimeStatus> filter = Set.copyOf(Objects.requireNonNull(statuses, "statuses"));
        return committer.execute("purgeInstances", true, writes.purgeFinished(finishedBefore, filter));
    }

    @Override
    public Optional<InstanceInfo> getInstance(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        lock.lock();
        try {
            State.Inst inst = state.get(instanceId);
            return inst == null ? Optional.empty() : Optional.of(inst.view());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InstancePage listInstances(InstanceQuery query) {
        Objects.requireNonNull(query, "query");
        State.ListKey after = query.continuationToken() == null ? null : ListToken.decode(query.continuationToken());
        List<InstanceInfo> page = new ArrayList<>();
        boolean more = false;
        lock.lock();
        try {
            var candidates = after == null ? state.byCreation.values() : state.byCreation.tailMap(after, false).values();
            for (State.Inst inst : candidates) {
                InstanceInfo info = inst.view();
                if (!query.matches(info)) {
                    continue;
                }
                if (page.size() == query.pageSize()) {
                    more = true;
                    break;
                }
                page.add(info);
            }
        } finally {
            lock.unlock();
        }
        String next = more ? ListToken.encode(page.getLast()) : null;
        return new InstancePage(List.copyOf(page), next);
    }

    /**
     * Message and work-item counts. Messages fetched under a lock count as delayed until the lock is released
     * or expires; so do messages of quarantined instances, which are kept but not delivered.
     */
    @Override
    public QueueDepths queueDepths() {
        lock.lock();
        try {
            Instant now = clock.instant();
            long visible = 0;
            long delayed = 0;
            for (State.Inst inst : state.instances.values()) {
                for (State.Msg m : inst.messages.values()) {
                    if (inst.quarantine == null && !m.visibleAt.isAfter(now)) {
                        visible++;
                    } else {
                        delayed++;
                    }
                }
            }
            return new QueueDepths(visible, delayed, state.work.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the writes already submitted, waits for a running checkpoint, syncs every file touched since the
     * last one and deletes the journal (so the next open has nothing to redo), and unlocks the directory.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            committer.close();
        } finally {
            directoryLock.close();
        }
    }

    /**
     * Stops the provider as a crash of the process would, for tests of recovery: queued writes fail, nothing
     * more is written or synced, the journal is left as it is, and the directory is unlocked.
     */
    void halt() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            committer.halt();
        } finally {
            directoryLock.close();
        }
    }

    GroupCommitter committer() {
        return committer;
    }

    FsOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "FsProvider[" + root + "]";
    }

    // ---- argument checks ----------------------------------------------------------------------------------

    private static Writes.FetchReceipt fetchReceipt(OrchestrationItem item) {
        if (item.receipt() instanceof Writes.FetchReceipt r) {
            return r;
        }
        throw new IllegalArgumentException("the orchestration item of instance '" + item.instanceId()
                + "' was not fetched from a file-system provider");
    }

    private static Writes.LeaseReceipt leaseReceipt(WorkItemLease lease) {
        if (lease.receipt() instanceof Writes.LeaseReceipt r) {
            return r;
        }
        throw new IllegalArgumentException("the work item lease of instance '" + lease.item().instanceId()
                + "' was not fetched from a file-system provider");
    }

    private static void requireStart(OrchestratorMessage m, String operation) {
        Objects.requireNonNull(m, "startMessage");
        if (!m.isStart()) {
            throw new IllegalArgumentException(operation + " needs an OrchestrationStarted message, got "
                    + m.event().getClass().getSimpleName());
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    private static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
    }
}
