package io.duratask.sqlite;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.RuntimeStatus;
import io.duratask.spi.sql.SqlCodec.EncodedMessage;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Client write operations: creating, restarting and purging instances, and sending them messages. */
final class ClientStore {
    private final Enqueuer enqueuer;

    ClientStore(Enqueuer enqueuer) {
        this.enqueuer = enqueuer;
    }

    Void createInstance(Db db, EncodedMessage start) throws SQLException {
        if (!enqueuer.insertInstance(db, start)) {
            throw new InstanceExistsException(start.instanceId());
        }
        enqueuer.insertMessage(db, start);
        return null;
    }

    Void enqueue(Db db, EncodedMessage message) throws SQLException {
        if (!enqueuer.instanceExists(db, message.instanceId())) {
            throw new InstanceNotFoundException(message.instanceId());
        }
        enqueuer.insertMessage(db, message);
        return null;
    }

    /**
     * Moves a finished instance to its next execution (PENDING, the start's input) and enqueues the start
     * message for that execution. Earlier executions' histories stay.
     */
    Void restartInstance(Db db, EncodedMessage start) throws SQLException {
        String id = start.instanceId();
        String status = db.queryString(Sql.INSTANCE_STATUS, id);
        if (status == null) {
            throw new InstanceNotFoundException(id);
        }
        if (!RuntimeStatus.valueOf(status).isTerminal()) {
            throw new IllegalStateException("instance '" + id + "' is " + status
                    + "; only a finished instance can be restarted");
        }
        db.update(Sql.RESTART_INSTANCE, start.start().name(), start.start().version(), start.start().input(),
                db.now(), id);
        long execution = db.queryLong(Sql.EXECUTION_OF, 0, id);
        enqueuer.insertMessage(db, new EncodedMessage(id, execution, start.visibleAt(), start.kind(),
                start.eventJson(), start.start()));
        return null;
    }

    /** Deletes a finished instance with its descendants; returns how many instances went. */
    int purgeInstance(Db db, String instanceId) throws SQLException {
        String status = db.queryString(Sql.INSTANCE_STATUS, instanceId);
        if (status == null) {
            return 0;
        }
        if (!RuntimeStatus.valueOf(status).isTerminal()) {
            throw new IllegalStateException("instance '" + instanceId + "' is " + status
                    + "; terminate it before purging");
        }
        return purgeTree(db, instanceId);
    }

    /** Purges every finished instance (in {@code statuses}, or any final status) updated before a time. */
    int purgeInstances(Db db, Instant finishedBefore, Set<RuntimeStatus> statuses) throws SQLException {
        List<String> wanted = new ArrayList<>();
        for (RuntimeStatus s : RuntimeStatus.values()) {
            if (s.isTerminal() && (statuses.isEmpty() || statuses.contains(s))) {
                wanted.add(s.name());
            }
        }
        if (wanted.isEmpty()) {
            return 0;
        }
        while (wanted.size() < 4) {
            wanted.add(wanted.getFirst());
        }
        int purged = 0;
        for (String id : db.queryStrings(Sql.FINISHED_BEFORE, finishedBefore.toEpochMilli(), wanted.get(0),
                wanted.get(1), wanted.get(2), wanted.get(3))) {
            purged += purgeTree(db, id); // an id already purged as a child yields an empty tree
        }
        return purged;
    }

    private static int purgeTree(Db db, String rootId) throws SQLException {
        List<String> tree = db.queryStrings(Sql.INSTANCE_TREE, rootId);
        for (String id : tree) {
            db.update(Sql.DELETE_HISTORY_OF, id);
            db.update(Sql.DELETE_MESSAGES_OF, id);
            db.update(Sql.DELETE_WORK_ITEMS_OF, id);
            db.update(Sql.DELETE_INSTANCE, id);
        }
        return tree.size();
    }
}
