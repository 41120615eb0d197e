package io.duratask.sqlite;

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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The orchestrator queue's write operations; each runs on the writer's connection inside a batch. */
final class OrchestrationStore {

    /**
     * The provider-private part of an {@link OrchestrationItem}: the ids of the fetched messages, and the
     * activity completion held with the lock instead of stored (null if none).
     */
    record Receipt(long[] messageIds, HeldCompletion held) {}

    /**
     * An activity completion that an eager lock holds instead of storing it as a message (see
     * {@link SqliteProvider#completeWorkItemAndLock}). Its work item stays leased meanwhile: the turn's commit
     * deletes it, an abandon stores the completion as a message and deletes it, a renewal extends it. If the
     * lock's holder dies, the lease expires with the lock and the activity runs again.
     */
    record HeldCompletion(WorkItemLease lease, WorkItemStore.Receipt workItem, EncodedMessage completion) {}

    /** A locked instance as read inside the batch; the caller decodes it into an {@link OrchestrationItem}. */
    record Fetched(InstanceRow instance, long historySize, List<MessageRow> messages, String lockToken) {}

    private final Enqueuer enqueuer;

    OrchestrationStore(Enqueuer enqueuer) {
        this.enqueuer = enqueuer;
    }

    /**
     * Locks the instance of the oldest visible message, if any, and reads its visible messages. The fetched
     * messages stay invisible until the lock expires: a commit deletes them, an abandon or the lock's
     * expiry makes them visible again.
     */
    Optional<Fetched> fetch(Db db, Duration lockTimeout, String lockToken) throws SQLException {
        long now = db.now();
        InstanceRow instance;
        long historySize;
        PreparedStatement ready = db.bind(Sql.NEXT_READY_INSTANCE, now);
        try (ResultSet rs = ready.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            instance = InstanceRow.read(rs);
            historySize = rs.getLong(13);
        }
        return Optional.of(lock(db, instance, historySize, now, lockTimeout, lockToken));
    }

    /**
     * Locks {@code instanceId} if nobody holds its lock and it has a visible message, as {@link #fetch} would
     * (the eager lock after an activity completion).
     */
    Optional<Fetched> lockIfReady(Db db, String instanceId, Duration lockTimeout, String lockToken) throws SQLException {
        return lockIfSelected(db, Sql.READY_INSTANCE, instanceId, lockTimeout, lockToken);
    }

    /**
     * Locks {@code instanceId} if nobody holds its lock, whether or not it has visible messages (the eager lock
     * that holds an activity completion), reading its visible messages as {@link #fetch} would.
     */
    Optional<Fetched> lockForCompletion(Db db, String instanceId, Duration lockTimeout, String lockToken)
            throws SQLException {
        return lockIfSelected(db, Sql.LOCKABLE_INSTANCE, instanceId, lockTimeout, lockToken);
    }

    /** Locks {@code instanceId} if {@code select} (instance columns and history size) finds it. */
    private static Optional<Fetched> lockIfSelected(Db db, String select, String instanceId, Duration lockTimeout,
                                                    String lockToken) throws SQLException {
        long now = db.now();
        InstanceRow instance;
        long historySize;
        PreparedStatement selected = db.bind(select, instanceId, now);
        try (ResultSet rs = selected.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            instance = InstanceRow.read(rs);
            historySize = rs.getLong(13);
        }
        return Optional.of(lock(db, instance, historySize, now, lockTimeout, lockToken));
    }

    private static Fetched lock(Db db, InstanceRow instance, long historySize, long now, Duration lockTimeout,
                                String lockToken) throws SQLException {
        long lockedUntil = now + lockTimeout.toMillis();
        db.update(Sql.LOCK_INSTANCE, lockToken, lockedUntil, instance.id());

        List<MessageRow> messages = new ArrayList<>();
        PreparedStatement visible = db.bind(Sql.VISIBLE_MESSAGES_OF, instance.id(), now);
        try (ResultSet rs = visible.executeQuery()) {
            while (rs.next()) {
                messages.add(new MessageRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getString(5)));
            }
        }
        db.update(Sql.MARK_MESSAGES_FETCHED, lockedUntil, instance.id(), now);
        return new Fetched(instance, historySize, messages, lockToken);
    }

    /**
     * What a commit did besides storing the turn: the work items it leased to the caller, and whether the
     * instance has visible messages left.
     */
    record Committed(List<WorkItemLease> leases, boolean hasMessages) {}

    /**
     * Stores a turn. The first {@code leaseTokens.size()} work items are leased to the caller until
     * {@code now + lockTimeout} under those tokens (eager dispatch); the others are enqueued.
     */
    Committed commit(Db db, OrchestrationItem item, Receipt receipt, EncodedCommit commit, List<String> leaseTokens,
                     Duration lockTimeout) throws SQLException {
        String instanceId = item.instanceId();
        long now = db.now();
        HeldCompletion completion = receipt.held();
        if (completion != null && db.update(Sql.DELETE_LEASED_WORK_ITEM, completion.workItem().rowId(),
                completion.lease().lockToken()) == 0) {
            throw new LockLostException("instance '" + instanceId + "': the turn consumed the result of activity "
                    + WorkItemStore.describe(completion.lease()) + ", whose lease expired and was taken by another"
                    + " worker; the turn was not committed");
        }
        InstanceUpdate u = commit.update();
        int held = u == null
                ? db.update(Sql.RELEASE_HELD_INSTANCE_LOCK, instanceId, item.lockToken(), now)
                : db.update(Sql.COMMIT_INSTANCE, u.name(), u.version(), u.executionId(), u.status().name(), u.input(),
                        u.output(), commit.failureJson(), u.customStatus(), now, instanceId, item.lockToken(), now);
        if (held == 0) {
            throw new LockLostException("instance '" + instanceId + "': the lock " + item.lockToken()
                    + " expired or was taken by another worker; the turn was not committed");
        }
        return apply(db, instanceId, now, commit, leaseTokens, lockTimeout, receipt.messageIds());
    }

    /**
     * The eager step's check: whether {@code instanceId} is idle at exactly {@code historySize} events of
     * {@code executionId} (not locked, no visible message).
     */
    boolean isIdleAt(Db db, String instanceId, long executionId, long historySize) throws SQLException {
        return db.queryLong(Sql.INSTANCE_IDLE_AT, 0, instanceId, executionId, db.now(), historySize) == 1;
    }

    /** Stores the turn of an instance that {@link #isIdleAt} found idle, as {@link #commit} stores a locked one. */
    Committed commitIdle(Db db, String instanceId, EncodedCommit commit, List<String> leaseTokens, Duration lockTimeout)
            throws SQLException {
        long now = db.now();
        InstanceUpdate u = commit.update();
        if (u != null) {
            db.update(Sql.COMMIT_IDLE_INSTANCE, u.name(), u.version(), u.executionId(), u.status().name(), u.input(),
                    u.output(), commit.failureJson(), u.customStatus(), now, instanceId);
        }
        return apply(db, instanceId, now, commit, leaseTokens, lockTimeout, new long[0]);
    }

    /** Everything of a turn but the instance row: history, work items, messages, and the consumed messages. */
    private Committed apply(Db db, String instanceId, long now, EncodedCommit commit, List<String> leaseTokens,
                            Duration lockTimeout, long[] consumedMessageIds) throws SQLException {
        for (EncodedEvent event : commit.events()) {
            db.update(Sql.INSERT_EVENT, instanceId, commit.executionId(), event.eventId(), event.json());
        }
        List<WorkItemLease> leases = new ArrayList<>(leaseTokens.size());
        long lockedUntil = now + lockTimeout.toMillis();
        for (ActivityWorkItem workItem : commit.workItems()) {
            if (leases.size() < leaseTokens.size()) {
                String token = leaseTokens.get(leases.size());
                long rowId = enqueuer.insertLeasedWorkItem(db, workItem, token, lockedUntil);
                leases.add(new WorkItemLease(workItem, token, 1, new WorkItemStore.Receipt(rowId)));
            } else {
                enqueuer.insertWorkItem(db, workItem);
            }
        }
        // instances first, so that a message sent along with a start message finds its instance
        for (EncodedMessage m : commit.messages()) {
            if (m.start() != null) {
                enqueuer.insertInstance(db, m);
            }
        }
        for (EncodedMessage m : commit.messages()) {
            if (m.start() != null || m.instanceId().equals(instanceId)) {
                enqueuer.insertMessage(db, m);
            } else {
                enqueuer.insertIfInstanceExists(db, m, () -> "instance '" + instanceId + "'");
            }
        }
        for (long id : consumedMessageIds) {
            db.update(Sql.DELETE_MESSAGE, id);
        }
        return new Committed(leases, db.queryLong(Sql.HAS_VISIBLE_MESSAGES, 0, instanceId, now) == 1);
    }

    /**
     * Releases the lock; the fetched messages become visible again after {@code delay}, and a held completion
     * is stored as a message (its work item deleted), unless its lease was lost (then the activity's new
     * runner completes it).
     */
    Void abandon(Db db, OrchestrationItem item, Receipt receipt, Duration delay) throws SQLException {
        long visibleAt = db.now() + delay.toMillis();
        HeldCompletion held = receipt.held();
        if (held != null && db.update(Sql.DELETE_LEASED_WORK_ITEM, held.workItem().rowId(), held.lease().lockToken()) == 1) {
            enqueuer.insertIfInstanceExists(db, held.completion(), () -> "activity " + WorkItemStore.describe(held.lease()));
        }
        if (db.update(Sql.ABANDON_INSTANCE_LOCK, visibleAt, item.instanceId(), item.lockToken()) == 0) {
            return null; // the lock went to someone else, and the messages with it
        }
        for (long id : receipt.messageIds()) {
            db.update(Sql.DELAY_MESSAGE, visibleAt, id);
        }
        return null;
    }

    /**
     * Extends the lock, and with it the time the fetched messages stay hidden and the lease of a held
     * completion's work item; false if either was lost (the turn could not commit).
     */
    boolean renew(Db db, OrchestrationItem item, Receipt receipt, Duration lockTimeout) throws SQLException {
        long now = db.now();
        long lockedUntil = now + lockTimeout.toMillis();
        if (db.update(Sql.RENEW_INSTANCE_LOCK, lockedUntil, item.instanceId(), item.lockToken(), now) == 0) {
            return false;
        }
        HeldCompletion held = receipt.held();
        if (held != null && db.update(Sql.RENEW_WORK_ITEM, lockedUntil, lockedUntil, held.workItem().rowId(),
                held.lease().lockToken()) == 0) {
            return false;
        }
        for (long id : receipt.messageIds()) {
            db.update(Sql.DELAY_MESSAGE, lockedUntil, id);
        }
        return true;
    }

    static Receipt receiptOf(OrchestrationItem item) {
        if (item.receipt() instanceof Receipt r) {
            return r;
        }
        throw new IllegalArgumentException("the orchestration item of instance '" + item.instanceId()
                + "' was not fetched from a SQLite provider");
    }
}
