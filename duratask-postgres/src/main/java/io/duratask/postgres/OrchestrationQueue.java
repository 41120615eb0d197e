package io.duratask.postgres;

import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.WorkItemLease;
import io.duratask.spi.sql.InstanceRow;
import io.duratask.spi.sql.SqlCodec.EncodedCommit;
import io.duratask.spi.sql.SqlCodec.EncodedEvent;
import io.duratask.spi.sql.SqlCodec.EncodedMessage;
import io.duratask.spi.sql.SqlCodec.MessageRow;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The orchestrator queue: fetch (lock an instance), commit a turn, abandon, renew. One statement each. */
final class OrchestrationQueue {
    private static final Logger log = LoggerFactory.getLogger(OrchestrationQueue.class);

    /** The provider-private part of an {@link OrchestrationItem}: the ids of the fetched messages. */
    record Receipt(long[] messageIds) {}

    /** A locked instance as read by the fetch; the caller decodes it into an {@link OrchestrationItem}. */
    record Fetched(InstanceRow instance, long historySize, List<MessageRow> messages, String lockToken) {}

    /**
     * What a committed turn did: how many messages it made visible now and how many work items it enqueued
     * for fetching (both for the wake-up notification), the work items it leased to the caller, and whether
     * the instance has visible messages left.
     */
    record Committed(int messages, int workItems, List<WorkItemLease> leases, boolean hasMessages) {}

    private final Sql sql;
    private final Clock clock;

    OrchestrationQueue(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** What one multi-instance fetch got: the locked instances, and how many candidates raced. */
    record FetchedMany(List<Fetched> items, int raced) {}

    /**
     * Locks up to {@code limit} instances that have visible messages and are not locked, all with
     * {@code lockToken}, and takes their visible messages (see {@link Sql#fetchOrchestrationItems}).
     */
    FetchedMany fetchMany(Connection c, Duration lockTimeout, String lockToken, int limit) throws SQLException {
        long now = clock.millis();
        long lockedUntil = now + lockTimeout.toMillis();
        List<Fetched> items = new ArrayList<>();
        int raced = 0;
        try (PreparedStatement ps = c.prepareStatement(sql.fetchOrchestrationItems)) {
            Jdbc.bind(ps, now, now, limit, lockedUntil, now, lockToken, lockedUntil);
            try (ResultSet rs = ps.executeQuery()) {
                boolean more = rs.next();
                while (more) {
                    String id = rs.getString(1);
                    if (id == null) {
                        raced++;
                        more = rs.next();
                        continue;
                    }
                    InstanceRow instance = InstanceRow.read(rs, 0);
                    long historySize = rs.getLong(13);
                    List<MessageRow> messages = new ArrayList<>();
                    do {
                        messages.add(new MessageRow(rs.getLong(14), rs.getLong(15), rs.getString(16), rs.getInt(17),
                                rs.getString(18)));
                        more = rs.next();
                    } while (more && id.equals(rs.getString(1)));
                    items.add(new Fetched(instance, historySize, messages, lockToken));
                }
            }
        }
        return new FetchedMany(items, raced);
    }

    /**
     * Reads a locked instance and its taken messages from {@code rs}, positioned on the first row: the
     * instance's columns from {@code offset + 1}, its history size, then the message's columns; one row per
     * message, in message order. Consumes the result set.
     */
    static Fetched readLocked(ResultSet rs, int offset, String lockToken) throws SQLException {
        InstanceRow instance = InstanceRow.read(rs, offset);
        long historySize = rs.getLong(offset + 13);
        List<MessageRow> messages = new ArrayList<>();
        do {
            messages.add(new MessageRow(rs.getLong(offset + 14), rs.getLong(offset + 15), rs.getString(offset + 16),
                    rs.getInt(offset + 17), rs.getString(offset + 18)));
        } while (rs.next());
        return new Fetched(instance, historySize, messages, lockToken);
    }

    /**
     * Commits a turn in one statement (see {@link Sql#commitTurn}), leasing the first {@code leaseTokens.size()}
     * work items to the caller (one token each) for {@code lockTimeout}.
     *
     * @throws LockLostException if the lock expired or was taken; nothing was written
     */
    Committed commit(Connection c, TurnRequest r) throws SQLException {
        OrchestrationItem item = r.item();
        EncodedCommit commit = r.commit();
        List<String> leaseTokens = r.leaseTokens();
        String instanceId = item.instanceId();
        long now = clock.millis();
        InstanceUpdate u = commit.update();
        List<Object> params = new ArrayList<>(40);
        addMetadata(params, commit, now);
        params.add(historySizeAfter(commit));
        params.addAll(List.of(instanceId, item.lockToken(), now));
        int visibleNow = addBody(c, params, instanceId, now, commit, leaseTokens, r.lockTimeout(),
                r.receipt().messageIds());

        try (PreparedStatement ps = c.prepareStatement(u != null ? sql.commitTurn : sql.commitTurnKeepMetadata)) {
            Jdbc.bind(ps, params.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new LockLostException("instance '" + instanceId + "': the lock " + item.lockToken()
                            + " expired or was taken by another worker; the turn was not committed");
                }
                return committed(rs, instanceId, commit, leaseTokens, visibleNow);
            }
        }
    }

    /** What {@link #step} did: the turn committed ({@code committed} present), or only the completion stored. */
    record Stepped(Optional<Committed> committed, boolean stored) {}

    /**
     * The eager step in one statement (see {@link Sql#completeAndCommit}): deletes the leased work item and, if
     * the instance is idle at {@code historySize} (execution {@code commit.executionId()}), applies
     * {@code commit} as {@link #commit} applies it for a lock whose only message was the completion; otherwise
     * stores the completion as {@link WorkQueue#complete} does.
     *
     * @throws LockLostException if another worker took the work item since, or it was completed already;
     *     nothing was written
     */
    Stepped step(Connection c, StepRequest r) throws SQLException {
        WorkItemLease lease = r.lease();
        EncodedMessage completion = r.completion();
        EncodedCommit commit = r.commit();
        List<String> leaseTokens = r.leaseTokens();
        long historySize = r.historySize();
        String instanceId = completion.instanceId();
        long now = clock.millis();
        InstanceUpdate u = commit.update();
        List<Object> params = new ArrayList<>(48);
        params.addAll(List.of(r.receipt().rowId(), lease.lockToken(), instanceId, commit.executionId(), historySize,
                now, now));
        addMetadata(params, commit, now);
        params.add(historySizeAfter(commit));
        params.addAll(java.util.Arrays.asList(completion.instanceId(), completion.executionId(),
                Jdbc.visibleAt(completion, now), Jdbc.requested(completion), completion.eventJson(),
                completion.instanceId()));
        int visibleNow = addBody(c, params, instanceId, now, commit, leaseTokens, r.lockTimeout(), new long[0]);

        try (PreparedStatement ps = c.prepareStatement(
                u != null ? sql.completeAndCommit : sql.completeAndCommitKeepMetadata)) {
            Jdbc.bind(ps, params.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(6) == 0) {
                    throw new LockLostException("work item " + WorkQueue.describe(lease) + ": the lease "
                            + lease.lockToken() + " expired and another worker took the item, or it was completed"
                            + " already; neither the completion nor its turn was stored");
                }
                if (rs.getLong(1) == 1) {
                    return new Stepped(Optional.of(committed(rs, instanceId, commit, leaseTokens, visibleNow)), false);
                }
                if (rs.getLong(7) == 0) {
                    log.warn("dropped a {} message from activity {} to instance '{}', which does not exist",
                            completion.kind(), WorkQueue.describe(lease), completion.instanceId());
                    return new Stepped(Optional.empty(), false);
                }
                return new Stepped(Optional.empty(), true);
            }
        }
    }

    /** One eager step's arguments, as {@link #step} takes them. */
    record StepRequest(WorkItemLease lease, WorkQueue.Receipt receipt, EncodedMessage completion, long historySize,
                       EncodedCommit commit, List<String> leaseTokens, Duration lockTimeout) {
        /** Whether {@link #stepMany} can run it: its turn sends no messages (so starts no child) either. */
        boolean combinable() {
            return commit.messages().isEmpty();
        }

        String instanceId() {
            return completion.instanceId();
        }
    }

    /** One turn commit's arguments, as {@link #commit} takes them. */
    record TurnRequest(OrchestrationItem item, Receipt receipt, EncodedCommit commit, List<String> leaseTokens,
                       Duration lockTimeout) {
        /** Whether {@link #commitMany} can run it: it sends no messages (so starts no child). */
        boolean combinable() {
            return commit.messages().isEmpty();
        }
    }

    /**
     * The arrays of the statements that commit several turns at once, one element per turn (the metadata of
     * {@code manySet} and the lease time) or per event and work item (tagged with the turn's number).
     */
    private static final class ManyTurns {
        final int n;
        final String[] instance;
        final Long[] execution;
        final Boolean[] keep;
        final String[] name;
        final String[] version;
        final Long[] newExecution;
        final String[] status;
        final String[] input;
        final String[] output;
        final String[] failure;
        final String[] customStatus;
        final Long[] historyAfter;
        final Long[] leasedUntil;
        final List<Long> eStep = new ArrayList<>();
        final List<Long> eId = new ArrayList<>();
        final List<String> eJson = new ArrayList<>();
        final List<Long> wStep = new ArrayList<>();
        final List<String> wInstance = new ArrayList<>();
        final List<Long> wExecution = new ArrayList<>();
        final List<Long> wScheduled = new ArrayList<>();
        final List<String> wName = new ArrayList<>();
        final List<String> wInput = new ArrayList<>();
        final List<String> wToken = new ArrayList<>();

        ManyTurns(int n) {
            this.n = n;
            instance = new String[n];
            execution = new Long[n];
            keep = new Boolean[n];
            name = new String[n];
            version = new String[n];
            newExecution = new Long[n];
            status = new String[n];
            input = new String[n];
            output = new String[n];
            failure = new String[n];
            customStatus = new String[n];
            historyAfter = new Long[n];
            leasedUntil = new Long[n];
        }

        /** Turn {@code i} (0-based; numbered {@code i + 1} in the statement). */
        void add(int i, String instanceId, EncodedCommit commit, List<String> leaseTokens, long leased) {
            InstanceUpdate u = commit.update();
            instance[i] = instanceId;
            execution[i] = commit.executionId();
            keep[i] = u == null;
            if (u != null) {
                name[i] = u.name();
                version[i] = u.version();
                newExecution[i] = u.executionId();
                status[i] = u.status().name();
                input[i] = u.input();
                output[i] = u.output();
                failure[i] = commit.failureJson();
                customStatus[i] = u.customStatus();
            }
            historyAfter[i] = historySizeAfter(commit);
            leasedUntil[i] = leased;
            for (EncodedEvent e : commit.events()) {
                eStep.add(i + 1L);
                eId.add(e.eventId());
                eJson.add(e.json());
            }
            List<ActivityWorkItem> work = commit.workItems();
            for (int w = 0; w < work.size(); w++) {
                ActivityWorkItem item = work.get(w);
                wStep.add(i + 1L);
                wInstance.add(item.instanceId());
                wExecution.add(item.executionId());
                wScheduled.add(item.scheduledId());
                wName.add(item.name());
                wInput.add(item.input());
                wToken.add(w < leaseTokens.size() ? leaseTokens.get(w) : null);
            }
        }

        /** The metadata arrays, from {@code name} to {@code history_after}. */
        List<Object> metadata(Connection c) throws SQLException {
            return List.of(c.createArrayOf("boolean", keep), Jdbc.texts(c, name), Jdbc.texts(c, version),
                    longs(c, newExecution), Jdbc.texts(c, status), Jdbc.texts(c, input), Jdbc.texts(c, output),
                    Jdbc.texts(c, failure), Jdbc.texts(c, customStatus), longs(c, historyAfter));
        }

        /** {@code manyBody}'s parameters. */
        List<Object> body(Connection c, long now) throws SQLException {
            return List.of(longs(c, eStep.toArray(Long[]::new)), longs(c, eId.toArray(Long[]::new)),
                    Jdbc.texts(c, eJson.toArray(String[]::new)), now,
                    longs(c, wStep.toArray(Long[]::new)), Jdbc.texts(c, wInstance.toArray(String[]::new)),
                    longs(c, wExecution.toArray(Long[]::new)), longs(c, wScheduled.toArray(Long[]::new)),
                    Jdbc.texts(c, wName.toArray(String[]::new)), Jdbc.texts(c, wInput.toArray(String[]::new)),
                    Jdbc.texts(c, wToken.toArray(String[]::new)));
        }
    }

    /**
     * Several {@linkplain StepRequest#combinable combinable} eager steps of distinct instances in one statement
     * ({@link Sql#completeAndCommitMany}), each with exactly the effect and outcome {@link #step} would have.
     * Returns, in order, each step's outcome: a {@link Stepped}, or the {@link LockLostException} that
     * {@link #step} would have thrown (nothing of that step was written).
     */
    List<Object> stepMany(Connection c, List<StepRequest> requests) throws SQLException {
        int n = requests.size();
        long now = clock.millis();
        ManyTurns turns = new ManyTurns(n);
        Long[] workId = new Long[n];
        String[] token = new String[n];
        Long[] historySize = new Long[n];
        Long[] cExecution = new Long[n];
        Long[] cVisibleAt = new Long[n];
        String[] cRequested = new String[n];
        String[] cJson = new String[n];
        for (int i = 0; i < n; i++) {
            StepRequest r = requests.get(i);
            turns.add(i, r.instanceId(), r.commit(), r.leaseTokens(), now + r.lockTimeout().toMillis());
            workId[i] = r.receipt().rowId();
            token[i] = r.lease().lockToken();
            historySize[i] = r.historySize();
            cExecution[i] = r.completion().executionId();
            cVisibleAt[i] = Jdbc.visibleAt(r.completion(), now);
            cRequested[i] = Jdbc.requested(r.completion());
            cJson[i] = r.completion().eventJson();
        }
        List<Object> params = new ArrayList<>(48);
        params.addAll(List.of(longs(c, workId), Jdbc.texts(c, token), Jdbc.texts(c, turns.instance),
                longs(c, turns.execution), longs(c, historySize)));
        params.addAll(turns.metadata(c));
        params.addAll(List.of(longs(c, cExecution), longs(c, cVisibleAt), Jdbc.texts(c, cRequested),
                Jdbc.texts(c, cJson), longs(c, turns.leasedUntil), now, now, now, now));
        params.addAll(turns.body(c, now));
        params.add(now);
        return outcomes(c, sql.completeAndCommitMany, params, n, (rs, i) -> {
            StepRequest r = requests.get(i);
            if (!rs.getBoolean(2)) {
                return new LockLostException("work item " + WorkQueue.describe(r.lease()) + ": the lease "
                        + r.lease().lockToken() + " expired and another worker took the item, or it was"
                        + " completed already; neither the completion nor its turn was stored");
            }
            if (rs.getBoolean(3)) {
                List<ActivityWorkItem> work = r.commit().workItems();
                List<WorkItemLease> leases = leases(work, rs.getArray(5), rs.getArray(6), r.leaseTokens());
                return new Stepped(Optional.of(new Committed(0, work.size() - leases.size(), leases,
                        rs.getBoolean(7))), false);
            }
            if (rs.getBoolean(4)) {
                return new Stepped(Optional.empty(), true);
            }
            log.warn("dropped a {} message from activity {} to instance '{}', which does not exist",
                    r.completion().kind(), WorkQueue.describe(r.lease()), r.instanceId());
            return new Stepped(Optional.empty(), false);
        });
    }

    /**
     * Several {@linkplain TurnRequest#combinable combinable} turn commits of distinct instances in one statement
     * ({@link Sql#commitTurnMany}), each with exactly the effect and outcome {@link #commit} would have.
     * Returns, in order, each turn's outcome: a {@link Committed}, or the {@link LockLostException} that
     * {@link #commit} would have thrown (nothing of that turn was written).
     */
    List<Object> commitMany(Connection c, List<TurnRequest> requests) throws SQLException {
        int n = requests.size();
        long now = clock.millis();
        ManyTurns turns = new ManyTurns(n);
        String[] token = new String[n];
        List<Long> takenStep = new ArrayList<>();
        List<Long> takenId = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TurnRequest r = requests.get(i);
            turns.add(i, r.item().instanceId(), r.commit(), r.leaseTokens(), now + r.lockTimeout().toMillis());
            token[i] = r.item().lockToken();
            for (long id : r.receipt().messageIds()) {
                takenStep.add(i + 1L);
                takenId.add(id);
            }
        }
        List<Object> params = new ArrayList<>(40);
        params.addAll(List.of(Jdbc.texts(c, turns.instance), Jdbc.texts(c, token), longs(c, turns.execution)));
        params.addAll(turns.metadata(c));
        params.addAll(List.of(longs(c, turns.leasedUntil), now, now, now, longs(c, takenStep.toArray(Long[]::new)),
                longs(c, takenId.toArray(Long[]::new))));
        params.addAll(turns.body(c, now));
        params.add(now);
        return outcomes(c, sql.commitTurnMany, params, n, (rs, i) -> {
            TurnRequest r = requests.get(i);
            if (!rs.getBoolean(2)) {
                return new LockLostException("instance '" + r.item().instanceId() + "': the lock "
                        + r.item().lockToken() + " expired or was taken by another worker; the turn was not"
                        + " committed");
            }
            List<ActivityWorkItem> work = r.commit().workItems();
            List<WorkItemLease> leases = leases(work, rs.getArray(3), rs.getArray(4), r.leaseTokens());
            return new Committed(0, work.size() - leases.size(), leases, rs.getBoolean(5));
        });
    }

    /** One request's outcome from its row ({@code i}: the request's index, the row's first column minus one). */
    @FunctionalInterface
    private interface RowOutcome {
        Object read(ResultSet rs, int i) throws SQLException;
    }

    /** Runs a combined statement and reads one outcome per request, from its row, in order. */
    private static List<Object> outcomes(Connection c, String statement, List<Object> params, int n, RowOutcome row)
            throws SQLException {
        List<Object> outcomes = new ArrayList<>(n);
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            Jdbc.bind(ps, params.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; i < n; i++) {
                    nextRow(rs, i);
                    outcomes.add(row.read(rs, i));
                }
            }
        }
        return outcomes;
    }

    private static void nextRow(ResultSet rs, int i) throws SQLException {
        if (!rs.next() || rs.getLong(1) != i + 1) {
            throw new IllegalStateException("the statement for several turns returned no row for turn " + (i + 1));
        }
    }

    private static Array longs(Connection c, Long[] values) throws SQLException {
        return c.createArrayOf("bigint", values);
    }

    /**
     * The instance's new metadata (11 parameters: the 9 columns, then the status and the time again for
     * {@code finished_at}), if the commit changes it.
     */
    private static void addMetadata(List<Object> params, EncodedCommit commit, long now) {
        InstanceUpdate u = commit.update();
        if (u != null) {
            params.addAll(java.util.Arrays.asList(u.name(), u.version(), u.executionId(), u.status().name(), u.input(),
                    u.output(), commit.failureJson(), u.customStatus(), now, u.status().name(), now));
        }
    }

    /**
     * The parameters of the commit body shared by {@link Sql#commitTurn} and {@link Sql#completeAndCommit}:
     * events, work items (the first {@code leaseTokens.size()} leased), child instances, messages, consumed
     * messages, and the visible-messages check. Returns how many of the messages are visible now.
     */
    private static int addBody(Connection c, List<Object> params, String instanceId, long now, EncodedCommit commit,
                               List<String> leaseTokens, Duration lockTimeout, long[] consumedIds)
            throws SQLException {
        List<EncodedEvent> events = commit.events();
        long[] eventIds = new long[events.size()];
        String[] eventJsons = new String[events.size()];
        for (int i = 0; i < eventIds.length; i++) {
            eventIds[i] = events.get(i).eventId();
            eventJsons[i] = events.get(i).json();
        }
        params.add(commit.executionId());
        params.add(Jdbc.bigints(c, eventIds));
        params.add(Jdbc.texts(c, eventJsons));

        List<ActivityWorkItem> work = commit.workItems();
        String[] wInstance = new String[work.size()];
        long[] wExecution = new long[work.size()];
        long[] wScheduled = new long[work.size()];
        String[] wName = new String[work.size()];
        String[] wInput = new String[work.size()];
        for (int i = 0; i < wInstance.length; i++) {
            ActivityWorkItem w = work.get(i);
            wInstance[i] = w.instanceId();
            wExecution[i] = w.executionId();
            wScheduled[i] = w.scheduledId();
            wName[i] = w.name();
            wInput[i] = w.input();
        }
        String[] wToken = new String[work.size()];
        for (int i = 0; i < leaseTokens.size(); i++) {
            wToken[i] = leaseTokens.get(i);
        }
        long leasedUntil = now + lockTimeout.toMillis();
        params.add(now);
        params.add(leasedUntil);
        params.add(leasedUntil);
        params.add(Jdbc.texts(c, wInstance));
        params.add(Jdbc.bigints(c, wExecution));
        params.add(Jdbc.bigints(c, wScheduled));
        params.add(Jdbc.texts(c, wName));
        params.add(Jdbc.texts(c, wInput));
        params.add(Jdbc.texts(c, wToken));

        List<EncodedMessage> messages = commit.messages();
        List<EncodedMessage> starts = messages.stream().filter(m -> m.start() != null).toList();
        String[] cId = new String[starts.size()];
        String[] cName = new String[starts.size()];
        String[] cVersion = new String[starts.size()];
        String[] cInput = new String[starts.size()];
        String[] cParent = new String[starts.size()];
        for (int i = 0; i < cId.length; i++) {
            EncodedMessage m = starts.get(i);
            cId[i] = m.instanceId();
            cName[i] = m.start().name();
            cVersion[i] = m.start().version();
            cInput[i] = m.start().input();
            cParent[i] = m.start().parentInstanceId();
        }
        params.add(now);
        params.add(now);
        params.add(Jdbc.texts(c, cId));
        params.add(Jdbc.texts(c, cName));
        params.add(Jdbc.texts(c, cVersion));
        params.add(Jdbc.texts(c, cInput));
        params.add(Jdbc.texts(c, cParent));

        String[] mInstance = new String[messages.size()];
        long[] mExecution = new long[messages.size()];
        long[] mVisible = new long[messages.size()];
        String[] mRequested = new String[messages.size()];
        String[] mJson = new String[messages.size()];
        boolean[] mStart = new boolean[messages.size()];
        int visibleNow = 0;
        for (int i = 0; i < mInstance.length; i++) {
            EncodedMessage m = messages.get(i);
            mInstance[i] = m.instanceId();
            mExecution[i] = m.executionId();
            mVisible[i] = Jdbc.visibleAt(m, now);
            mRequested[i] = Jdbc.requested(m);
            mJson[i] = m.eventJson();
            mStart[i] = m.start() != null;
            if (mVisible[i] <= now) {
                visibleNow++;
            }
        }
        params.add(instanceId);
        params.add(Jdbc.texts(c, mInstance));
        params.add(Jdbc.bigints(c, mExecution));
        params.add(Jdbc.bigints(c, mVisible));
        params.add(Jdbc.texts(c, mRequested));
        params.add(Jdbc.texts(c, mJson));
        params.add(c.createArrayOf("boolean", box(mStart)));
        Array consumed = Jdbc.bigints(c, consumedIds);
        params.add(consumed);
        params.add(now);
        params.add(consumed);
        params.add(now);
        return visibleNow;
    }

    /** Reads the commit body's result columns (1 to 5): dropped messages, leases, visible messages left. */
    private static Committed committed(ResultSet rs, String instanceId, EncodedCommit commit, List<String> leaseTokens,
                                       int visibleNow) throws SQLException {
        List<EncodedMessage> messages = commit.messages();
        Array dropped = rs.getArray(2);
        if (dropped != null) {
            for (Object ord : (Object[]) dropped.getArray()) {
                EncodedMessage m = messages.get(((Number) ord).intValue() - 1);
                log.warn("dropped a {} message from instance '{}' to instance '{}', which does not exist",
                        m.kind(), instanceId, m.instanceId());
            }
        }
        List<ActivityWorkItem> work = commit.workItems();
        List<WorkItemLease> leases = leases(work, rs.getArray(3), rs.getArray(4), leaseTokens);
        return new Committed(visibleNow, work.size() - leases.size(), leases, rs.getBoolean(5));
    }

    /** The leases of a commit, in the order of its work items. */
    private static List<WorkItemLease> leases(List<ActivityWorkItem> work, Array rowIds, Array scheduledIds,
                                              List<String> tokens) throws SQLException {
        if (rowIds == null) {
            return List.of();
        }
        Object[] ids = (Object[]) rowIds.getArray();
        Object[] scheduled = (Object[]) scheduledIds.getArray();
        java.util.Map<Long, Long> rowIdByScheduledId = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            rowIdByScheduledId.put(((Number) scheduled[i]).longValue(), ((Number) ids[i]).longValue());
        }
        List<WorkItemLease> leases = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            ActivityWorkItem w = work.get(i);
            Long rowId = rowIdByScheduledId.get(w.scheduledId());
            if (rowId == null) {
                throw new IllegalStateException("the commit leased no row for work item " + w);
            }
            leases.add(new WorkItemLease(w, tokens.get(i), 1, new WorkQueue.Receipt(rowId)));
        }
        return leases;
    }

    /**
     * Releases the lock and shows the fetched messages again after {@code delay}, holding the instance back
     * until then; a stale lock changes nothing.
     */
    void abandon(Connection c, OrchestrationItem item, Receipt receipt, Duration delay) throws SQLException {
        long visibleAt = clock.millis() + delay.toMillis();
        try (PreparedStatement ps = c.prepareStatement(sql.abandonOrchestrationItem)) {
            Jdbc.bind(ps, visibleAt, item.instanceId(), item.lockToken(), visibleAt, Jdbc.bigints(c, receipt.messageIds()));
            ps.executeQuery().close();
        }
    }

    /** Extends a held, unexpired lock, and with it the time the fetched messages stay hidden. */
    boolean renew(Connection c, OrchestrationItem item, Receipt receipt, Duration lockTimeout) throws SQLException {
        long now = clock.millis();
        long lockedUntil = now + lockTimeout.toMillis();
        try (PreparedStatement ps = c.prepareStatement(sql.renewOrchestrationLock)) {
            Jdbc.bind(ps, lockedUntil, item.instanceId(), item.lockToken(), now, lockedUntil,
                    Jdbc.bigints(c, receipt.messageIds()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    /**
     * The current execution's history size after {@code commit}: 0 after continue-as-new (the next execution
     * starts empty), the last appended event id if events were appended, null (unchanged) otherwise.
     */
    private static Long historySizeAfter(EncodedCommit commit) {
        if (commit.update() != null && commit.update().executionId() != commit.executionId()) {
            return 0L;
        }
        long last = -1;
        for (EncodedEvent e : commit.events()) {
            last = Math.max(last, e.eventId());
        }
        return last < 0 ? null : last;
    }

    static Receipt receiptOf(OrchestrationItem item) {
        if (item.receipt() instanceof Receipt r) {
            return r;
        }
        throw new IllegalArgumentException("the orchestration item of instance '" + item.instanceId()
                + "' was not fetched from a PostgreSQL provider");
    }

    private static Boolean[] box(boolean[] values) {
        Boolean[] boxed = new Boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
