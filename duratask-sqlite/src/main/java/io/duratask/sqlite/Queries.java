package io.duratask.sqlite;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.sql.ContinuationToken;
import io.duratask.spi.sql.InstanceRow;
import io.duratask.spi.sql.SqlCodec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads that take no lock; each runs on a read connection. */
final class Queries {
    private final SqlCodec codec;

    Queries(SqlCodec codec) {
        this.codec = codec;
    }

    List<HistoryEvent> readHistory(Db db, String instanceId, long executionId) throws SQLException {
        List<HistoryEvent> events = new ArrayList<>();
        PreparedStatement ps = db.bind(Sql.READ_HISTORY, instanceId, executionId);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                events.add(codec.decodeEvent(rs.getString(1)));
            }
        }
        return List.copyOf(events);
    }

    Optional<InstanceInfo> getInstance(Db db, String instanceId) throws SQLException {
        PreparedStatement ps = db.bind(Sql.SELECT_INSTANCE, instanceId);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(codec.decode(InstanceRow.read(rs))) : Optional.empty();
        }
    }

    /** Filters become SQL conditions with bind parameters; paging is by the key (created_at, id). */
    InstancePage listInstances(Db db, InstanceQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(InstanceRow.COLUMNS).append(" FROM instances WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (!query.statuses().isEmpty()) {
            sql.append(" AND status IN (");
            for (RuntimeStatus status : query.statuses().stream().sorted().toList()) {
                sql.append(params.isEmpty() ? "?" : ", ?");
                params.add(status.name());
            }
            sql.append(')');
        }
        if (query.namePrefix() != null) {
            sql.append(" AND instr(name, ?) = 1"); // the first occurrence is at the start: name starts with it
            params.add(query.namePrefix());
        }
        if (query.createdFrom() != null) {
            sql.append(" AND created_at >= ?");
            params.add(ceilMillis(query.createdFrom()));
        }
        if (query.createdTo() != null) {
            sql.append(" AND created_at < ?");
            params.add(ceilMillis(query.createdTo()));
        }
        if (query.continuationToken() != null) {
            ContinuationToken after = ContinuationToken.decode(query.continuationToken());
            sql.append(" AND (created_at > ? OR (created_at = ? AND id > ?))");
            params.add(after.createdAt());
            params.add(after.createdAt());
            params.add(after.instanceId());
        }
        sql.append(" ORDER BY created_at, id LIMIT ?");
        params.add(query.pageSize() + 1);

        List<InstanceInfo> page = new ArrayList<>();
        boolean more = false;
        PreparedStatement ps = db.bind(sql.toString(), params.toArray());
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (page.size() == query.pageSize()) {
                    more = true;
                    break;
                }
                page.add(codec.decode(InstanceRow.read(rs)));
            }
        }
        String next = null;
        if (more) {
            InstanceInfo last = page.getLast();
            next = new ContinuationToken(last.createdAt().toEpochMilli(), last.instanceId()).encode();
        }
        return new InstancePage(List.copyOf(page), next);
    }

    /** The three counts from one snapshot. */
    QueueDepths queueDepths(Db db) throws SQLException {
        long now = db.now();
        db.exec("BEGIN");
        try {
            long visible = db.queryLong(Sql.COUNT_VISIBLE_MESSAGES, 0, now);
            long delayed = db.queryLong(Sql.COUNT_DELAYED_MESSAGES, 0, now);
            long workItems = db.queryLong(Sql.COUNT_WORK_ITEMS, 0);
            return new QueueDepths(visible, delayed, workItems);
        } finally {
            db.exec("COMMIT");
        }
    }

    /** Epoch milliseconds of {@code t}, rounded up, so that comparing stored millis with it is exact. */
    static long ceilMillis(Instant t) {
        long millis = t.toEpochMilli();
        return t.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }
}
