package io.duratask.postgres;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.CommitOutcome;
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
import io.duratask.spi.WorkListener;
import io.duratask.spi.sql.SqlCodec;
import java.sql.Connection;
import java.sql.SQLException;
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
 * A {@link Provider} on PostgreSQL 14+: many runtimes on many machines share one database. Each task hub
 * lives in its own schema ({@link PostgresOptions#schema()}), created or migrated by {@link #open}.
 *
 * <p><b>Queues and leases.</b> A fetch locks the instance of the oldest visible message with
 * {@code FOR NO KEY UPDATE SKIP LOCKED}, so concurrent fetchers on any number of machines never wait for
 * each other or take the same instance, and writes a lock token and a lease expiry on it. A worker that
 * dies simply stops renewing: when the lease expires, any other worker's fetch takes the instance (or the
 * work item) over; a late commit or renewal by the dead lease's holder is rejected with
 * {@link io.duratask.spi.LockLostException}. Work items are leased the same way.
 *
 * <p><b>One statement per operation, one transaction per turn, group commit.</b> A turn commit is one
 * statement (data-modifying CTEs) that checks the lock and applies everything or nothing. Commits and
 * client writes that arrive together share one transaction and one WAL flush ({@link CommitBatcher}); an
 * operation refused (lost lock, existing id) does not fail the others. Activity completions that arrive
 * together share one statement ({@link CompletionBatcher}), and so do orchestration fetches
 * ({@link OrchestrationFetcher}) and instance lookups ({@link InstanceLookups}). Fetches, renewals, abandons
 * and activity completions commit with {@code synchronous_commit = off}: see
 * {@link PostgresOptions#syncActivityCompletions()}. The optional eager-dispatch methods (commit and lease,
 * complete and lock, create and lock, and the eager step complete and commit) are implemented, each as one
 * statement.
 *
 * <p><b>Wake-ups.</b> With {@link PostgresOptions#notifications()} on, a provider announces new work with
 * {@code NOTIFY} and, once a runtime {@linkplain #addWorkListener listens}, wakes that runtime's idle
 * workers when another process enqueued work ({@link Notifications}). Polling stays the fallback.
 *
 * <p><b>Failures.</b> Every failure is a {@link ProviderException} naming the operation, host, port,
 * database, user and schema (never the password); {@code isRetryable()} is true when the connection was
 * lost, the server restarted, or a transaction lost a race. The pools reconnect by themselves; the
 * runtime retries. Every instance row is created with its metadata (by {@code createInstance} or by a start
 * message in a commit); messages a turn or an activity completion sends to an instance that does not exist
 * are dropped with a warning, as on every provider.
 */
public final class PostgresProvider implements Provider {
    private final PostgresOptions options;
    private final String nodeId;
    private final Pools pools;
    private final SqlCodec codec = new SqlCodec();
    private final OrchestrationQueue orchestrations;
    private final WorkQueue workItems;
    private final ClientOps clients;
    private final Reads reads;
    private final InstanceLookups lookups;
    private final CompletionBatcher completions;
    private final OrchestrationFetcher fetcher;
    private final CommitBatcher batcher;
    private final Notifications notifications;
    private volatile boolean closed;

    private PostgresProvider(PostgresOptions options, String nodeId, Pools pools) {
        this.options = options;
        this.nodeId = nodeId;
        this.pools = pools;
        Sql sql = new Sql(options.schema());
        this.orchestrations = new OrchestrationQueue(sql, options.clock());
        this.workItems = new WorkQueue(sql, options.clock());
        this.clients = new ClientOps(sql, options.clock());
        this.reads = new Reads(sql, codec, options.clock());
        this.lookups = new InstanceLookups(pools, sql, options.maxBatchSize());
        this.fetcher = new OrchestrationFetcher(pools, orchestrations, this::newLockToken, options.maxBatchSize());
        this.completions = new CompletionBatcher(pools, sql, workItems, options.clock(), options.maxBatchSize(),
                options.commitConnections());
        this.batcher = new CommitBatcher(pools, options.maxBatchSize(), options.commitConnections(), this::runTogether);
        this.notifications = new Notifications(pools, options.schema(), nodeId, options.notifyInterval(),
                options.notifications());
    }

    /**
     * Connects, creates or migrates the schema (under an advisory lock, so that workers starting at once
     * are safe), and opens the pools.
     *
     * @throws ProviderException naming host, port, database and user if the database cannot be reached or
     *     refuses the login; or if the schema was written by a newer Duratask
     */
    public static PostgresProvider open(PostgresOptions options) {
        Objects.requireNonNull(options, "options");
        String nodeId = UUID.randomUUID().toString().substring(0, 8);
        Pools pools = new Pools(options, nodeId);
        try {
            try (Connection c = pools.openDirectOrExplain()) {
                Schema.migrate(c, options.schema());
            } catch (SQLException e) {
                throw new ProviderException("cannot create or migrate the Duratask schema \"" + options.schema()
                        + "\" at " + options.describeTarget() + ": " + e.getMessage(), PgErrors.isRetryable(e), e);
            }
            return new PostgresProvider(options, nodeId, pools);
        } catch (RuntimeException e) {
            pools.close();
            throw e;
        }
    }

    /** The options this provider was opened with. */
    public PostgresOptions options() {
        return options;
    }

    // ---- orchestrator queue -------------------------------------------------------------------------

    @Override
    public Optional<OrchestrationItem> fetchOrchestrationItem(Duration lockTimeout) {
        requirePositive(lockTimeout, "lockTimeout");
        checkOpen();
        return fetcher.fetch(lockTimeout).map(this::toItem);
    }

    @Override
    public void commitOrchestrationItem(OrchestrationItem item, TurnCommit commit) {
        commit(item, commit, 0, Duration.ofSeconds(1));
    }

    /**
     * The turn commit, leasing up to {@code maxLeases} of its work items to the caller in the same durable
     * statement: they are inserted already leased (hidden until the lease expires, dequeue count 1), so a dead
     * caller's lease expires like a fetched one. Also reports whether the instance has visible messages left.
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
        OrchestrationQueue.Receipt receipt = OrchestrationQueue.receiptOf(Objects.requireNonNull(item, "item"));
        SqlCodec.EncodedCommit encoded = codec.encode(Objects.requireNonNull(commit, "commit"));
        int leases = Math.min(maxLeases, commit.workItems().size());
        List<String> tokens = new ArrayList<>(leases);
        for (int i = 0; i < leases; i++) {
            tokens.add(newLockToken());
        }
        OrchestrationQueue.TurnRequest request = new OrchestrationQueue.TurnRequest(item, receipt, encoded, tokens,
                lockTimeout);
        OrchestrationQueue.Committed done = batcher.execute("commitOrchestrationItem",
                c -> orchestrations.commit(c, request), request.combinable() ? request : null);
        notifications.announce(done.messages(), done.workItems());
        return new CommitOutcome(done.leases(), done.hasMessages());
    }

    @Override
    public void abandonOrchestrationItem(OrchestrationItem item, Duration delay) {
        OrchestrationQueue.Receipt receipt = OrchestrationQueue.receiptOf(Objects.requireNonNull(item, "item"));
        requireNotNegative(delay, "delay");
        queue("abandonOrchestrationItem", c -> {
            orchestrations.abandon(c, item, receipt, delay);
            return null;
        });
        if (delay.isZero()) {
            notifications.announce(item.messages().size(), 0);
        }
    }

    @Override
    public boolean renewOrchestrationLock(OrchestrationItem item, Duration lockTimeout) {
        OrchestrationQueue.Receipt receipt = OrchestrationQueue.receiptOf(Objects.requireNonNull(item, "item"));
        requirePositive(lockTimeout, "lockTimeout");
        return queue("renewOrchestrationLock", c -> orchestrations.renew(c, item, receipt, lockTimeout));
    }

    @Override
    public List<HistoryEvent> readHistory(String instanceId, long executionId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return queue("readHistory", c -> reads.readHistory(c, instanceId, executionId));
    }

    // ---- worker queue -------------------------------------------------------------------------------

    @Override
    public Optional<WorkItemLease> fetchWorkItem(Duration lockTimeout) {
        requirePositive(lockTimeout, "lockTimeout");
        String token = newLockToken();
        List<WorkItemLease> leases = queue("fetchWorkItem", c -> workItems.fetch(c, lockTimeout, token, 1));
        return leases.isEmpty() ? Optional.empty() : Optional.of(leases.getFirst());
    }

    @Override
    public void completeWorkItem(WorkItemLease lease, OrchestratorMessage completion) {
        WorkQueue.Receipt receipt = WorkQueue.receiptOf(Objects.requireNonNull(lease, "lease"));
        SqlCodec.EncodedMessage encoded = codec.encode(Objects.requireNonNull(completion, "completion"));
        checkOpen();
        boolean sent = options.syncActivityCompletions()
                ? batcher.execute("completeWorkItem", c -> workItems.complete(c, lease, receipt, encoded))
                : completions.complete(lease, receipt, encoded);
        if (sent) {
            notifications.announce(1, 0);
        }
    }

    /**
     * The completion and, in the same statement (at the completion's durability), the instance's lock if
     * nobody holds it, taken exactly as {@link #fetchOrchestrationItem} takes it. A completion to be delivered
     * later (a visibility time in the future) is only stored.
     */
    @Override
    public Optional<OrchestrationItem> completeWorkItemAndLock(WorkItemLease lease, OrchestratorMessage completion,
                                                               Duration lockTimeout) {
        WorkQueue.Receipt receipt = WorkQueue.receiptOf(Objects.requireNonNull(lease, "lease"));
        Objects.requireNonNull(completion, "completion");
        requirePositive(lockTimeout, "lockTimeout");
        if (completion.visibleAt() != null && completion.visibleAt().isAfter(options.clock().instant())) {
            completeWorkItem(lease, completion);
            return Optional.empty();
        }
        SqlCodec.EncodedMessage encoded = codec.encode(completion);
        String token = newLockToken();
        WorkQueue.CompletedAndLocked done = options.syncActivityCompletions()
                ? batcher.execute("completeWorkItemAndLock",
                        c -> workItems.completeAndLock(c, lease, receipt, encoded, lockTimeout, token))
                : queue("completeWorkItemAndLock",
                        c -> workItems.completeAndLock(c, lease, receipt, encoded, lockTimeout, token));
        if (done.sent() && done.locked().isEmpty()) {
            notifications.announce(1, 0);
        }
        return done.locked().map(this::toItem);
    }

    @Override
    public boolean supportsEagerTurnCommits() {
        return true;
    }

    /**
     * The eager step: one statement, run through group commit (durable, like a turn commit), that deletes the
     * work item if the lease still holds and, if the instance is idle at {@code historySize}, stores
     * {@code commit} as {@link #commitOrchestrationItemAndLease} stores a turn whose only message was
     * {@code completion} (the completion goes to history, never to the queue); otherwise it stores the
     * completion as {@link #completeWorkItem} does and nothing of the turn. An activity step of a chain then
     * costs one round trip and one durable transaction (shared with the other commits of its batch) instead of
     * a completion, a fetch and a turn commit.
     *
     * <p><b>The idle check is race-free.</b> "Idle" means: the instance's current execution is
     * {@code commit.executionId()} and {@code instances.history_size} is {@code historySize}; nobody holds its
     * lock ({@code locked_until} is null or past: an abandon's delay, {@code locked_until} without a token, counts
     * as held); it has no visible message. The statement checks this while taking the instance row with
     * {@code FOR NO KEY UPDATE SKIP LOCKED}, and holds the row until its transaction commits:
     * <ul>
     *   <li>a fetch or a turn commit that holds the row at that moment (it is locking or committing the
     *       instance) makes the step skip it: the instance counts as busy, the completion is stored, and the
     *       step never waits inside a group-commit transaction;</li>
     *   <li>a fetch or a commit that changed the row after the statement's snapshot but has committed is seen:
     *       under READ COMMITTED a row lock re-evaluates the conditions on the row's latest version, and the
     *       lock, the execution and the history size are all columns of that row (a commit writes
     *       {@code history_size}, a fetch writes {@code locked_until});</li>
     *   <li>while the step holds the row, fetches ({@code FOR NO KEY UPDATE SKIP LOCKED} on instances) pass the
     *       instance by, and a fetch whose snapshot predates the step's commit re-checks the row's latest
     *       version when it locks it and reads the history size from that version, so it sees the step's
     *       turn;</li>
     *   <li>two steps on the same instance: the second finds the row held, or a changed history size, and only
     *       stores its completion;</li>
     *   <li>a message enqueued after the statement's snapshot is not seen by the no-visible-message check. It
     *       is not lost: the step takes no lock and consumes no message, so the message stays visible and the
     *       next fetch takes it, as if it had arrived just after the step (the turn only ever consumes the
     *       completion, which never enters the queue on this path).</li>
     * </ul>
     * A completion to be delivered later (a visibility time in the future) is only stored.
     */
    @Override
    public Optional<CommitOutcome> completeWorkItemAndCommit(WorkItemLease lease, OrchestratorMessage completion,
                                                             long historySize, TurnCommit commit, int maxLeases,
                                                             Duration lockTimeout) {
        WorkQueue.Receipt receipt = WorkQueue.receiptOf(Objects.requireNonNull(lease, "lease"));
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(commit, "commit");
        if (maxLeases < 0) {
            throw new IllegalArgumentException("maxLeases must not be negative, was " + maxLeases);
        }
        requirePositive(lockTimeout, "lockTimeout");
        if (completion.visibleAt() != null && completion.visibleAt().isAfter(options.clock().instant())) {
            completeWorkItem(lease, completion);
            return Optional.empty();
        }
        checkOpen();
        SqlCodec.EncodedMessage encodedCompletion = codec.encode(completion);
        SqlCodec.EncodedCommit encoded = codec.encode(commit);
        int leases = Math.min(maxLeases, commit.workItems().size());
        List<String> tokens = new ArrayList<>(leases);
        for (int i = 0; i < leases; i++) {
            tokens.add(newLockToken());
        }
        OrchestrationQueue.StepRequest request = new OrchestrationQueue.StepRequest(lease, receipt, encodedCompletion,
                historySize, encoded, tokens, lockTimeout);
        OrchestrationQueue.Stepped done = batcher.execute("completeWorkItemAndCommit",
                c -> orchestrations.step(c, request), request.combinable() ? request : null);
        if (done.committed().isPresent()) {
            OrchestrationQueue.Committed committed = done.committed().get();
            notifications.announce(committed.messages(), committed.workItems());
            return Optional.of(new CommitOutcome(committed.leases(), committed.hasMessages()));
        }
        if (done.stored()) {
            notifications.announce(1, 0);
        }
        return Optional.empty();
    }

    /**
     * The batcher's {@link CommitBatcher.Combiner}: the eager steps of one batch in one statement, and its turn
     * commits in another, at most one per instance each (a statement updates a row once); an operation on an
     * instance already in its statement runs on its own after it, as does a kind with a single operation.
     */
    private void runTogether(Connection c, List<Pending<?>> group) throws SQLException {
        List<Pending<?>> steps = new ArrayList<>();
        List<OrchestrationQueue.StepRequest> stepRequests = new ArrayList<>();
        List<Pending<?>> turns = new ArrayList<>();
        List<OrchestrationQueue.TurnRequest> turnRequests = new ArrayList<>();
        List<Pending<?>> alone = new ArrayList<>();
        Set<String> stepping = new java.util.HashSet<>();
        Set<String> committing = new java.util.HashSet<>();
        for (Pending<?> p : group) {
            if (p.combinable instanceof OrchestrationQueue.StepRequest r && stepping.add(r.instanceId())) {
                steps.add(p);
                stepRequests.add(r);
            } else if (p.combinable instanceof OrchestrationQueue.TurnRequest r
                    && committing.add(r.item().instanceId())) {
                turns.add(p);
                turnRequests.add(r);
            } else {
                alone.add(p);
            }
        }
        if (steps.size() > 1) {
            record(steps, orchestrations.stepMany(c, stepRequests));
        } else {
            alone.addAll(steps);
        }
        if (turns.size() > 1) {
            record(turns, orchestrations.commitMany(c, turnRequests));
        } else {
            alone.addAll(turns);
        }
        for (Pending<?> p : alone) {
            p.run(c);
        }
    }

    private static void record(List<Pending<?>> pendings, List<Object> outcomes) {
        for (int i = 0; i < pendings.size(); i++) {
            pendings.get(i).record(outcomes.get(i));
        }
    }

    @Override
    public void abandonWorkItem(WorkItemLease lease, Duration delay) {
        WorkQueue.Receipt receipt = WorkQueue.receiptOf(Objects.requireNonNull(lease, "lease"));
        requireNotNegative(delay, "delay");
        queue("abandonWorkItem", c -> {
            workItems.abandon(c, lease, receipt, delay);
            return null;
        });
        if (delay.isZero()) {
            notifications.announce(0, 1);
        }
    }

    @Override
    public boolean renewWorkItemLock(WorkItemLease lease, Duration lockTimeout) {
        WorkQueue.Receipt receipt = WorkQueue.receiptOf(Objects.requireNonNull(lease, "lease"));
        requirePositive(lockTimeout, "lockTimeout");
        return queue("renewWorkItemLock", c -> workItems.renew(c, lease, receipt, lockTimeout));
    }

    // ---- client operations --------------------------------------------------------------------------

    @Override
    public void createInstance(OrchestratorMessage startMessage) {
        SqlCodec.EncodedMessage encoded = encodeStart(startMessage, "createInstance");
        batcher.execute("createInstance", c -> clients.createInstance(c, encoded));
        announceMessage(startMessage);
    }

    /**
     * The creation and, in the same durable statement, the new instance's lock, taken as a fetch takes it. A
     * start to be delivered later (a visibility time in the future) only creates the instance.
     */
    @Override
    public Optional<OrchestrationItem> createInstanceAndLock(OrchestratorMessage startMessage, Duration lockTimeout) {
        SqlCodec.EncodedMessage encoded = encodeStart(startMessage, "createInstanceAndLock");
        requirePositive(lockTimeout, "lockTimeout");
        if (startMessage.visibleAt() != null && startMessage.visibleAt().isAfter(options.clock().instant())) {
            batcher.execute("createInstance", c -> clients.createInstance(c, encoded));
            return Optional.empty();
        }
        String token = newLockToken();
        return Optional.of(toItem(batcher.execute("createInstanceAndLock",
                c -> clients.createInstanceAndLock(c, encoded, lockTimeout, token))));
    }

    @Override
    public void enqueue(OrchestratorMessage message) {
        SqlCodec.EncodedMessage encoded = codec.encode(Objects.requireNonNull(message, "message"));
        batcher.execute("enqueue", c -> clients.enqueue(c, encoded));
        announceMessage(message);
    }

    @Override
    public void restartInstance(OrchestratorMessage startMessage) {
        SqlCodec.EncodedMessage encoded = encodeStart(startMessage, "restartInstance");
        batcher.execute("restartInstance", c -> clients.restartInstance(c, encoded));
        announceMessage(startMessage);
    }

    // ---- management ---------------------------------------------------------------------------------

    @Override
    public int purgeInstance(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return transaction("purgeInstance", c -> clients.purgeInstance(c, instanceId));
    }

    @Override
    public int purgeInstances(Instant finishedBefore, Set<RuntimeStatus> statuses) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        Set<RuntimeStatus> wanted = Set.copyOf(Objects.requireNonNull(statuses, "statuses"));
        return transaction("purgeInstances", c -> clients.purgeInstances(c, finishedBefore, wanted));
    }

    @Override
    public Optional<InstanceInfo> getInstance(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        checkOpen();
        return lookups.get(instanceId).map(codec::decode);
    }

    @Override
    public InstancePage listInstances(InstanceQuery query) {
        Objects.requireNonNull(query, "query");
        return queue("listInstances", c -> reads.listInstances(c, query));
    }

    /**
     * Message and work-item counts. Messages fetched under a lock count as delayed until the lock is
     * released or expires.
     */
    @Override
    public QueueDepths queueDepths() {
        return queue("queueDepths", reads::queueDepths);
    }

    // ---- notifications ------------------------------------------------------------------------------

    /**
     * Calls {@code listener} when another process announces new work on this schema (if
     * {@link PostgresOptions#notifications()}); the first listener starts the {@code LISTEN} connection.
     */
    @Override
    public void addWorkListener(WorkListener listener) {
        notifications.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeWorkListener(WorkListener listener) {
        notifications.removeListener(listener);
    }

    /** Runs the commits already submitted, stops the notification threads and closes every connection. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        batcher.close();
        notifications.close();
        pools.close();
    }

    /** Group-commit counters, for diagnostics and tests. */
    CommitBatcher batcher() {
        return batcher;
    }

    InstanceLookups.Stats lookupStats() {
        return lookups.stats();
    }

    OrchestrationFetcher.Stats fetchStats() {
        return fetcher.stats();
    }

    CompletionBatcher.Stats completionStats() {
        return completions.stats();
    }

    CompletionBatcher completionBatcher() {
        return completions;
    }

    CommitBatcher.Stats batcherStats() {
        return batcher.stats();
    }

    /**
     * This provider's id: the prefix of its lock tokens (so {@code lock_token} in the tables tells which
     * worker holds a lock), and its name in notification payloads and pool names.
     */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public String toString() {
        return "PostgresProvider[" + pools.target() + "]";
    }

    // ---- internals ----------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** One statement on a queue connection (auto-commit, {@code synchronous_commit = off}). */
    private <T> T queue(String operation, Work<T> work) {
        checkOpen();
        try (Connection c = pools.queueConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw PgErrors.translate(operation, pools.target(), e);
        }
    }

    /** Several statements in one synchronous transaction of their own (purges). */
    private <T> T transaction(String operation, Work<T> work) {
        checkOpen();
        try (Connection c = pools.commitConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone, and the transaction with it
                }
                throw e;
            }
        } catch (SQLException e) {
            throw PgErrors.translate(operation, pools.target(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ProviderException("the PostgreSQL provider for " + pools.target() + " is closed", false);
        }
    }

    private SqlCodec.EncodedMessage encodeStart(OrchestratorMessage startMessage, String operation) {
        Objects.requireNonNull(startMessage, "startMessage");
        if (!startMessage.isStart()) {
            throw new IllegalArgumentException(operation + " needs an OrchestrationStarted message, got "
                    + startMessage.event().getClass().getSimpleName());
        }
        return codec.encode(startMessage);
    }

    private void announceMessage(OrchestratorMessage m) {
        if (m.visibleAt() == null || !m.visibleAt().isAfter(options.clock().instant())) {
            notifications.announce(1, 0);
        }
    }

    /** Decodes what the fetch read, on the caller's thread. */
    private OrchestrationItem toItem(OrchestrationQueue.Fetched fetched) {
        String instanceId = fetched.instance().id();
        List<SqlCodec.MessageRow> rows = fetched.messages();
        List<OrchestratorMessage> messages = new ArrayList<>(rows.size());
        long[] ids = new long[rows.size()];
        int maxDequeueCount = 0;
        for (int i = 0; i < rows.size(); i++) {
            SqlCodec.MessageRow row = rows.get(i);
            messages.add(codec.decode(instanceId, row));
            ids[i] = row.id();
            maxDequeueCount = Math.max(maxDequeueCount, row.dequeueCount());
        }
        InstanceInfo info = codec.decode(fetched.instance());
        return new OrchestrationItem(instanceId, info, info.executionId(), fetched.historySize(),
                Collections.unmodifiableList(messages), maxDequeueCount, fetched.lockToken(),
                new OrchestrationQueue.Receipt(ids));
    }

    /** {@code <node id>-<uuid>}: a lock in the tables tells which provider holds it. */
    private String newLockToken() {
        return nodeId + "-" + UUID.randomUUID();
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
