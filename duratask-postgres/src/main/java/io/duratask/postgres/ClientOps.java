package io.duratask.postgres;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.RuntimeStatus;
import io.duratask.spi.sql.SqlCodec.EncodedMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Client writes: creating, restarting and purging instances, and sending them messages. */
final class ClientOps {
    private final Sql sql;
    private final Clock clock;

    ClientOps(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** @throws InstanceExistsException if the id is taken; nothing was written */
    Void createInstance(Connection c, EncodedMessage start) throws SQLException {
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(sql.createInstance)) {
            Jdbc.bind(ps, start.instanceId(), start.start().name(), start.start().version(), start.start().input(),
                    start.start().parentInstanceId(), now, now, start.executionId(), Jdbc.visibleAt(start, now),
                    Jdbc.requested(start), start.eventJson());
            if (ps.executeUpdate() == 0) {
                throw new InstanceExistsException(start.instanceId());
            }
        }
        return null;
    }

    /**
     * Creates the instance locked for the caller, its start message taken (see {@link Sql#createInstanceAndLock}).
     *
     * @throws InstanceExistsException if the id is taken; nothing was written or locked
     */
    OrchestrationQueue.Fetched createInstanceAndLock(Connection c, EncodedMessage start, Duration lockTimeout,
                                                     String lockToken) throws SQLException {
        long now = clock.millis();
        long lockedUntil = now + lockTimeout.toMillis();
        try (PreparedStatement ps = c.prepareStatement(sql.createInstanceAndLock)) {
            Jdbc.bind(ps, start.instanceId(), start.start().name(), start.start().version(), start.start().input(),
                    start.start().parentInstanceId(), now, now, lockToken, lockedUntil, start.executionId(),
                    lockedUntil, Jdbc.requested(start), start.eventJson());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new InstanceExistsException(start.instanceId());
                }
                return OrchestrationQueue.readLocked(rs, 0, lockToken);
            }
        }
    }

    /** @throws InstanceNotFoundException if there is no such instance; nothing was written */
    Void enqueue(Connection c, EncodedMessage m) throws SQLException {
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(sql.enqueue)) {
            Jdbc.bind(ps, m.instanceId(), m.executionId(), Jdbc.visibleAt(m, now), Jdbc.requested(m), m.eventJson(),
                    m.instanceId());
            if (ps.executeUpdate() == 0) {
                throw new InstanceNotFoundException(m.instanceId());
            }
        }
        return null;
    }

    /**
     * Moves a finished instance to its next execution and enqueues the start for it.
     *
     * @throws InstanceNotFoundException if there is no such instance
     * @throws IllegalStateException if it has not finished
     */
    Void restartInstance(Connection c, EncodedMessage start) throws SQLException {
        long now = clock.millis();
        String status;
        try (PreparedStatement ps = c.prepareStatement(sql.restartInstance)) {
            Jdbc.bind(ps, start.instanceId(), start.start().name(), start.start().version(), start.start().input(), now,
                    Jdbc.visibleAt(start, now), Jdbc.requested(start), start.eventJson());
            try (ResultSet rs = ps.executeQuery()) {
                status = rs.next() ? rs.getString(1) : null;
            }
        }
        if (status == null) {
            throw new InstanceNotFoundException(start.instanceId());
        }
        if (!RuntimeStatus.valueOf(status).isTerminal()) {
            throw new IllegalStateException("instance '" + start.instanceId() + "' is " + status
                    + "; only a finished instance can be restarted");
        }
        return null;
    }

    /** Deletes a finished instance with its descendants (in one transaction); returns how many went. */
    int purgeInstance(Connection c, String instanceId) throws SQLException {
        String status;
        try (PreparedStatement ps = c.prepareStatement(sql.lockInstanceStatus)) {
            Jdbc.bind(ps, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                status = rs.next() ? rs.getString(1) : null;
            }
        }
        if (status == null) {
            return 0;
        }
        if (!RuntimeStatus.valueOf(status).isTerminal()) {
            throw new IllegalStateException("instance '" + instanceId + "' is " + status + "; terminate it before purging");
        }
        return purgeTree(c, instanceId);
    }

    /** Purges every finished instance (in {@code statuses}, or any final status) last updated before a time. */
    int purgeInstances(Connection c, Instant finishedBefore, Set<RuntimeStatus> statuses) throws SQLException {
        List<String> wanted = new ArrayList<>();
        for (RuntimeStatus s : RuntimeStatus.values()) {
            if (s.isTerminal() && (statuses.isEmpty() || statuses.contains(s))) {
                wanted.add(s.name());
            }
        }
        if (wanted.isEmpty()) {
            return 0;
        }
        List<String> roots = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.finishedBefore)) {
            Jdbc.bind(ps, finishedBefore.toEpochMilli(), Jdbc.texts(c, wanted.toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roots.add(rs.getString(1));
                }
            }
        }
        int purged = 0;
        for (String id : roots) {
            purged += purgeTree(c, id); // an id already purged as a child yields an empty tree
        }
        return purged;
    }

    private int purgeTree(Connection c, String rootId) throws SQLException {
        List<String> tree = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.instanceTree)) {
            Jdbc.bind(ps, rootId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tree.add(rs.getString(1));
                }
            }
        }
        if (tree.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement(sql.deleteInstances)) {
            Jdbc.bind(ps, Jdbc.texts(c, tree.toArray(String[]::new)));
            ps.executeUpdate();
        }
        return tree.size();
    }
}
