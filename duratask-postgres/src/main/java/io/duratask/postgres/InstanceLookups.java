package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import io.duratask.spi.sql.InstanceRow;
import io.duratask.spi.batch.Coalescer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Instance lookups by id, coalesced: concurrent {@code getInstance} calls share one {@code id = ANY(...)}
 * query. Clients waiting for completions poll their instances (many waiters, a few lookups per second
 * each); without coalescing every poll is a round trip and a statement of its own, and those crowd out the
 * work the clients wait for.
 *
 * <p>Leader and followers ({@link Coalescer}, one leader at a time): the leader takes every queued lookup
 * (up to {@code maxBatchSize}), runs one query and publishes each row. A lookup is only ever answered
 * by a query that started after it was queued, so a lookup sees every write that committed before it was
 * called (read your own writes).
 */
final class InstanceLookups {

    /** Counters for tests: how many lookups, and how many queries answered them. */
    record Stats(long lookups, long queries) {}

    private static final class Lookup extends Coalescer.Request<InstanceRow> {
        final String id;

        Lookup(String id) {
            this.id = id;
        }
    }

    private final Pools pools;
    private final String statement;
    private final int maxBatchSize;
    private final Coalescer<Lookup> coalescer = new Coalescer<>(1, this::runBatch);
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong queries = new AtomicLong();

    InstanceLookups(Pools pools, Sql sql, int maxBatchSize) {
        this.pools = pools;
        this.statement = sql.selectInstances;
        this.maxBatchSize = maxBatchSize;
    }

    /** The instance's row, empty if there is none. */
    Optional<InstanceRow> get(String instanceId) {
        Lookup lookup = new Lookup(instanceId);
        lookups.incrementAndGet();
        coalescer.add(lookup);
        return Optional.ofNullable(coalescer.await(lookup));
    }

    Stats stats() {
        return new Stats(lookups.get(), queries.get());
    }

    /** Answers the oldest queued lookups with one query; false if the queue was empty. */
    private boolean runBatch() {
        List<Lookup> batch = new ArrayList<>();
        for (Lookup l; batch.size() < maxBatchSize && (l = coalescer.poll()) != null; ) {
            batch.add(l);
        }
        if (batch.isEmpty()) {
            return false;
        }
        queries.incrementAndGet();
        Map<String, InstanceRow> rows = new HashMap<>();
        RuntimeException failure = null;
        try (Connection c = pools.queueConnection();
             PreparedStatement ps = c.prepareStatement(statement)) {
            String[] ids = new String[batch.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = batch.get(i).id;
            }
            ps.setArray(1, Jdbc.texts(c, ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    InstanceRow row = InstanceRow.read(rs);
                    rows.put(row.id(), row);
                }
            }
        } catch (SQLException e) {
            failure = PgErrors.translate("getInstance", pools.target(), e);
        } catch (RuntimeException e) {
            failure = new ProviderException("getInstance failed on " + pools.target() + ": " + e, true, e);
        }
        for (Lookup l : batch) {
            if (failure != null) {
                l.fail(failure);
            } else {
                l.succeed(rows.get(l.id));
            }
            l.publish();
        }
        return true;
    }
}
