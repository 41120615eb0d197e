package io.duratask.sqlite;

import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.sql.SqlCodec.EncodedMessage;
import io.duratask.spi.sql.SqlCodec.Start;
import java.sql.SQLException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Inserts messages, work items and new instance rows; used by every write operation that enqueues. */
final class Enqueuer {
    private static final Logger log = LoggerFactory.getLogger(Enqueuer.class);

    /**
     * Inserts the instance row a start message describes (status PENDING, execution 1), unless a row with
     * that id exists. Returns true if it inserted one.
     */
    boolean insertInstance(Db db, EncodedMessage startMessage) throws SQLException {
        Start start = startMessage.start();
        long now = db.now();
        return db.update(Sql.INSERT_INSTANCE, startMessage.instanceId(), start.name(), start.version(), start.input(),
                start.parentInstanceId(), now, now) == 1;
    }

    /** Inserts a message without checking its instance. */
    void insertMessage(Db db, EncodedMessage m) throws SQLException {
        db.update(Sql.INSERT_MESSAGE, m.instanceId(), m.executionId(), visibleAt(db, m), requested(m), m.eventJson());
    }

    boolean instanceExists(Db db, String instanceId) throws SQLException {
        return db.queryLong(Sql.INSTANCE_EXISTS, 0, instanceId) == 1;
    }

    /**
     * Inserts a message sent by a turn or an activity completion. Its instance must exist: a message to an
     * unknown instance could never be fetched (locks live on instance rows), so it is dropped with a warning.
     * Returns whether it was inserted.
     */
    boolean insertIfInstanceExists(Db db, EncodedMessage m, Supplier<String> sender) throws SQLException {
        int inserted = db.update(Sql.INSERT_MESSAGE_IF_INSTANCE_EXISTS, m.instanceId(), m.executionId(),
                visibleAt(db, m), requested(m), m.eventJson());
        if (inserted == 0) {
            log.warn("dropped a {} message from {} to instance '{}', which does not exist", m.kind(), sender.get(),
                    m.instanceId());
        }
        return inserted == 1;
    }

    void insertWorkItem(Db db, ActivityWorkItem item) throws SQLException {
        db.update(Sql.INSERT_WORK_ITEM, item.instanceId(), item.executionId(), item.scheduledId(), item.name(),
                item.input(), db.now());
    }

    /**
     * Inserts a work item leased to the caller until {@code lockedUntil} (hidden until then, dequeue count 1),
     * and returns its row id.
     */
    long insertLeasedWorkItem(Db db, ActivityWorkItem item, String lockToken, long lockedUntil) throws SQLException {
        // one statement where an INSERT and a "SELECT last_insert_rowid()" were two
        long rowId = db.queryLong(Sql.INSERT_LEASED_WORK_ITEM, -1, item.instanceId(), item.executionId(),
                item.scheduledId(), item.name(), item.input(), lockedUntil, lockToken, lockedUntil);
        if (rowId < 0) {
            throw new SQLException("inserting a leased work item returned no row id");
        }
        return rowId;
    }

    private static long visibleAt(Db db, EncodedMessage m) {
        return m.visibleAt() == null ? db.now() : m.visibleAt().toEpochMilli();
    }

    /** The requested time, exactly as given (an {@code Instant} may hold nanoseconds), for the fetched message. */
    private static String requested(EncodedMessage m) {
        return m.visibleAt() == null ? null : m.visibleAt().toString();
    }
}
