package io.duratask.sqlite;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.sqlite.Codec.EncodedMessage;
import java.sql.SQLException;

/** Client write operations: creating instances and sending them messages. */
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
}
