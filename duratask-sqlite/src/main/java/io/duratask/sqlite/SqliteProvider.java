package io.duratask.sqlite;

import static io.duratask.sqlite.GroupCommitWriter.Durability.DURABLE;
import static io.duratask.sqlite.GroupCommitWriter.Durability.LOCK_ONLY;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.CommitOutcome;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import io.duratask.spi.sql.SqlCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The embedded {@link Provider}: histories, instance metadata and both queues in one SQLite file in WAL
 * mode. The schema is created or migrated on {@link #open}.
 *
 * <p><b>One writer connection, group commit led by the callers.</b> Every operation that writes — fetches
 * (they take locks), commits, completions, abandons, renewals, instance creation, enqueue — runs on one
 * writer connection, one batch at a time. The caller that finds nobody writing runs the batch itself, on
 * its own thread (the leader); callers that arrive meanwhile queue up and wait, and the next leader runs
 * all of them (up to {@link SqliteOptions#maxBatchSize()}) as one transaction, each operation in its own
 * savepoint, so many turns share one fsync while a failed operation (say, a {@code LockLostException})
 * affects only its caller. A call returns once its batch is committed. See {@link GroupCommitWriter}.
 *
 * <p><b>What is durable.</b> Turn commits, {@code createInstance} and {@code enqueue} are <em>durable</em>:
 * when the call returns, the change is on disk (with {@link SqliteOptions.Synchronous#FULL}, the default).
 * Fetches, renewals and abandons only move locks and visibility times; a batch made only of them is
 * committed with {@code synchronous=NORMAL}, which in WAL mode means no fsync at commit while the file
 * stays safe from corruption. Should such a batch be lost in a power failure, locks simply expire and
 * fetches are redone; the next durable commit fsyncs the write-ahead log and with it every frame written
 * before. Work-item completions are committed the same way unless
 * {@link SqliteOptions#syncActivityCompletions()}: the turn that consumes a completion is synced and comes
 * later in the log, and a completion lost in a power failure only makes its activity run again (see that
 * option). A fetch that finds nothing writes nothing.
 *
 * <p><b>Reads</b> that take no lock ({@code readHistory}, {@code getInstance}, {@code listInstances},
 * {@code queueDepths}) run on a small pool of read connections, concurrently with the writes.
 *
 * <p><b>Several providers on one file</b> (in one process or several) work: every lock lives in the
 * database, and writers take turns through SQLite's file lock, waiting up to
 * {@link SqliteOptions#busyTimeout()}. A busy or locked database surfaces as a retryable
 * {@code ProviderException}.
 *
 * <p><b>Locks.</b> An orchestration lock is strict: a commit or renewal after {@code lockTimeout} fails
 * with {@code LockLostException} even if nobody took the instance since. A work-item lease holds until
 * another worker fetches the item, so a completion that comes late but before anyone else took the item
 * is kept (it saves running the activity again).
 *
 * <p>Every instance row is created with its metadata (by {@code createInstance} or by a start message in a
 * commit), so {@link OrchestrationItem#instance()} is never null. Messages a turn or an activity completion
 * sends to an instance that does not exist (other than start messages, which create their instance) are
 * dropped with a warning: without an instance row they could never be fetched.
 */
public final class SqliteProvider implements Provider {
    private final Path file;
    private final SqlCodec codec;
    private final GroupCommitWriter writer;
    private final ReadPool reads;
    private final OrchestrationStore orchestrations;
    private final WorkItemStore workItems;
    private final ClientStore clients;
    private final Queries queries;
    private final GroupCommitWriter.Durability completionDurability;
    private final SqliteOptions.Synchronous synchronous;

    private SqliteProvider(Path file, SqliteOptions options, Connections connections, Db writerConnection) {
        Enqueuer enqueuer = new Enqueuer();
        this.file = file;
        this.codec = new SqlCodec();
        this.orchestrations = new OrchestrationStore(enqueuer);
        this.workItems = new WorkItemStore(enqueuer);
        this.clients = new ClientStore(enqueuer);
        this.queries = new Queries(codec);
        this.completionDurability = options.syncActivityCompletions() ? DURABLE : LOCK_ONLY;
        this.synchronous = options.synchronous();
        this.writer = new GroupCommitWriter(writerConnection, options, connections);
        this.reads = new ReadPool(connections, options.readConnections(), writer::closedException);
    }

    /** Opens (creating if needed) the database {@code file} with default options. */
    public static SqliteProvider open(Path file) {
        return open(file, SqliteOptions.defaults());
    }

    /**
     * Opens (creating if needed, with its parent directories) the database {@code file}.
     *
     * @throws io.duratask.spi.ProviderException naming the file if it is not a SQLite database, is corrupt,
     *     or has a schema newer than this code
     */
    public static SqliteProvider open(Path file, SqliteOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Path absolute = Connections.prepareFile(file);
        Connections connections = new Connections(absolute, options);
        Db writerConnection = connections.openWriter();
        return new SqliteProvider(absolute, options, connections, writerConnection);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    // ---- orchestrator queue -------------------------------------------------------------------------

    @Override
    public Optional<OrchestrationItem> fetchOrchestrationItem(Duration lockTimeout) {
        requirePositive(lockTimeout, "lockTimeout");
        String token = newLockToken();
        return writer.execute("fetchOrchestrationItem", LOCK_ONLY, db -> orchestrations.fetch(db, lockTimeout, token))
                .map(this::toItem);
    }

    @Override
    public void commitOrchestrationItem(OrchestrationItem item, TurnCommit commit) {
        commit(item, commit, 0, Duration.ofSeconds(1));
    }

    /**
     * The turn commit, leasing up to {@code maxLeases} of its work items to the caller in the same durable
     * transaction: they are inserted already locked (hidden, dequeue count 1), so a dead caller's lease
     * expires like a fetched one. Also reports whether the instance has visible messages left.
     */
    @Override
    public CommitOutcome commitOrchestrationItemAndLease(OrchestrationItem item, TurnCommit commit, int maxLeases,
                                                         Duration lockTimeout) {
        if (maxLeases < 0) {
            throw new IllegalArgumentException("maxLeases must not be negative, was " + maxLeases);
        }
        requirePositive(lockTimeout, "lockTimeout");
        return commit(item, commit, maxLeases, lockTimeout);
    }

    private CommitOutcome commit(OrchestrationItem item, TurnCommit commit, int maxLeases, Duration lockTimeout) {
        OrchestrationStore.Receipt receipt = OrchestrationStore.receiptOf(Objects.requireNonNull(item, "item"));
        SqlCodec.EncodedCommit encoded = codec.encode(Objects.requireNonNull(commit, "commit"));
        List<String> tokens = newLockTokens(Math.min(maxLeases, commit.workItems().size()));
        OrchestrationStore.Committed done = writer.execute("commitOrchestrationItem", DURABLE,
                db -> orchestrations.commit(db, item, receipt, encoded, tokens, lockTimeout));
        return new CommitOutcome(done.leases(), done.hasMessages());
    }

    @Override
    public void abandonOrchestrationItem(OrchestrationItem item, Duration delay) {
        OrchestrationStore.Receipt receipt = OrchestrationStore.receiptOf(Objects.requireNonNull(item, "item"));
        requireNotNegative(delay, "delay");
        writer.execute("abandonOrchestrationItem", LOCK_ONLY, db -> orchestrations.abandon(db, item, receipt, delay));
    }

    @Override
    public boolean renewOrchestrationLock(OrchestrationItem item, Duration lockTimeout) {
        OrchestrationStore.Receipt receipt = OrchestrationStore.receiptOf(Objects.requireNonNull(item, "item"));
        requirePositive(lockTimeout, "lockTimeout");
        return writer.execute("renewOrchestrationLock", LOCK_ONLY,
                db -> orchestrations.renew(db, item, receipt, lockTimeout));
    }

    @Override
    public List<HistoryEvent> readHistory(String instanceId, long executionId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return reads.read("readHistory", db -> queries.readHistory(db, instanceId, executionId));
    }

    // ---- worker queue -----------------------------------------------------------------------------------

    @Override
    public Optional<WorkItemLease> fetchWorkItem(Duration lockTimeout) {
        requirePositive(lockTimeout, "lockTimeout");
        String token = newLockToken();
        return writer.execute("fetchWorkItem", LOCK_ONLY, db -> workItems.fetch(db, lockTimeout, token));
    }

    @Override
    public void completeWorkItem(WorkItemLease lease, OrchestratorMessage completion) {
        WorkItemStore.Receipt receipt = WorkItemStore.receiptOf(Objects.requireNonNull(lease, "lease"));
        SqlCodec.EncodedMessage encoded = codec.encode(Objects.requireNonNull(completion, "completion"));
        writer.execute("completeWorkItem", completionDurability,
                db -> workItems.complete(db, lease, receipt, encoded));
    }

    /**
     * The completion, and in the same transaction the instance's lock if nobody holds it.
     *
     * <p>Unless {@link SqliteOptions#syncActivityCompletions()} is on, the lock <em>holds</em> the completion
     * instead of storing it: the completion is handed to the caller with the instance's visible messages,
     * the work item stays leased, and the turn's commit deletes the work item in the same durable
     * transaction that stores the completion in history. An activity step then costs one write transaction
     * that touches one row (the lock) and one durable commit, instead of a message written, read and deleted
     * in between. An abandon of the lock stores the completion as a message; a renewal extends the lease; if
     * the lock's holder dies, the lease expires with it and the activity runs again (at least once). With
     * {@code syncActivityCompletions}, or if the instance is locked by someone else, the completion is stored
     * as a message, exactly as {@link #completeWorkItem} stores it.
     */
    @Override
    public Optional<OrchestrationItem> completeWorkItemAndLock(WorkItemLease lease, OrchestratorMessage completion,
                                                               Duration lockTimeout) {
        WorkItemStore.Receipt receipt = WorkItemStore.receiptOf(Objects.requireNonNull(lease, "lease"));
        SqlCodec.EncodedMessage encoded = codec.encode(Objects.requireNonNull(completion, "completion"));
        requirePositive(lockTimeout, "lockTimeout");
        String token = newLockToken();
        if (completionDurability == DURABLE) {
            return writer.execute("completeWorkItemAndLock", DURABLE, db ->
                    workItems.complete(db, lease, receipt, encoded)
                            ? orchestrations.lockIfReady(db, completion.instanceId(), lockTimeout, token)
                            : Optional.<OrchestrationStore.Fetched>empty())
                    .map(fetched -> toItem(fetched, null, null));
        }
        OrchestrationStore.HeldCompletion held = new OrchestrationStore.HeldCompletion(lease, receipt, encoded);
        return writer.execute("completeWorkItemAndLock", LOCK_ONLY, db -> {
            workItems.requireHeld(db, lease, receipt);
            Optional<OrchestrationStore.Fetched> locked =
                    orchestrations.lockForCompletion(db, completion.instanceId(), lockTimeout, token);
            if (locked.isEmpty()) {
                workItems.complete(db, lease, receipt, encoded);
            }
            return locked;
        }).map(fetched -> toItem(fetched, held, completion));
    }

    @Override
    public boolean supportsEagerTurnCommits() {
        return true;
    }

    /**
     * The eager step: one durable transaction that checks the work item's lease and that the instance is idle
     * at {@code historySize}, then deletes the work item and stores the turn (an activity step then costs one
     * write transaction in all); or, if the instance is not idle, stores the completion as a message.
     */
    @Override
    public Optional<CommitOutcome> completeWorkItemAndCommit(WorkItemLease lease, OrchestratorMessage completion,
                                                             long historySize, TurnCommit commit, int maxLeases,
                                                             Duration lockTimeout) {
        WorkItemStore.Receipt receipt = WorkItemStore.receiptOf(Objects.requireNonNull(lease, "lease"));
        SqlCodec.EncodedMessage encodedCompletion = codec.encode(Objects.requireNonNull(completion, "completion"));
        SqlCodec.EncodedCommit encoded = codec.encode(Objects.requireNonNull(commit, "commit"));
        if (maxLeases < 0) {
            throw new IllegalArgumentException("maxLeases must not be negative, was " + maxLeases);
        }
        requirePositive(lockTimeout, "lockTimeout");
        String instanceId = completion.instanceId();
        List<String> tokens = newLockTokens(Math.min(maxLeases, commit.workItems().size()));
        return writer.execute("completeWorkItemAndCommit", DURABLE, db -> {
            boolean idle = orchestrations.isIdleAt(db, instanceId, commit.executionId(), historySize);
            // deletes the work item (or throws if the lease was lost); stores the completion unless the turn does
            workItems.complete(db, lease, receipt, idle ? null : encodedCompletion);
            if (!idle) {
                return Optional.<CommitOutcome>empty();
            }
            OrchestrationStore.Committed done = orchestrations.commitIdle(db, instanceId, encoded, tokens, lockTimeout);
            return Optional.of(new CommitOutcome(done.leases(), done.hasMessages()));
        });
    }

    @Override
    public void abandonWorkItem(WorkItemLease lease, Duration delay) {
        WorkItemStore.Receipt receipt = WorkItemStore.receiptOf(Objects.requireNonNull(lease, "lease"));
        requireNotNegative(delay, "delay");
        writer.execute("abandonWorkItem", LOCK_ONLY, db -> workItems.abandon(db, lease, receipt, delay));
    }

    @Override
    public boolean renewWorkItemLock(WorkItemLease lease, Duration lockTimeout) {
        WorkItemStore.Receipt receipt = WorkItemStore.receiptOf(Objects.requireNonNull(lease, "lease"));
        requirePositive(lockTimeout, "lockTimeout");
        return writer.execute("renewWorkItemLock", LOCK_ONLY, db -> workItems.renew(db, lease, receipt, lockTimeout));
    }

    // ---- client operations ----------------------------------------------------------------------------

    @Override
    public void createInstance(OrchestratorMessage startMessage) {
        SqlCodec.EncodedMessage encoded = encodeStart(startMessage, "createInstance");
        writer.execute("createInstance", DURABLE, db -> clients.createInstance(db, encoded));
    }

    /** The creation, and in the same durable transaction the new instance's lock, taken as a fetch takes it. */
    @Override
    public Optional<OrchestrationItem> createInstanceAndLock(OrchestratorMessage startMessage, Duration lockTimeout) {
        return createAndLock(startMessage, lockTimeout, DURABLE);
    }

    private Optional<OrchestrationItem> createAndLock(OrchestratorMessage startMessage, Duration lockTimeout,
                                                      GroupCommitWriter.Durability durability) {
        SqlCodec.EncodedMessage encoded = encodeStart(startMessage, "createInstanceAndLock");
        requirePositive(lockTimeout, "lockTimeout");
        String token = newLockToken();
        return writer.execute("createInstanceAndLock", durability, db -> {
            clients.createInstance(db, encoded);
            return orchestrations.lockIfReady(db, startMessage.instanceId(), lockTimeout, token);
        }).map(this::toItem);
    }

    /**
     * The creation and the lock, as {@link #createInstanceAndLock}, in a batch that is not synced: the
     * first turn's synced commit, later in the same log, makes it durable (see {@link #awaitDurable}).
     */
    @Override
    public Optional<OrchestrationItem> createInstanceAndLockDeferred(OrchestratorMessage startMessage,
                                                                     Duration lockTimeout) {
        return createAndLock(startMessage, lockTimeout, LOCK_ONLY);
    }

    /**
     * Waits for the next synced batch (usually the first turn of a deferred start, or any other turn commit or
     * client operation of the group commit), at most {@code maxWait}, then syncs a batch of its own.
     */
    @Override
    public void awaitDurable(Duration maxWait) {
        requireNotNegative(maxWait, "maxWait");
        writer.awaitDurable(maxWait.toNanos(), synchronous);
    }

    @Override
    public void enqueue(OrchestratorMessage message) {
        SqlCodec.EncodedMessage encoded = codec.encode(Objects.requireNonNull(message, "message"));
        writer.execute("enqueue", DURABLE, db -> clients.enqueue(db, encoded));
    }

    @Override
    public void restartInstance(OrchestratorMessage startMessage) {
        SqlCodec.EncodedMessage encoded = encodeStart(startMessage, "restartInstance");
        writer.execute("restartInstance", DURABLE, db -> clients.restartInstance(db, encoded));
    }

    // ---- management ---------------------------------------------------------------------------------------

    @Override
    public int purgeInstance(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return writer.execute("purgeInstance", DURABLE, db -> clients.purgeInstance(db, instanceId));
    }

    @Override
    public int purgeInstances(Instant finishedBefore, Set<RuntimeStatus> statuses) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        Set<RuntimeStatus> wanted = Set.copyOf(Objects.requireNonNull(statuses, "statuses"));
        return writer.execute("purgeInstances", DURABLE, db -> clients.purgeInstances(db, finishedBefore, wanted));
    }

    @Override
    public Optional<InstanceInfo> getInstance(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return reads.read("getInstance", db -> queries.getInstance(db, instanceId));
    }

    @Override
    public InstancePage listInstances(InstanceQuery query) {
        Objects.requireNonNull(query, "query");
        return reads.read("listInstances", db -> queries.listInstances(db, query));
    }

    /**
     * Message and work-item counts. Messages fetched under a lock count as delayed until the lock is
     * released or expires.
     */
    @Override
    public QueueDepths queueDepths() {
        return reads.read("queueDepths", queries::queueDepths);
    }

    /** Runs the operations already submitted, then closes every connection. Idempotent. */
    @Override
    public void close() {
        reads.close();
        writer.close();
    }

    /** Writer counters, for diagnostics and tests. */
    GroupCommitWriter.Stats writerStats() {
        return writer.stats();
    }

    @Override
    public String toString() {
        return "SqliteProvider[" + file + "]";
    }

    /** Decodes what the fetch read, after its batch committed, on the caller's thread. */
    private static List<String> newLockTokens(int n) {
        List<String> tokens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tokens.add(newLockToken());
        }
        return tokens;
    }

    private OrchestrationItem toItem(OrchestrationStore.Fetched fetched) {
        return toItem(fetched, null, null);
    }

    /** The item of a lock; {@code held} and its {@code completion} (the newest message) are null or both set. */
    private OrchestrationItem toItem(OrchestrationStore.Fetched fetched, OrchestrationStore.HeldCompletion held,
                                     OrchestratorMessage completion) {
        String instanceId = fetched.instance().id();
        List<SqlCodec.MessageRow> rows = fetched.messages();
        List<OrchestratorMessage> messages = new ArrayList<>(rows.size() + 1);
        long[] ids = new long[rows.size()];
        int maxDequeueCount = 0;
        for (int i = 0; i < rows.size(); i++) {
            SqlCodec.MessageRow row = rows.get(i);
            messages.add(codec.decode(instanceId, row));
            ids[i] = row.id();
            maxDequeueCount = Math.max(maxDequeueCount, row.dequeueCount());
        }
        if (completion != null) {
            messages.add(completion);
            maxDequeueCount = Math.max(maxDequeueCount, 1);
        }
        InstanceInfo info = codec.decode(fetched.instance());
        return new OrchestrationItem(instanceId, info, info.executionId(), fetched.historySize(),
                Collections.unmodifiableList(messages), maxDequeueCount, fetched.lockToken(),
                new OrchestrationStore.Receipt(ids, held));
    }

    private SqlCodec.EncodedMessage encodeStart(OrchestratorMessage startMessage, String operation) {
        Objects.requireNonNull(startMessage, "startMessage");
        if (!startMessage.isStart()) {
            throw new IllegalArgumentException(operation + " needs an OrchestrationStarted message, got "
                    + startMessage.event().getClass().getSimpleName());
        }
        return codec.encode(startMessage);
    }

    private static String newLockToken() {
        return UUID.randomUUID().toString();
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
