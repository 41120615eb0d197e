package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables of one task hub, in their own PostgreSQL schema, as an ordered list of migrations. The schema
 * records its version in {@code schema_version}; {@link #migrate} applies the missing migrations in one
 * transaction under a transaction-scoped advisory lock, so workers that start at once migrate it exactly
 * once, and refuses a schema written by a newer Duratask.
 *
 * <p>Identifiers cannot be bind parameters, so the schema name is part of the statements' text: it is
 * validated by {@link PostgresOptions} ({@code ^[a-z_][a-z0-9_]{0,62}$}) and always double-quoted.
 * Every value travels as a bind parameter. To change the schema, append a migration; never edit one
 * that has shipped.
 *
 * <p>{@code instances.history_size} is the number of events of the current execution, written by every
 * commit on the instance row itself: a fetch returns it from the row it locked, so it is never older than
 * the lock (a count read from {@code history} in the fetch's snapshot could predate a commit the fetch
 * waited for). Times are epoch milliseconds ({@code bigint}). Instance ids use the {@code "C"} collation, so that
 * listing orders them as Java compares strings, whatever the database's locale. History, messages and work
 * items reference their instance with {@code ON DELETE CASCADE}: purging deletes instance rows only.
 */
final class Schema {

    /** One step from {@code version - 1} to {@code version}; {@code {s}} stands for the quoted schema. */
    record Migration(int version, String description, List<String> statements) {}

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "instances, history, messages, work items", List.of(
                    """
                    CREATE TABLE {s}.instances (
                        id                 text COLLATE "C" PRIMARY KEY,
                        name               text,
                        version            text,
                        execution_id       bigint NOT NULL,
                        status             text NOT NULL,
                        input              text,
                        output             text,
                        failure_json       text,
                        custom_status      text,
                        parent_instance_id text COLLATE "C",
                        created_at         bigint NOT NULL,
                        updated_at         bigint NOT NULL,
                        lock_token         text,
                        locked_until       bigint,
                        history_size       bigint NOT NULL DEFAULT 0
                    )""",
                    "CREATE INDEX instances_by_created ON {s}.instances (created_at, id)",
                    "CREATE INDEX instances_by_parent ON {s}.instances (parent_instance_id)"
                            + " WHERE parent_instance_id IS NOT NULL",
                    "CREATE INDEX instances_finished ON {s}.instances (updated_at)"
                            + " WHERE status IN ('COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED')",
                    """
                    CREATE TABLE {s}.history (
                        instance_id  text COLLATE "C" NOT NULL REFERENCES {s}.instances (id) ON DELETE CASCADE,
                        execution_id bigint NOT NULL,
                        event_id     bigint NOT NULL,
                        event_json   text NOT NULL,
                        PRIMARY KEY (instance_id, execution_id, event_id)
                    )""",
                    """
                    CREATE TABLE {s}.messages (
                        id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        instance_id          text COLLATE "C" NOT NULL REFERENCES {s}.instances (id) ON DELETE CASCADE,
                        execution_id         bigint NOT NULL,
                        visible_at           bigint NOT NULL,
                        requested_visible_at text,
                        dequeue_count        integer NOT NULL DEFAULT 0,
                        event_json           text NOT NULL
                    )""",
                    "CREATE INDEX messages_by_visible ON {s}.messages (visible_at, id)",
                    "CREATE INDEX messages_by_instance ON {s}.messages (instance_id, id)",
                    """
                    CREATE TABLE {s}.work_items (
                        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        instance_id   text COLLATE "C" NOT NULL REFERENCES {s}.instances (id) ON DELETE CASCADE,
                        execution_id  bigint NOT NULL,
                        scheduled_id  bigint NOT NULL,
                        name          text NOT NULL,
                        input         text,
                        visible_at    bigint NOT NULL,
                        lock_token    text,
                        locked_until  bigint,
                        dequeue_count integer NOT NULL DEFAULT 0
                    )""",
                    "CREATE INDEX work_items_by_visible ON {s}.work_items (visible_at, id)",
                    "CREATE INDEX work_items_by_instance ON {s}.work_items (instance_id)")),
            new Migration(2, "finished_at for purging, so that a turn's update of an instance can be HOT", List.of(
                    // a turn changes updated_at; while an index covered it, every turn's update of the instance row
                    // wrote new entries into all of its indexes. finished_at changes once, when the instance ends.
                    "ALTER TABLE {s}.instances ADD COLUMN finished_at bigint",
                    "UPDATE {s}.instances SET finished_at = updated_at"
                            + " WHERE status IN ('COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED')",
                    "DROP INDEX {s}.instances_finished",
                    "CREATE INDEX instances_finished_at ON {s}.instances (finished_at) WHERE finished_at IS NOT NULL",
                    // room on each page for the new version of a row, which a HOT update needs
                    "ALTER TABLE {s}.instances SET (fillfactor = 70)")));

    /** The schema version this code writes. */
    static final int LATEST = MIGRATIONS.getLast().version();

    private Schema() {}

    /** {@code "name"}: the validated schema name, quoted. */
    static String quote(String schema) {
        return '"' + schema + '"';
    }

    /**
     * The advisory lock key of a schema: 64 bits of SHA-256 over a fixed prefix and the name, so that task
     * hubs in different schemas do not wait for each other and the key is unlikely to collide with an
     * application's own advisory locks.
     */
    static long advisoryKey(String schema) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(("duratask.schema:" + schema).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = (key << 8) | (d[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Creates the schema if needed and brings it to {@link #LATEST}, in one transaction holding
     * {@code pg_advisory_xact_lock} for this schema. Returns the version found before.
     *
     * @throws ProviderException if the schema has a newer version than this code knows
     */
    static int migrate(Connection c, String schema) throws SQLException {
        String s = quote(schema);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        boolean committed = false;
        try {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, advisoryKey(schema));
                lock.execute();
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + s);
                st.execute("CREATE TABLE IF NOT EXISTS " + s + ".schema_version (version integer NOT NULL)");
            }
            int current;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM " + s + ".schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > LATEST) {
                throw new ProviderException("the PostgreSQL schema " + s + " has Duratask schema version " + current
                        + ", but this version of Duratask knows schema versions up to " + LATEST
                        + "; use a newer Duratask, or another schema", false);
            }
            try (Statement st = c.createStatement()) {
                for (Migration m : MIGRATIONS) {
                    if (m.version() > current) {
                        for (String statement : m.statements()) {
                            st.execute(statement.replace("{s}", s));
                        }
                    }
                }
                if (current < LATEST) {
                    st.execute("DELETE FROM " + s + ".schema_version");
                }
            }
            if (current < LATEST) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + s + ".schema_version (version) VALUES (?)")) {
                    ps.setInt(1, LATEST);
                    ps.executeUpdate();
                }
            }
            c.commit();
            committed = true;
            return current;
        } finally {
            if (!committed) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection may be gone; the transaction is then rolled back by the server
                }
            }
            c.setAutoCommit(autoCommit);
        }
    }
}
