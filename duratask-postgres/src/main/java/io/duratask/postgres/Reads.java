package io.duratask.postgres;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.sql.ContinuationToken;
import io.duratask.spi.sql.InstanceRow;
import io.duratask.spi.sql.SqlCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads that take no lock. Each is one statement, so it reads one snapshot. */
final class Reads {
    private final Sql sql;
    private final SqlCodec codec;
    private final Clock clock;

    Reads(Sql sql, SqlCodec codec, Clock clock) {
        this.sql = sql;
        this.codec = codec;
        this.clock = clock;
    }

    List<HistoryEvent> readHistory(Connection c, String instanceId, long executionId) throws SQLException {
        List<String> jsons = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.readHistory)) {
            Jdbc.bind(ps, instanceId, executionId, instanceId, executionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jsons.add(rs.getString(1));
                }
            }
        }
        List<HistoryEvent> events = new ArrayList<>(jsons.size());
        for (String json : jsons) {
            events.add(codec.decodeEvent(json));
        }
        return List.copyOf(events);
    }

    /** Filters become SQL conditions with bind parameters; paging is by the key (created_at, id). */
    InstancePage listInstances(Connection c, InstanceQuery query) throws SQLException {
        StringBuilder text = new StringBuilder(sql.listInstancesPrefix);
        List<Object> params = new ArrayList<>();
        if (!query.statuses().isEmpty()) {
            text.append(" AND status = ANY(?::text[])");
            params.add(Jdbc.texts(c, query.statuses().stream().map(RuntimeStatus::name).sorted().toArray(String[]::new)));
        }
        if (query.namePrefix() != null) {
            text.append(" AND starts_with(name, ?)");
            params.add(query.namePrefix());
        }
        if (query.createdFrom() != null) {
            text.append(" AND created_at >= ?");
            params.add(ceilMillis(query.createdFrom()));
        }
        if (query.createdTo() != null) {
            text.append(" AND created_at < ?");
            params.add(ceilMillis(query.createdTo()));
        }
        if (query.continuationToken() != null) {
            ContinuationToken after = ContinuationToken.decode(query.continuationToken());
            text.append(" AND (created_at, id) > (?, ?)");
            params.add(after.createdAt());
            params.add(after.instanceId());
        }
        text.append(" ORDER BY created_at, id LIMIT ?");
        params.add(query.pageSize() + 1);

        List<InstanceInfo> page = new ArrayList<>();
        boolean more = false;
        try (PreparedStatement ps = c.prepareStatement(text.toString())) {
            Jdbc.bind(ps, params.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (page.size() == query.pageSize()) {
                        more = true;
                        break;
                    }
                    page.add(codec.decode(InstanceRow.read(rs)));
                }
            }
        }
        String next = null;
        if (more) {
            InstanceInfo last = page.getLast();
            next = new ContinuationToken(last.createdAt().toEpochMilli(), last.instanceId()).encode();
        }
        return new InstancePage(List.copyOf(page), next);
    }

    QueueDepths queueDepths(Connection c) throws SQLException {
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(sql.queueDepths)) {
            Jdbc.bind(ps, now, now);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new QueueDepths(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    /** Epoch milliseconds of {@code t}, rounded up, so that comparing stored millis with it is exact. */
    static long ceilMillis(Instant t) {
        long millis = t.toEpochMilli();
        return t.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }
}
