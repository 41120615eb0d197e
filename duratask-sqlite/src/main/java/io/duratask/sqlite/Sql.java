package io.duratask.sqlite;

import io.duratask.spi.sql.InstanceRow;

/**
 * Every SQL statement of the provider (except the schema, in {@link Schema}). Values always travel as
 * bind parameters; times are epoch milliseconds.
 */
final class Sql {
    private Sql() {}

    // ---- instances --------------------------------------------------------------------------------------

    static final String INSERT_INSTANCE = "INSERT INTO instances (id, name, version, execution_id, status, input,"
            + " parent_instance_id, created_at, updated_at) VALUES (?, ?, ?, 1, 'PENDING', ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO NOTHING";

    static final String INSTANCE_EXISTS = "SELECT 1 FROM instances WHERE id = ?";

    static final String SELECT_INSTANCE = "SELECT " + InstanceRow.COLUMNS + " FROM instances WHERE id = ?";

    /**
     * Writes a turn's metadata and releases the lock, if the lock is still held and has not expired (an
     * expired lock is rejected even if nobody took it since, as are renewals of it).
     */
    static final String COMMIT_INSTANCE = "UPDATE instances SET name = ?, version = ?, execution_id = ?, status = ?,"
            + " input = ?, output = ?, failure_json = ?, custom_status = ?, updated_at = ?,"
            + " lock_token = NULL, locked_until = NULL"
            + " WHERE id = ? AND lock_token = ? AND locked_until > ?";

    /** Releases a held lock without touching the metadata (a commit without an update). */
    /** The turn of an idle instance, committed without a lock (the eager step checked it is idle). */
    static final String COMMIT_IDLE_INSTANCE = "UPDATE instances SET name = ?, version = ?, execution_id = ?,"
            + " status = ?, input = ?, output = ?, failure_json = ?, custom_status = ?, updated_at = ? WHERE id = ?";

    static final String RELEASE_HELD_INSTANCE_LOCK = "UPDATE instances SET lock_token = NULL, locked_until = NULL"
            + " WHERE id = ? AND lock_token = ? AND locked_until > ?";

    /**
     * Releases a lock on abandon (an expired lock that nobody took is released too) and holds the instance
     * back until the abandon's delay has passed: {@code locked_until} without a token. Messages that arrived
     * meanwhile so wait too, and cannot overtake the abandoned ones (an event must not run before its
     * instance's start message).
     */
    static final String ABANDON_INSTANCE_LOCK = "UPDATE instances SET lock_token = NULL, locked_until = ?"
            + " WHERE id = ? AND lock_token = ?";

    static final String RENEW_INSTANCE_LOCK = "UPDATE instances SET locked_until = ?"
            + " WHERE id = ? AND lock_token = ? AND locked_until > ?";

    static final String LOCK_INSTANCE = "UPDATE instances SET lock_token = ?, locked_until = ? WHERE id = ?";

    // ---- orchestrator queue -----------------------------------------------------------------------------

    /**
     * The instance of the oldest visible message whose instance is not locked, with the size of its current
     * execution's history. {@code CROSS JOIN} keeps messages as the outer loop, walked in visibility order
     * through {@code messages_by_visible}. Event ids are 1-based positions, so the highest one is the
     * history's size, found with one index seek (a count would walk the whole history).
     */
    static final String NEXT_READY_INSTANCE = "SELECT " + InstanceRow.COLUMNS_OF_I + ", (SELECT coalesce(max(h.event_id), 0)"
            + " FROM history h WHERE h.instance_id = i.id AND h.execution_id = i.execution_id)"
            + " FROM messages m CROSS JOIN instances i ON i.id = m.instance_id"
            + " WHERE m.visible_at <= ?1 AND (i.locked_until IS NULL OR i.locked_until <= ?1)"
            + " ORDER BY m.visible_at, m.id LIMIT 1";

    /**
     * One instance, if it is not locked and has a visible message, with the size of its current execution's
     * history (the eager lock after an activity completion).
     */
    static final String READY_INSTANCE = "SELECT " + InstanceRow.COLUMNS_OF_I + ", (SELECT coalesce(max(h.event_id), 0)"
            + " FROM history h WHERE h.instance_id = i.id AND h.execution_id = i.execution_id)"
            + " FROM instances i WHERE i.id = ?1 AND (i.locked_until IS NULL OR i.locked_until <= ?2)"
            + " AND EXISTS (SELECT 1 FROM messages m WHERE m.instance_id = i.id AND m.visible_at <= ?2)";

    /**
     * One instance, if it is not locked, with the size of its current execution's history (the eager lock
     * that holds an activity completion instead of storing it).
     */
    static final String LOCKABLE_INSTANCE = "SELECT " + InstanceRow.COLUMNS_OF_I + ", (SELECT coalesce(max(h.event_id), 0)"
            + " FROM history h WHERE h.instance_id = i.id AND h.execution_id = i.execution_id)"
            + " FROM instances i WHERE i.id = ?1 AND (i.locked_until IS NULL OR i.locked_until <= ?2)";

    /**
     * Whether an instance is idle at an exact history: not locked (an abandon's delay counts as locked), at
     * execution {@code ?2} with {@code ?4} events, and without a visible message (the eager step).
     */
    /** Writes one page without changing anything: a synced batch of its own ({@code awaitDurable}). */
    static final String TOUCH_SCHEMA_VERSION = "UPDATE schema_version SET version = version";

    static final String INSTANCE_IDLE_AT = "SELECT EXISTS (SELECT 1 FROM instances i WHERE i.id = ?1"
            + " AND i.execution_id = ?2 AND (i.locked_until IS NULL OR i.locked_until <= ?3)"
            + " AND (SELECT coalesce(max(h.event_id), 0) FROM history h WHERE h.instance_id = i.id"
            + " AND h.execution_id = i.execution_id) = ?4"
            + " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.instance_id = i.id AND m.visible_at <= ?3))";

    /** Whether an instance has a visible message. */
    static final String HAS_VISIBLE_MESSAGES = "SELECT EXISTS (SELECT 1 FROM messages WHERE instance_id = ?"
            + " AND visible_at <= ?)";

    static final String VISIBLE_MESSAGES_OF = "SELECT id, execution_id, requested_visible_at, dequeue_count + 1,"
            + " event_json FROM messages WHERE instance_id = ? AND visible_at <= ? ORDER BY id";

    /**
     * Counts a fetch and hides the fetched messages until the lock expires, so that later fetches do not
     * walk past them; commit deletes them, abandon or expiry makes them visible again.
     */
    static final String MARK_MESSAGES_FETCHED = "UPDATE messages SET dequeue_count = dequeue_count + 1,"
            + " visible_at = ? WHERE instance_id = ? AND visible_at <= ?";

    static final String INSERT_MESSAGE = "INSERT INTO messages (instance_id, execution_id, visible_at,"
            + " requested_visible_at, event_json) VALUES (?, ?, ?, ?, ?)";

    static final String INSERT_MESSAGE_IF_INSTANCE_EXISTS = "INSERT INTO messages (instance_id, execution_id,"
            + " visible_at, requested_visible_at, event_json) SELECT ?1, ?2, ?3, ?4, ?5"
            + " WHERE EXISTS (SELECT 1 FROM instances WHERE id = ?1)";

    static final String DELETE_MESSAGE = "DELETE FROM messages WHERE id = ?";

    static final String DELAY_MESSAGE = "UPDATE messages SET visible_at = ? WHERE id = ?";

    // ---- history ------------------------------------------------------------------------------------------

    static final String INSERT_EVENT = "INSERT INTO history (instance_id, execution_id, event_id, event_json)"
            + " VALUES (?, ?, ?, ?)";

    /** One execution's events; execution 0 means the instance's current execution. */
    static final String READ_HISTORY = "SELECT event_json FROM history WHERE instance_id = ?1 AND execution_id ="
            + " (CASE WHEN ?2 = 0 THEN (SELECT execution_id FROM instances WHERE id = ?1) ELSE ?2 END)"
            + " ORDER BY event_id";

    // ---- worker queue -------------------------------------------------------------------------------------

    static final String NEXT_WORK_ITEM = "SELECT id, instance_id, execution_id, scheduled_id, name, input,"
            + " dequeue_count + 1 FROM work_items WHERE visible_at <= ? ORDER BY visible_at, id LIMIT 1";

    /** Locks a work item; it stays invisible until the lock expires. */
    static final String LOCK_WORK_ITEM = "UPDATE work_items SET lock_token = ?, locked_until = ?, visible_at = ?,"
            + " dequeue_count = dequeue_count + 1 WHERE id = ?";

    static final String INSERT_WORK_ITEM = "INSERT INTO work_items (instance_id, execution_id, scheduled_id, name,"
            + " input, visible_at) VALUES (?, ?, ?, ?, ?, ?)";

    /** Inserts a work item leased at once to the committing worker (eager dispatch), as a fetch would lease it. */
    static final String INSERT_LEASED_WORK_ITEM = "INSERT INTO work_items (instance_id, execution_id, scheduled_id,"
            + " name, input, visible_at, lock_token, locked_until, dequeue_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"
            + " RETURNING id";

    /**
     * Deletes a work item its lease holder completes. A lease that expired but that nobody took since still
     * holds: the token changes only when another worker fetches the item.
     */
    static final String WORK_ITEM_LEASED = "SELECT EXISTS (SELECT 1 FROM work_items WHERE id = ? AND lock_token = ?)";

    static final String DELETE_LEASED_WORK_ITEM = "DELETE FROM work_items WHERE id = ? AND lock_token = ?";

    static final String ABANDON_WORK_ITEM = "UPDATE work_items SET lock_token = NULL, locked_until = NULL,"
            + " visible_at = ? WHERE id = ? AND lock_token = ?";

    static final String RENEW_WORK_ITEM = "UPDATE work_items SET locked_until = ?, visible_at = ?"
            + " WHERE id = ? AND lock_token = ?";

    // ---- management ---------------------------------------------------------------------------------------

    static final String INSTANCE_STATUS = "SELECT status FROM instances WHERE id = ?";

    /** Moves a finished instance to its next execution, in state PENDING with the new start's input. */
    static final String RESTART_INSTANCE = "UPDATE instances SET name = ?, version = ?, execution_id = execution_id + 1,"
            + " status = 'PENDING', input = ?, output = NULL, failure_json = NULL, custom_status = NULL,"
            + " updated_at = ? WHERE id = ?";

    static final String EXECUTION_OF = "SELECT execution_id FROM instances WHERE id = ?";

    /** An instance and, recursively, every instance whose parent it is. */
    static final String INSTANCE_TREE = "WITH RECURSIVE tree (id) AS (SELECT id FROM instances WHERE id = ?"
            + " UNION SELECT i.id FROM instances i JOIN tree t ON i.parent_instance_id = t.id) SELECT id FROM tree";

    static final String DELETE_HISTORY_OF = "DELETE FROM history WHERE instance_id = ?";
    static final String DELETE_MESSAGES_OF = "DELETE FROM messages WHERE instance_id = ?";
    static final String DELETE_WORK_ITEMS_OF = "DELETE FROM work_items WHERE instance_id = ?";
    static final String DELETE_INSTANCE = "DELETE FROM instances WHERE id = ?";

    /** Finished instances last updated before a time; {@code ?2..?5} are the statuses wanted. */
    static final String FINISHED_BEFORE = "SELECT id FROM instances WHERE updated_at < ?1"
            + " AND status IN (?2, ?3, ?4, ?5) ORDER BY updated_at, id";

    static final String COUNT_VISIBLE_MESSAGES = "SELECT count(*) FROM messages WHERE visible_at <= ?";
    static final String COUNT_DELAYED_MESSAGES = "SELECT count(*) FROM messages WHERE visible_at > ?";
    static final String COUNT_WORK_ITEMS = "SELECT count(*) FROM work_items";
}
