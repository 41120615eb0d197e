package io.duratask.postgres;

import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.LockLostException;
import io.duratask.spi.WorkItemLease;
import io.duratask.spi.sql.SqlCodec.EncodedMessage;
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

/**
 * The worker queue. A leased work item is invisible until its lease expires ({@code visible_at =
 * locked_until}), so a fetch only looks at {@code visible_at}. A lease holds until another fetch takes the
 * item: completing or renewing a lease that expired but was not taken succeeds, which saves running the
 * activity again.
 */
final class WorkQueue {
    private static final Logger log = LoggerFactory.getLogger(WorkQueue.class);

    /** The provider-private part of a {@link WorkItemLease}: the work item's row id. */
    record Receipt(long rowId) {}

    private final Sql sql;
    private final Clock clock;

    WorkQueue(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** Leases up to {@code limit} of the oldest visible work items. */
    List<WorkItemLease> fetch(Connection c, Duration lockTimeout, String token, int limit) throws SQLException {
        long now = clock.millis();
        long lockedUntil = now + lockTimeout.toMillis();
        List<WorkItemLease> leases = new ArrayList<>(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.fetchWorkItem)) {
            Jdbc.bind(ps, token, lockedUntil, lockedUntil, now, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ActivityWorkItem item = new ActivityWorkItem(rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6));
                    leases.add(new WorkItemLease(item, token, rs.getInt(7), new Receipt(rs.getLong(1))));
                }
            }
        }
        return leases;
    }

    /**
     * Deletes the leased work item and enqueues its completion, atomically; returns whether the completion
     * was enqueued (false: the instance no longer exists, and the completion was dropped with a warning).
     *
     * @throws LockLostException if another worker took the item since, or it was completed already
     */
    boolean complete(Connection c, WorkItemLease lease, Receipt receipt, EncodedMessage completion) throws SQLException {
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(sql.completeWorkItem)) {
            Jdbc.bind(ps, receipt.rowId(), lease.lockToken(), completion.instanceId(), completion.executionId(),
                    Jdbc.visibleAt(completion, now), Jdbc.requested(completion), completion.eventJson(),
                    completion.instanceId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new LockLostException("work item " + describe(lease) + ": the lease " + lease.lockToken()
                            + " expired and another worker took the item, or it was completed already;"
                            + " the completion was not stored");
                }
                if (rs.getLong(2) == 0) {
                    log.warn("dropped a {} message from activity {} to instance '{}', which does not exist",
                            completion.kind(), describe(lease), completion.instanceId());
                    return false;
                }
                return true;
            }
        }
    }

    /** A completion that locked its instance for the caller, or did not ({@code locked} empty). */
    record CompletedAndLocked(boolean sent, Optional<OrchestrationQueue.Fetched> locked) {}

    /**
     * {@link #complete} and, in the same statement, the lock of the completion's instance if nobody holds it
     * (see {@link Sql#completeWorkItemAndLock}).
     *
     * @throws LockLostException if another worker took the item since, or it was completed already
     */
    CompletedAndLocked completeAndLock(Connection c, WorkItemLease lease, Receipt receipt, EncodedMessage completion,
                                       Duration lockTimeout, String lockToken) throws SQLException {
        long now = clock.millis();
        long lockedUntil = now + lockTimeout.toMillis();
        try (PreparedStatement ps = c.prepareStatement(sql.completeWorkItemAndLock)) {
            Jdbc.bind(ps, receipt.rowId(), lease.lockToken(), completion.instanceId(), now, lockToken, lockedUntil,
                    lockedUntil, now, completion.instanceId(), completion.executionId(), lockedUntil,
                    Jdbc.visibleAt(completion, now), Jdbc.requested(completion), completion.eventJson(),
                    completion.instanceId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new LockLostException("work item " + describe(lease) + ": the lease " + lease.lockToken()
                            + " expired and another worker took the item, or it was completed already;"
                            + " the completion was not stored");
                }
                if (rs.getLong(2) == 0) {
                    log.warn("dropped a {} message from activity {} to instance '{}', which does not exist",
                            completion.kind(), describe(lease), completion.instanceId());
                    return new CompletedAndLocked(false, Optional.empty());
                }
                if (rs.getString(3) == null) {
                    return new CompletedAndLocked(true, Optional.empty());
                }
                return new CompletedAndLocked(true, Optional.of(OrchestrationQueue.readLocked(rs, 2, lockToken)));
            }
        }
    }

    void abandon(Connection c, WorkItemLease lease, Receipt receipt, Duration delay) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.abandonWorkItem)) {
            Jdbc.bind(ps, clock.millis() + delay.toMillis(), receipt.rowId(), lease.lockToken());
            ps.executeUpdate();
        }
    }

    /** Extends the lease; a lease that expired but that nobody took since is extended too. */
    boolean renew(Connection c, WorkItemLease lease, Receipt receipt, Duration lockTimeout) throws SQLException {
        long lockedUntil = clock.millis() + lockTimeout.toMillis();
        try (PreparedStatement ps = c.prepareStatement(sql.renewWorkItem)) {
            Jdbc.bind(ps, lockedUntil, lockedUntil, receipt.rowId(), lease.lockToken());
            return ps.executeUpdate() == 1;
        }
    }

    static String describe(WorkItemLease lease) {
        ActivityWorkItem item = lease.item();
        return "'" + item.name() + "' of instance '" + item.instanceId() + "' (scheduled as event " + item.scheduledId() + ")";
    }

    static Receipt receiptOf(WorkItemLease lease) {
        if (lease.receipt() instanceof Receipt r) {
            return r;
        }
        throw new IllegalArgumentException("the work item lease " + describe(lease)
                + " was not fetched from a PostgreSQL provider");
    }
}
