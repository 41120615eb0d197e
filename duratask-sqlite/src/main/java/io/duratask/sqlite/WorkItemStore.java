package io.duratask.sqlite;

import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.LockLostException;
import io.duratask.spi.WorkItemLease;
import io.duratask.spi.sql.SqlCodec.EncodedMessage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The worker queue's write operations. A locked work item is invisible until its lock expires
 * ({@code visible_at = locked_until}), so a fetch only ever looks at {@code visible_at}. A lease holds until
 * another fetch takes the item: completing or renewing a lease that expired but was not taken succeeds,
 * which saves running the activity again.
 */
final class WorkItemStore {

    /** The provider-private part of a {@link WorkItemLease}: the work item's row id. */
    record Receipt(long rowId) {}

    private final Enqueuer enqueuer;

    WorkItemStore(Enqueuer enqueuer) {
        this.enqueuer = enqueuer;
    }

    Optional<WorkItemLease> fetch(Db db, Duration lockTimeout, String token) throws SQLException {
        long now = db.now();
        long rowId;
        ActivityWorkItem item;
        int dequeueCount;
        PreparedStatement ps = db.bind(Sql.NEXT_WORK_ITEM, now);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            rowId = rs.getLong(1);
            item = new ActivityWorkItem(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6));
            dequeueCount = rs.getInt(7);
        }
        long lockedUntil = now + lockTimeout.toMillis();
        db.update(Sql.LOCK_WORK_ITEM, token, lockedUntil, lockedUntil, rowId);
        return Optional.of(new WorkItemLease(item, token, dequeueCount, new Receipt(rowId)));
    }

    /**
     * Deletes the leased work item and enqueues its completion (if its instance exists; true then). A null
     * {@code completion} is stored elsewhere by the caller (in history, by the eager step).
     */
    boolean complete(Db db, WorkItemLease lease, Receipt receipt, EncodedMessage completion) throws SQLException {
        if (db.update(Sql.DELETE_LEASED_WORK_ITEM, receipt.rowId(), lease.lockToken()) == 0) {
            throw lostLease(lease);
        }
        return completion == null || enqueuer.insertIfInstanceExists(db, completion, () -> "activity " + describe(lease));
    }

    private static LockLostException lostLease(WorkItemLease lease) {
        return new LockLostException("work item " + describe(lease) + ": the lease " + lease.lockToken()
                + " expired and another worker took the item, or it was completed already;"
                + " the completion was not stored");
    }

    /**
     * Checks that {@code lease} still holds its work item, for a completion held with an instance lock.
     *
     * @throws LockLostException if it does not
     */
    void requireHeld(Db db, WorkItemLease lease, Receipt receipt) throws SQLException {
        if (db.queryLong(Sql.WORK_ITEM_LEASED, 0, receipt.rowId(), lease.lockToken()) != 1) {
            throw lostLease(lease);
        }
    }

    Void abandon(Db db, WorkItemLease lease, Receipt receipt, Duration delay) throws SQLException {
        db.update(Sql.ABANDON_WORK_ITEM, db.now() + delay.toMillis(), receipt.rowId(), lease.lockToken());
        return null;
    }

    /** Extends the lease; a lease that expired but that nobody took since is extended too. */
    boolean renew(Db db, WorkItemLease lease, Receipt receipt, Duration lockTimeout) throws SQLException {
        long lockedUntil = db.now() + lockTimeout.toMillis();
        return db.update(Sql.RENEW_WORK_ITEM, lockedUntil, lockedUntil, receipt.rowId(), lease.lockToken()) == 1;
    }

    static String describe(WorkItemLease lease) {
        ActivityWorkItem item = lease.item();
        return "'" + item.name() + "' of instance '" + item.instanceId() + "' (scheduled as event " + item.scheduledId() + ")";
    }

    static Receipt receiptOf(WorkItemLease lease) {
        if (lease.receipt() instanceof Receipt r) {
            return r;
        }
        throw new IllegalArgumentException("the work item lease " + describe(lease) + " was not fetched from a SQLite provider");
    }
}
