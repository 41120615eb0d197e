package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import java.sql.SQLException;
import java.util.List;

/**
 * The database schema as an ordered list of migrations. A file records the version it is at in the
 * {@code schema_version} table; opening it applies the migrations above that version, in one
 * transaction, and refuses a file written by a newer Duratask.
 *
 * <p>To change the schema, append a migration: never edit one that has shipped.
 */
final class Schema {

    /** One step from {@code version - 1} to {@code version}. */
    record Migration(int version, String description, List<String> statements) {}

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "instances, history, messages, work items", List.of(
                    """
                    CREATE TABLE instances (
                        id                 TEXT PRIMARY KEY,
                        name               TEXT,
                        version            TEXT,
                        execution_id       INTEGER NOT NULL,
                        status             TEXT NOT NULL,
                        input              TEXT,
                        output             TEXT,
                        failure_json       TEXT,
                        custom_status      TEXT,
                        parent_instance_id TEXT,
                        created_at         INTEGER NOT NULL,
                        updated_at         INTEGER NOT NULL,
                        lock_token         TEXT,
                        locked_until       INTEGER
                    )""",
                    "CREATE INDEX instances_by_created ON instances (created_at, id)",
                    """
                    CREATE TABLE history (
                        instance_id  TEXT NOT NULL,
                        execution_id INTEGER NOT NULL,
                        event_id     INTEGER NOT NULL,
                        event_json   TEXT NOT NULL,
                        PRIMARY KEY (instance_id, execution_id, event_id)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE messages (
                        id                   INTEGER PRIMARY KEY,
                        instance_id          TEXT NOT NULL,
                        execution_id         INTEGER NOT NULL,
                        visible_at           INTEGER NOT NULL,
                        requested_visible_at TEXT,
                        dequeue_count        INTEGER NOT NULL DEFAULT 0,
                        event_json           TEXT NOT NULL
                    )""",
                    "CREATE INDEX messages_by_visible ON messages (visible_at)",
                    "CREATE INDEX messages_by_instance ON messages (instance_id, id)",
                    """
                    CREATE TABLE work_items (
                        id            INTEGER PRIMARY KEY,
                        instance_id   TEXT NOT NULL,
                        execution_id  INTEGER NOT NULL,
                        scheduled_id  INTEGER NOT NULL,
                        name          TEXT NOT NULL,
                        input         TEXT,
                        visible_at    INTEGER NOT NULL,
                        lock_token    TEXT,
                        locked_until  INTEGER,
                        dequeue_count INTEGER NOT NULL DEFAULT 0
                    )""",
                    "CREATE INDEX work_items_by_visible ON work_items (visible_at)")),
            new Migration(2, "index instances by parent, for purging sub-orchestrations with their parent", List.of(
                    "CREATE INDEX instances_by_parent ON instances (parent_instance_id)",
                    "CREATE INDEX work_items_by_instance ON work_items (instance_id)")));

    // Messages and work items use plain row ids (no AUTOINCREMENT): an id is reused only after the highest row
    // is deleted, so ids still grow with insertion order among live rows, and a receipt's ids are only used
    // under the lock that fetched them, so a reused id never names another worker's message.

    /** The schema version this code writes. */
    static final int LATEST = MIGRATIONS.getLast().version();

    private Schema() {}

    /**
     * Brings the file to {@link #LATEST} under the write lock, so that providers opening the same file at
     * once migrate it exactly once.
     *
     * @throws ProviderException if the file has a newer schema than this code knows
     */
    static void migrate(Db db) throws SQLException {
        db.exec("BEGIN IMMEDIATE");
        boolean committed = false;
        try {
            db.runOnce("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            long current = db.queryLong("SELECT max(version) FROM schema_version", 0);
            if (current > LATEST) {
                throw new ProviderException("the database file " + db.file() + " has schema version " + current
                        + ", but this version of Duratask knows schema versions up to " + LATEST
                        + "; open it with a newer Duratask", false);
            }
            for (Migration m : MIGRATIONS) {
                if (m.version() > current) {
                    for (String statement : m.statements()) {
                        db.runOnce(statement);
                    }
                }
            }
            if (current < LATEST) {
                db.update("DELETE FROM schema_version");
                db.update("INSERT INTO schema_version (version) VALUES (?)", LATEST);
            }
            db.exec("COMMIT");
            committed = true;
        } finally {
            if (!committed) {
                rollbackQuietly(db);
            }
        }
    }

    private static void rollbackQuietly(Db db) {
        try {
            db.exec("ROLLBACK");
        } catch (SQLException ignored) {
            // the transaction may already be gone
        }
    }
}
