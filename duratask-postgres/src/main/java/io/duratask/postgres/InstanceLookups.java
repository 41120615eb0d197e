package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import io.duratask.spi.sql.InstanceRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Instance lookups by id, coalesced: concurrent {@code getInstance} calls share one {@code id = ANY(...)}
 * query. Clients waiting for completions poll their instances (many waiters, a few lookups per second
 * each); without coalescing every poll is a round trip and a statement of its own, and those crowd out the
 * work the clients wait for.
 *
 * <p>Leader and follower, as in {@link CommitBatcher}: a caller queues its lookup and tries to become the
 * leader (one at a time); the leader takes every queued lookup (up to {@code maxBatchSize}), runs one
 * query and publishes each row; a follower parks until its row is published. A lookup is only ever answered
 * by a query that started after it was queued, so a lookup sees every write that committed before it was
 * called (read your own writes).
 */
final class InstanceLookups {

    /** Counters for tests: how many lookups, and how many queries answered them. */
    record Stats(long lookups, long queries) {}

    private static final class Lookup {
        final String id;
        final Thread waiter = Thread.currentThread();
        InstanceRow row;
        RuntimeException error;
        volatile boolean done;

        Lookup(String id) {
            this.id = id;
        }
    }

    private final Pools pools;
    private final String statement;
    private final int maxBatchSize;
    private final ConcurrentLinkedQueue<Lookup> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore leader = new Semaphore(1);
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
        queue.add(lookup);
        boolean interrupted = false;
        try {
            while (!lookup.done) {
                if (leader.tryAcquire()) {
                    try {
                        interrupted |= Thread.interrupted();
                        while (!lookup.done && runBatch()) {
                            interrupted |= Thread.interrupted();
                        }
                    } finally {
                        leader.release();
                        Lookup next = queue.peek();
                        if (next != null) {
                            LockSupport.unpark(next.waiter);
                        }
                    }
                } else {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        RuntimeException e = lookup.error;
        if (e instanceof ProviderException failure) {
            // a copy that carries this caller's stack
            throw new ProviderException(failure.getMessage(), failure.isRetryable(), failure);
        }
        if (e != null) {
            throw e;
        }
        return Optional.ofNullable(lookup.row);
    }

    Stats stats() {
        return new Stats(lookups.get(), queries.get());
    }

    /** Answers the oldest queued lookups with one query; false if the queue was empty. */
    private boolean runBatch() {
        List<Lookup> batch = new ArrayList<>();
        for (Lookup l; batch.size() < maxBatchSize && (l = queue.poll()) != null; ) {
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
            l.row = rows.get(l.id);
            l.error = failure;
            l.done = true;
            if (l.waiter != Thread.currentThread()) {
                LockSupport.unpark(l.waiter);
            }
        }
        return true;
    }
}
