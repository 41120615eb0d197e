package io.duratask.postgres;

import io.duratask.spi.sql.InstanceRow;

/**
 * Every statement of the provider (except the schema, in {@link Schema}), for one schema. Values always
 * travel as bind parameters; the schema name, validated and quoted, is the only text put into a statement.
 *
 * <p>Each operation is <b>one statement</b> (data-modifying CTEs where it changes several tables), so that
 * an operation costs one round trip and either applies entirely or not at all without a savepoint. An
 * expected refusal (a lost lock, an existing id) shows in the statement's result, never as an SQL error,
 * so the group-commit transaction it runs in stays usable for the other operations.
 *
 * <p>Times are epoch milliseconds from the provider's clock.
 */
final class Sql {

    /** The columns {@link InstanceRow#read} expects, in order. */
    private static final String INSTANCE_COLUMNS = "id, name, version, execution_id, status, input, output, failure_json,"
            + " custom_status, parent_instance_id, created_at, updated_at";

    final String selectInstances;
    final String fetchOrchestrationItems;
    final String commitTurn;
    final String commitTurnKeepMetadata;
    final String completeAndCommit;
    final String completeAndCommitKeepMetadata;
    final String completeAndCommitMany;
    final String commitTurnMany;
    final String abandonOrchestrationItem;
    final String renewOrchestrationLock;
    final String readHistory;
    final String fetchWorkItem;
    final String completeWorkItem;
    final String completeWorkItemAndLock;
    final String completeWorkItems;
    final String abandonWorkItem;
    final String renewWorkItem;
    final String createInstance;
    final String createInstanceAndLock;
    final String enqueue;
    final String restartInstance;
    final String lockInstanceStatus;
    final String instanceTree;
    final String deleteInstances;
    final String finishedBefore;
    final String queueDepths;
    final String listInstancesPrefix;

    Sql(String schema) {
        String s = Schema.quote(schema);

        // Instances by id (coalesced lookups). A lateral key lookup per id (LIMIT keeps the planner from
        // flattening it into a join), so that even a generic plan, which cannot know the array's length, looks
        // each id up by the key instead of scanning the table.
        selectInstances = q(s, "SELECT i." + INSTANCE_COLUMNS.replace(", ", ", i.")
                + " FROM unnest(?::text[]) AS k(id) CROSS JOIN LATERAL"
                + " (SELECT * FROM {s}.instances x WHERE x.id = k.id LIMIT 1) i");

        // The oldest visible messages whose instances are unlocked (messages_by_visible, then the instances' key),
        // up to a limit of instances: fetches that arrive together share this statement (OrchestrationFetcher).
        // SKIP LOCKED passes instances another fetch is locking right now, and the re-check of the lock columns
        // passes those locked since this statement's snapshot. FOR NO KEY UPDATE does not conflict with the
        // key-share locks that foreign-key checks of concurrent message inserts take. Each instance is locked
        // (one token for all of them: a token is always checked together with its instance's id, and no
        // instance is locked twice by one statement) and its visible messages are taken: hidden until the lock
        // expires (visible_at = locked_until), so later fetches do not walk past them. An instance is locked
        // only if messages were taken: under READ COMMITTED a candidate's message may have been consumed by a
        // turn that committed after this statement's snapshot (the re-check covers the instance row only); such
        // a candidate yields one row of nulls, which means "raced, fetch again" (an instance locked without
        // messages would stall until its lock expired). The history size comes from the locked row's latest
        // version, not from the snapshot (see Schema). Rows: per locked instance and message, the instance's
        // columns, history size, then the message's columns, ordered by instance and message; then the raced
        // rows. Parameters: now, now, limit, locked until, now, lock token, locked until.
        fetchOrchestrationItems = q(s, """
                WITH next AS (
                    SELECT i.id FROM {s}.messages m JOIN {s}.instances i ON i.id = m.instance_id
                    WHERE m.visible_at <= ? AND (i.locked_until IS NULL OR i.locked_until <= ?)
                    ORDER BY m.visible_at, m.id LIMIT ?
                    FOR NO KEY UPDATE OF i SKIP LOCKED),
                candidates AS (
                    SELECT DISTINCT id FROM next),
                fetched AS (
                    UPDATE {s}.messages m SET dequeue_count = m.dequeue_count + 1, visible_at = ?
                    FROM candidates n WHERE m.instance_id = n.id AND m.visible_at <= ?
                    RETURNING m.instance_id, m.id, m.execution_id, m.requested_visible_at, m.dequeue_count, m.event_json),
                locked AS (
                    UPDATE {s}.instances i SET lock_token = ?, locked_until = ? FROM candidates n
                    WHERE i.id = n.id AND EXISTS (SELECT 1 FROM fetched f WHERE f.instance_id = n.id)
                    RETURNING i.id, i.name, i.version, i.execution_id, i.status, i.input, i.output, i.failure_json,
                        i.custom_status, i.parent_instance_id, i.created_at, i.updated_at, i.history_size)
                SELECT l.id, l.name, l.version, l.execution_id, l.status, l.input, l.output, l.failure_json,
                    l.custom_status, l.parent_instance_id, l.created_at, l.updated_at, l.history_size,
                    f.id, f.execution_id, f.requested_visible_at, f.dequeue_count, f.event_json
                FROM locked l JOIN fetched f ON f.instance_id = l.id
                UNION ALL
                SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                    NULL, NULL
                FROM candidates n WHERE NOT EXISTS (SELECT 1 FROM fetched f WHERE f.instance_id = n.id)
                ORDER BY 1, 14""");

        String commitBody = """
                events AS (
                    INSERT INTO {s}.history (instance_id, execution_id, event_id, event_json)
                    SELECT lock.id, ?, e.event_id, e.event_json
                    FROM lock, unnest(?::bigint[], ?::text[]) AS e(event_id, event_json)),
                work AS (
                    INSERT INTO {s}.work_items (instance_id, execution_id, scheduled_id, name, input, visible_at,
                        lock_token, locked_until, dequeue_count)
                    SELECT w.instance_id, w.execution_id, w.scheduled_id, w.name, w.input,
                        CASE WHEN w.token IS NULL THEN ?::bigint ELSE ?::bigint END, w.token,
                        CASE WHEN w.token IS NULL THEN NULL ELSE ?::bigint END,
                        CASE WHEN w.token IS NULL THEN 0 ELSE 1 END
                    FROM lock, unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[])
                        WITH ORDINALITY AS w(instance_id, execution_id, scheduled_id, name, input, token, ord)
                    ORDER BY w.ord
                    RETURNING id, scheduled_id, lock_token),
                children AS (
                    INSERT INTO {s}.instances (id, name, version, execution_id, status, input, parent_instance_id,
                        created_at, updated_at)
                    SELECT c.id, c.name, c.version, 1, 'PENDING', c.input, c.parent, ?, ?
                    FROM lock, unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS c(id, name, version, input, parent)
                    ON CONFLICT (id) DO NOTHING
                    RETURNING id),
                outgoing AS (
                    SELECT o.*, (o.is_start OR o.instance_id = ? OR o.instance_id IN (SELECT id FROM children)
                            OR EXISTS (SELECT 1 FROM {s}.instances i WHERE i.id = o.instance_id)) AS deliver
                    FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::boolean[])
                        WITH ORDINALITY AS o(instance_id, execution_id, visible_at, requested_visible_at, event_json,
                            is_start, ord)),
                sent AS (
                    INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, event_json)
                    SELECT o.instance_id, o.execution_id, o.visible_at, o.requested_visible_at, o.event_json
                    FROM lock, outgoing o WHERE o.deliver ORDER BY o.ord),
                consumed AS (
                    DELETE FROM {s}.messages m USING lock WHERE m.id = ANY(?::bigint[]) AND m.instance_id = lock.id)
                SELECT (SELECT count(*) FROM lock), (SELECT array_agg(o.ord ORDER BY o.ord) FROM outgoing o WHERE NOT o.deliver),
                    (SELECT array_agg(w.id ORDER BY w.id) FROM work w WHERE w.lock_token IS NOT NULL),
                    (SELECT array_agg(w.scheduled_id ORDER BY w.id) FROM work w WHERE w.lock_token IS NOT NULL),
                    EXISTS (SELECT 1 FROM lock, {s}.messages m WHERE m.instance_id = lock.id AND m.visible_at <= ?
                            AND m.id <> ALL(?::bigint[]))
                        OR EXISTS (SELECT 1 FROM lock, outgoing o WHERE o.deliver AND o.instance_id = lock.id
                            AND o.visible_at <= ?)""";

        // One turn, atomically: check and release the lock (writing the metadata), append the events, enqueue
        // the work items (those with a token are inserted leased to the caller: hidden until the lease expires,
        // dequeue count 1, exactly as a fetch leaves them; eager dispatch), create the instances that start messages name, enqueue the messages (dropping those
        // to instances that do not exist, reported by position), delete the consumed messages. Every part
        // joins "lock", so nothing at all is written if the lock was lost (expired, even if nobody took it).
        // Parameters: see OrchestrationQueue.commit.
        commitTurn = q(s, """
                WITH lock AS (
                    UPDATE {s}.instances SET name = ?, version = ?, execution_id = ?, status = ?, input = ?, output = ?,
                        failure_json = ?, custom_status = ?, updated_at = ?,
                        finished_at = CASE WHEN ?::text IN ('COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED') THEN ?::bigint END,
                        lock_token = NULL, locked_until = NULL,
                        history_size = coalesce(?::bigint, history_size)
                    WHERE id = ? AND lock_token = ? AND locked_until > ?
                    RETURNING id),
                """ + commitBody);
        commitTurnKeepMetadata = q(s, """
                WITH lock AS (
                    UPDATE {s}.instances SET lock_token = NULL, locked_until = NULL,
                        history_size = coalesce(?::bigint, history_size)
                    WHERE id = ? AND lock_token = ? AND locked_until > ?
                    RETURNING id),
                """ + commitBody);

        // The eager step (Provider.completeWorkItemAndCommit): an activity completion and the turn that consumes
        // it, in one statement. "done" deletes the work item if the lease still holds. "target" is the instance if
        // it is idle at the caller's copy: current execution and history size as given, nobody holds its lock
        // (an abandon's delay counts as held: locked_until without a token), no visible message; it takes the
        // row lock FOR NO KEY UPDATE SKIP LOCKED, so a fetch or a commit that holds the row right now makes the
        // instance count as busy (the step never waits inside a group-commit transaction), and a fetch or a
        // commit that locked or changed the row since this statement's snapshot is caught by the re-check of the
        // row's latest version (READ COMMITTED re-evaluates the WHERE clause on it: locked_until, execution_id
        // and history_size are all columns of the row). While the step holds the row, fetches skip the
        // instance and commits of it cannot start; the step leaves it unlocked. A message that arrived after the
        // snapshot is not seen by the no-visible-message check; it stays queued, visible, and the next fetch
        // takes it (as if it had arrived just after the step). "lock" applies the metadata and the history size
        // to the target (no lock is taken: the lock columns are cleared, as a commit clears them) and the
        // commit body joins it, exactly as for a turn commit whose only message was the completion (nothing to
        // consume: the completion never enters the queue). Otherwise "stored" inserts the completion as
        // completeWorkItem does (if the instance exists), and nothing of the turn is written.
        // Result: the turn commit's columns, then the done count and the stored count.
        // Parameters: work item id, token, instance id, execution, history size, now, now, [metadata as in
        // commitTurn,] history size after, then the completion (instance, execution, visible at, requested
        // visible at, event json, instance id), then the commit body's (see OrchestrationQueue.commit).
        String stepHead = """
                WITH done AS (
                    DELETE FROM {s}.work_items WHERE id = ? AND lock_token = ? RETURNING id),
                target AS (
                    SELECT i.id FROM {s}.instances i
                    WHERE i.id = ? AND EXISTS (SELECT 1 FROM done) AND i.execution_id = ? AND i.history_size = ?
                        AND (i.locked_until IS NULL OR i.locked_until <= ?)
                        AND NOT EXISTS (SELECT 1 FROM {s}.messages m WHERE m.instance_id = i.id AND m.visible_at <= ?)
                    FOR NO KEY UPDATE SKIP LOCKED),
                """;
        String stepStored = """
                stored AS (
                    INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, event_json)
                    SELECT ?, ?, ?, ?, ? FROM done
                    WHERE NOT EXISTS (SELECT 1 FROM lock) AND EXISTS (SELECT 1 FROM {s}.instances WHERE id = ?)
                    RETURNING id),
                """;
        String stepTail = ",\n    (SELECT count(*) FROM done), (SELECT count(*) FROM stored)";
        completeAndCommit = q(s, stepHead + """
                lock AS (
                    UPDATE {s}.instances i SET name = ?, version = ?, execution_id = ?, status = ?, input = ?,
                        output = ?, failure_json = ?, custom_status = ?, updated_at = ?,
                        finished_at = CASE WHEN ?::text IN ('COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED') THEN ?::bigint END,
                        lock_token = NULL,
                        locked_until = NULL, history_size = coalesce(?::bigint, i.history_size)
                    FROM target WHERE i.id = target.id
                    RETURNING i.id),
                """ + stepStored + commitBody + stepTail);
        completeAndCommitKeepMetadata = q(s, stepHead + """
                lock AS (
                    UPDATE {s}.instances i SET lock_token = NULL, locked_until = NULL,
                        history_size = coalesce(?::bigint, i.history_size)
                    FROM target WHERE i.id = target.id
                    RETURNING i.id),
                """ + stepStored + commitBody + stepTail);

        // Parts shared by the statements that commit several turns at once (completeAndCommitMany,
        // commitTurnMany). "req" has one row per turn, numbered by "ord", with these columns among others:
        // instance_id, execution_id, keep (true: the turn leaves the metadata as it is), name, version,
        // new_execution, status, input, output, failure_json, custom_status, history_after, leased_until.
        // manySet writes the metadata (kept where "keep" says so) and the history size of the row "r"; its
        // parameters: now, now. manyBody appends the events and inserts the work items of the turns whose
        // instance is in "lock", by turn number (parameters: the event arrays (turn, event id, json), now, the
        // work item arrays (turn, instance, execution, scheduled id, name, input, token)); manyLeases are the
        // result columns with the row ids and scheduled ids of a turn's leased work items.
        String manySet = """
                        name = CASE WHEN r.keep THEN i.name ELSE r.name END,
                        version = CASE WHEN r.keep THEN i.version ELSE r.version END,
                        execution_id = CASE WHEN r.keep THEN i.execution_id ELSE r.new_execution END,
                        status = CASE WHEN r.keep THEN i.status ELSE r.status END,
                        input = CASE WHEN r.keep THEN i.input ELSE r.input END,
                        output = CASE WHEN r.keep THEN i.output ELSE r.output END,
                        failure_json = CASE WHEN r.keep THEN i.failure_json ELSE r.failure_json END,
                        custom_status = CASE WHEN r.keep THEN i.custom_status ELSE r.custom_status END,
                        updated_at = CASE WHEN r.keep THEN i.updated_at ELSE ?::bigint END,
                        finished_at = CASE WHEN r.keep THEN i.finished_at
                            WHEN r.status IN ('COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED') THEN ?::bigint END,
                        lock_token = NULL, locked_until = NULL, history_size = coalesce(r.history_after, i.history_size)
                """;
        String manyBody = """
                events AS (
                    INSERT INTO {s}.history (instance_id, execution_id, event_id, event_json)
                    SELECT r.instance_id, r.execution_id, e.event_id, e.event_json
                    FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS e(step, event_id, event_json)
                        JOIN req r ON r.ord = e.step
                    WHERE r.instance_id IN (SELECT id FROM lock)),
                work AS (
                    INSERT INTO {s}.work_items (instance_id, execution_id, scheduled_id, name, input, visible_at,
                        lock_token, locked_until, dequeue_count)
                    SELECT w.instance_id, w.execution_id, w.scheduled_id, w.name, w.input,
                        CASE WHEN w.token IS NULL THEN ?::bigint ELSE r.leased_until END, w.token,
                        CASE WHEN w.token IS NULL THEN NULL ELSE r.leased_until END,
                        CASE WHEN w.token IS NULL THEN 0 ELSE 1 END
                    FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[])
                        WITH ORDINALITY AS w(step, instance_id, execution_id, scheduled_id, name, input, token, ord)
                        JOIN req r ON r.ord = w.step
                    WHERE r.instance_id IN (SELECT id FROM lock)
                    ORDER BY w.ord
                    RETURNING id, scheduled_id, lock_token, instance_id)
                """;
        String manyLeases = """
                    (SELECT array_agg(w.id ORDER BY w.id) FROM work w
                        WHERE w.lock_token IS NOT NULL AND w.instance_id = r.instance_id),
                    (SELECT array_agg(w.scheduled_id ORDER BY w.id) FROM work w
                        WHERE w.lock_token IS NOT NULL AND w.instance_id = r.instance_id)""";

        // Several eager steps in one statement (steps that arrive together in a group commit), each exactly as
        // completeAndCommit for a turn that sends no messages (so it starts no children) and consumes none:
        // "req" has one row per step (distinct instances: one statement updates a row at most once), "done"
        // deletes the work items whose leases hold, "target" takes the instances idle at their step's copy,
        // "lock" applies their turns' metadata, "stored" enqueues the completions of the other steps whose work
        // item was deleted (if their instance exists), and manyBody writes the applied turns. Result: one row
        // per step, in order: its number, whether its work item was deleted, whether it was applied, whether
        // its completion was stored, the row ids and scheduled ids of its leased work items, whether its
        // instance has visible messages. Parameters: the 20 step arrays (work item id, token, instance,
        // execution, history size, keep, name, version, new execution, status, input, output, failure, custom
        // status, history size after, completion execution, completion visible at, completion requested
        // visible at, completion json, leased until), now, now, (manySet) now, now, (manyBody), now.
        completeAndCommitMany = q(s, """
                WITH req AS (
                    SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::boolean[],
                        ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::bigint[])
                        WITH ORDINALITY AS r(work_id, token, instance_id, execution_id, history_size, keep, name,
                            version, new_execution, status, input, output, failure_json, custom_status, history_after,
                            c_execution, c_visible_at, c_requested, c_event_json, leased_until, ord)),
                done AS (
                    DELETE FROM {s}.work_items w USING req r WHERE w.id = r.work_id AND w.lock_token = r.token
                    RETURNING w.id),
                target AS (
                    SELECT i.id FROM {s}.instances i JOIN req r ON r.instance_id = i.id
                    WHERE r.work_id IN (SELECT id FROM done) AND i.execution_id = r.execution_id
                        AND i.history_size = r.history_size AND (i.locked_until IS NULL OR i.locked_until <= ?)
                        AND NOT EXISTS (SELECT 1 FROM {s}.messages m WHERE m.instance_id = i.id AND m.visible_at <= ?)
                    FOR NO KEY UPDATE OF i SKIP LOCKED),
                lock AS (
                    UPDATE {s}.instances i SET
                """ + manySet + """
                    FROM target t JOIN req r ON r.instance_id = t.id WHERE i.id = t.id
                    RETURNING i.id),
                stored AS (
                    INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, event_json)
                    SELECT r.instance_id, r.c_execution, r.c_visible_at, r.c_requested, r.c_event_json FROM req r
                    WHERE r.work_id IN (SELECT id FROM done) AND r.instance_id NOT IN (SELECT id FROM lock)
                        AND EXISTS (SELECT 1 FROM {s}.instances x WHERE x.id = r.instance_id)
                    ORDER BY r.ord
                    RETURNING instance_id),
                """ + manyBody + """
                SELECT r.ord, r.work_id IN (SELECT id FROM done), r.instance_id IN (SELECT id FROM lock),
                    r.instance_id IN (SELECT instance_id FROM stored),
                """ + manyLeases + """
                ,
                    r.instance_id IN (SELECT id FROM lock) AND EXISTS (SELECT 1 FROM {s}.messages m
                        WHERE m.instance_id = r.instance_id AND m.visible_at <= ?)
                FROM req r ORDER BY r.ord""");

        // Several turn commits in one statement (turns that arrive together in a group commit), each exactly as
        // commitTurn for a turn that sends no messages (so it starts no children): "lock" checks and releases
        // each turn's lock and writes its metadata, manyBody writes the turns whose lock held, "consumed"
        // deletes their fetched messages. Result: one row per turn, in order: its number, whether its lock
        // held, the row ids and scheduled ids of its leased work items, whether its instance has visible
        // messages left (other than those it consumed). Parameters: the 14 turn arrays (instance, lock token,
        // execution, keep, name, version, new execution, status, input, output, failure, custom status,
        // history size after, leased until), (manySet) now, now, now, the consumed arrays (turn, message id),
        // (manyBody), now.
        commitTurnMany = q(s, """
                WITH req AS (
                    SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::boolean[], ?::text[], ?::text[],
                        ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])
                        WITH ORDINALITY AS r(instance_id, token, execution_id, keep, name, version, new_execution,
                            status, input, output, failure_json, custom_status, history_after, leased_until, ord)),
                lock AS (
                    UPDATE {s}.instances i SET
                """ + manySet + """
                    FROM req r WHERE i.id = r.instance_id AND i.lock_token = r.token AND i.locked_until > ?
                    RETURNING i.id),
                taken AS (
                    SELECT * FROM unnest(?::bigint[], ?::bigint[]) AS k(step, id)),
                consumed AS (
                    DELETE FROM {s}.messages m USING taken k JOIN req r ON r.ord = k.step
                    WHERE m.id = k.id AND m.instance_id = r.instance_id AND r.instance_id IN (SELECT id FROM lock)),
                """ + manyBody + """
                SELECT r.ord, r.instance_id IN (SELECT id FROM lock),
                """ + manyLeases + """
                ,
                    r.instance_id IN (SELECT id FROM lock) AND EXISTS (SELECT 1 FROM {s}.messages m
                        WHERE m.instance_id = r.instance_id AND m.visible_at <= ?
                            AND m.id NOT IN (SELECT k.id FROM taken k WHERE k.step = r.ord))
                FROM req r ORDER BY r.ord""");

        // Releases the lock (an expired lock that nobody took is released too), delays the fetched messages,
        // and holds the instance back until then (locked_until without a token), so that messages that arrived
        // meanwhile cannot overtake the abandoned ones (an event must not run before its instance's start).
        // Parameters: visible at, instance id, lock token, visible at, message ids.
        abandonOrchestrationItem = q(s, """
                WITH released AS (
                    UPDATE {s}.instances SET lock_token = NULL, locked_until = ? WHERE id = ? AND lock_token = ?
                    RETURNING id),
                delayed AS (
                    UPDATE {s}.messages m SET visible_at = ? FROM released
                    WHERE m.id = ANY(?::bigint[]) AND m.instance_id = released.id)
                SELECT count(*) FROM released""");

        // Extends a held, unexpired lock and with it the time the fetched messages stay hidden.
        // Parameters: locked until, instance id, lock token, now, locked until, message ids.
        renewOrchestrationLock = q(s, """
                WITH renewed AS (
                    UPDATE {s}.instances SET locked_until = ? WHERE id = ? AND lock_token = ? AND locked_until > ?
                    RETURNING id),
                hidden AS (
                    UPDATE {s}.messages m SET visible_at = ? FROM renewed
                    WHERE m.id = ANY(?::bigint[]) AND m.instance_id = renewed.id)
                SELECT count(*) FROM renewed""");

        // One execution's events; execution 0 means the instance's current one. Parameters: id, execution, id.
        readHistory = q(s, """
                SELECT event_json FROM {s}.history WHERE instance_id = ? AND execution_id =
                    (CASE WHEN ?::bigint = 0 THEN (SELECT execution_id FROM {s}.instances WHERE id = ?) ELSE ?::bigint END)
                ORDER BY event_id""");

        // Locks the oldest visible work items (up to a limit), hiding each until its lease expires.
        // Parameters: lock token, locked until, locked until, now, limit.
        fetchWorkItem = q(s, """
                UPDATE {s}.work_items w SET lock_token = ?, locked_until = ?, visible_at = ?,
                    dequeue_count = w.dequeue_count + 1
                WHERE w.id IN (SELECT id FROM {s}.work_items WHERE visible_at <= ? ORDER BY visible_at, id LIMIT ?
                    FOR UPDATE SKIP LOCKED)
                RETURNING w.id, w.instance_id, w.execution_id, w.scheduled_id, w.name, w.input, w.dequeue_count""");

        // Deletes a work item its lease holder completes (a lease that expired but that nobody took still
        // holds: the token changes only when another worker fetches the item) and enqueues the completion if
        // the instance exists. Parameters: work item id, token, then the message (instance, execution, visible
        // at, requested visible at, event json), instance id.
        completeWorkItem = q(s, """
                WITH done AS (
                    DELETE FROM {s}.work_items WHERE id = ? AND lock_token = ? RETURNING id),
                sent AS (
                    INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, event_json)
                    SELECT ?, ?, ?, ?, ? FROM done WHERE EXISTS (SELECT 1 FROM {s}.instances WHERE id = ?)
                    RETURNING id)
                SELECT (SELECT count(*) FROM done), (SELECT count(*) FROM sent)""");

        // Several completions in one statement (completions that arrive together). Each deletes its work item
        // if its lease still holds and enqueues its completion if the instance exists, exactly as
        // completeWorkItem. If two requests name the same work item, only the first counts (the other finds
        // it completed, as it would one statement later). Result: one row per counted request: its position,
        // whether its work item was deleted, whether its instance exists. Parameters: arrays of work item id,
        // token, instance id, execution, visible at, requested visible at, event json.
        completeWorkItems = q(s, """
                WITH req AS (
                    SELECT DISTINCT ON (r.work_id) r.work_id, r.token, r.instance_id, r.execution_id, r.visible_at,
                        r.requested, r.event_json, r.ord
                    FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
                        WITH ORDINALITY AS r(work_id, token, instance_id, execution_id, visible_at, requested,
                            event_json, ord)
                    ORDER BY r.work_id, r.ord),
                done AS (
                    DELETE FROM {s}.work_items w USING req WHERE w.id = req.work_id AND w.lock_token = req.token
                    RETURNING w.id),
                checked AS (
                    SELECT r.*, EXISTS (SELECT 1 FROM done d WHERE d.id = r.work_id) AS completed,
                        EXISTS (SELECT 1 FROM {s}.instances i WHERE i.id = r.instance_id) AS found
                    FROM req r),
                sent AS (
                    INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, event_json)
                    SELECT c.instance_id, c.execution_id, c.visible_at, c.requested, c.event_json
                    FROM checked c WHERE c.completed AND c.found ORDER BY c.ord)
                SELECT c.ord, c.completed, c.found FROM checked c""");

        // Eager turn dispatch: the completion as above and, if the instance is not locked (nor held back by an
        // abandon), its lock for the caller, taken as the fetch takes it: the instance's visible messages are
        // hidden until the lock expires and their dequeue counts incremented, and the completion is inserted
        // the same way (hidden, dequeue count 1) since this statement's own insert is not visible to its other
        // parts. SKIP LOCKED: if another transaction holds the instance row (a fetch or a commit of it), the
        // completion is stored visible and nothing is locked. Result: done count, sent count, then (only if
        // locked) one row per taken message: the instance's columns, history size, the message's columns.
        // Parameters: work item id, token, instance id, now, lock token, locked until, locked until, now,
        // instance id, execution, locked until, visible at, requested visible at, event json, instance id.
        completeWorkItemAndLock = q(s, """
                WITH done AS (
                    DELETE FROM {s}.work_items WHERE id = ? AND lock_token = ? RETURNING id),
                target AS (
                    SELECT i.id FROM {s}.instances i
                    WHERE i.id = ? AND EXISTS (SELECT 1 FROM done) AND (i.locked_until IS NULL OR i.locked_until <= ?)
                    FOR NO KEY UPDATE SKIP LOCKED),
                locked AS (
                    UPDATE {s}.instances i SET lock_token = ?, locked_until = ? FROM target WHERE i.id = target.id
                    RETURNING i.id, i.name, i.version, i.execution_id, i.status, i.input, i.output, i.failure_json,
                        i.custom_status, i.parent_instance_id, i.created_at, i.updated_at, i.history_size),
                taken AS (
                    UPDATE {s}.messages m SET dequeue_count = m.dequeue_count + 1, visible_at = ?
                    FROM locked WHERE m.instance_id = locked.id AND m.visible_at <= ?
                    RETURNING m.id, m.execution_id, m.requested_visible_at, m.dequeue_count, m.event_json),
                sent AS (
                    INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, dequeue_count,
                        event_json)
                    SELECT ?, ?, CASE WHEN EXISTS (SELECT 1 FROM locked) THEN ?::bigint ELSE ?::bigint END, ?,
                        CASE WHEN EXISTS (SELECT 1 FROM locked) THEN 1 ELSE 0 END, ?
                    FROM done WHERE EXISTS (SELECT 1 FROM {s}.instances WHERE id = ?)
                    RETURNING id, execution_id, requested_visible_at, dequeue_count, event_json)
                SELECT d.n, s.n, l.id, l.name, l.version, l.execution_id, l.status, l.input, l.output, l.failure_json,
                    l.custom_status, l.parent_instance_id, l.created_at, l.updated_at, l.history_size,
                    f.id, f.execution_id, f.requested_visible_at, f.dequeue_count, f.event_json
                FROM (SELECT count(*) AS n FROM done) d CROSS JOIN (SELECT count(*) AS n FROM sent) s
                LEFT JOIN (locked l CROSS JOIN (SELECT * FROM taken UNION ALL SELECT * FROM sent) f) ON true
                ORDER BY f.id""");

        abandonWorkItem = q(s, "UPDATE {s}.work_items SET lock_token = NULL, locked_until = NULL, visible_at = ?"
                + " WHERE id = ? AND lock_token = ?");

        renewWorkItem = q(s, "UPDATE {s}.work_items SET locked_until = ?, visible_at = ? WHERE id = ? AND lock_token = ?");

        // A new instance in state PENDING and its start message; nothing if the id exists (update count 0).
        // Parameters: id, name, version, input, parent, created, updated, then the message's execution,
        // visible at, requested visible at, event json.
        createInstance = q(s, """
                WITH created AS (
                    INSERT INTO {s}.instances (id, name, version, execution_id, status, input, parent_instance_id,
                        created_at, updated_at)
                    VALUES (?, ?, ?, 1, 'PENDING', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                    RETURNING id)
                INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, event_json)
                SELECT id, ?, ?, ?, ? FROM created""");

        // Eager start: a new instance created already locked for the caller (lock token, lease) with its start
        // message hidden until the lease expires and dequeue count 1, exactly as a fetch would leave them; no
        // row if the id exists. Parameters: id, name, version, input, parent, created, updated, lock token,
        // locked until, then the message's execution, locked until, requested visible at, event json.
        createInstanceAndLock = q(s, """
                WITH created AS (
                    INSERT INTO {s}.instances (id, name, version, execution_id, status, input, parent_instance_id,
                        created_at, updated_at, lock_token, locked_until)
                    VALUES (?, ?, ?, 1, 'PENDING', ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                    RETURNING id, name, version, execution_id, status, input, output, failure_json, custom_status,
                        parent_instance_id, created_at, updated_at, history_size),
                sent AS (
                    INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at,
                        dequeue_count, event_json)
                    SELECT id, ?, ?, ?, 1, ? FROM created
                    RETURNING id, execution_id, requested_visible_at, dequeue_count, event_json)
                SELECT c.id, c.name, c.version, c.execution_id, c.status, c.input, c.output, c.failure_json,
                    c.custom_status, c.parent_instance_id, c.created_at, c.updated_at, c.history_size,
                    m.id, m.execution_id, m.requested_visible_at, m.dequeue_count, m.event_json
                FROM created c CROSS JOIN sent m""");

        // A message to an existing instance (update count 0 if there is none). Parameters: instance id,
        // execution, visible at, requested visible at, event json, instance id.
        enqueue = q(s, """
                INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, event_json)
                SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM {s}.instances WHERE id = ?)""");

        // Moves a finished instance to its next execution (PENDING, the new start's input) and enqueues the
        // start for it; returns the status found (no row: no such instance). Parameters: id, name, version,
        // input, updated, visible at, requested visible at, event json.
        restartInstance = q(s, """
                WITH current AS (
                    SELECT id, status FROM {s}.instances WHERE id = ? FOR NO KEY UPDATE),
                moved AS (
                    UPDATE {s}.instances i SET name = ?, version = ?, execution_id = i.execution_id + 1,
                        status = 'PENDING', input = ?, output = NULL, failure_json = NULL, custom_status = NULL,
                        updated_at = ?, finished_at = NULL, history_size = 0
                    FROM current WHERE i.id = current.id
                        AND current.status IN ('COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED')
                    RETURNING i.id, i.execution_id),
                started AS (
                    INSERT INTO {s}.messages (instance_id, execution_id, visible_at, requested_visible_at, event_json)
                    SELECT moved.id, moved.execution_id, ?, ?, ? FROM moved)
                SELECT status FROM current""");

        lockInstanceStatus = q(s, "SELECT status FROM {s}.instances WHERE id = ? FOR UPDATE");

        // An instance and, recursively, every instance whose parent it is.
        instanceTree = q(s, """
                WITH RECURSIVE tree (id) AS (
                    SELECT id FROM {s}.instances WHERE id = ?
                    UNION SELECT i.id FROM {s}.instances i JOIN tree t ON i.parent_instance_id = t.id)
                SELECT id FROM tree""");

        // History, messages and work items go with their instance (ON DELETE CASCADE).
        deleteInstances = q(s, "DELETE FROM {s}.instances WHERE id = ANY(?::text[])");

        // Finished instances last updated before a time, in the given statuses. Parameters: time, statuses.
        finishedBefore = q(s, "SELECT id FROM {s}.instances WHERE finished_at < ? AND status = ANY(?::text[])"
                + " ORDER BY finished_at, id");

        // The three counts from one snapshot. Parameters: now, now.
        queueDepths = q(s, "SELECT (SELECT count(*) FROM {s}.messages WHERE visible_at <= ?),"
                + " (SELECT count(*) FROM {s}.messages WHERE visible_at > ?), (SELECT count(*) FROM {s}.work_items)");

        listInstancesPrefix = q(s, "SELECT " + INSTANCE_COLUMNS + " FROM {s}.instances WHERE true");
    }

    private static String q(String quotedSchema, String template) {
        return template.replace("{s}", quotedSchema);
    }
}
