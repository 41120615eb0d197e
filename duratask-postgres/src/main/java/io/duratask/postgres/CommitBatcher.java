package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import io.duratask.spi.batch.Coalescer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the operations that must be durable when they return: turn commits, instance creation,
 * enqueues and restarts. Several waiting operations share one transaction, so they share one round trip for
 * {@code COMMIT} and one WAL flush.
 *
 * <p><b>Leader and followers</b> ({@link Coalescer}, up to {@code commitConnections} leaders at a time): a
 * leader takes everything queued (up to {@code maxBatchSize}, oldest first), runs it in one transaction on
 * a pooled connection and publishes every outcome.
 *
 * <p><b>One failing operation does not fail the others.</b> Every operation is one statement that either
 * applies entirely or does nothing, and reports an expected refusal (a lost lock, an existing id) in its
 * result, not as an SQL error: such an operation fails alone and the transaction commits the rest. An
 * unexpected SQL error aborts the transaction; the batch is then rolled back and every operation of it is
 * run again in a transaction of its own, so that only the operation at fault fails. If the connection is
 * lost before {@code COMMIT}, nothing was applied and every operation fails as retryable; if it is lost
 * during {@code COMMIT}, the outcome is unknown, and every operation fails as retryable saying so (a turn
 * commit retried after it did apply finds its lock gone and is redone from history, which is safe).
 *
 * <p><b>Operations run together.</b> Operations submitted with a {@code combinable} description (eager
 * steps) are handed, when a batch has two or more of them, to the {@link Combiner}, which runs them in one
 * statement instead of one each: one round trip and one executor start for all of them. Each still gets its
 * own outcome. If that statement fails, the batch falls back to one operation per transaction as above.
 */
final class CommitBatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommitBatcher.class);

    /** Counters for diagnostics and tests: {@code combined} counts operations handed to the combiner. */
    record Stats(long batches, long operations, long fallbacks, long combined) {}

    /** Runs several combinable operations of one batch together, recording each one's outcome. */
    @FunctionalInterface
    interface Combiner {
        /**
         * Runs every operation of {@code group} (each carries a {@code combinable} description) inside the
         * batch's transaction and {@linkplain Pending#record records} each one's outcome, or throws an
         * {@link SQLException}, which aborts the transaction.
         */
        void run(Connection c, List<Pending<?>> group) throws SQLException;
    }

    private final Pools pools;
    private final int maxBatchSize;
    private final Coalescer<Pending<?>> coalescer;
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by closeLock
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong combined = new AtomicLong();
    private final Combiner combiner;

    CommitBatcher(Pools pools, int maxBatchSize, int leaders) {
        this(pools, maxBatchSize, leaders, null);
    }

    CommitBatcher(Pools pools, int maxBatchSize, int leaders, Combiner combiner) {
        this.pools = pools;
        this.maxBatchSize = maxBatchSize;
        this.coalescer = new Coalescer<>(leaders, this::runBatch);
        this.combiner = combiner;
    }

    /** Runs {@code operation} in the next batch and returns its outcome once the batch is committed. */
    <T> T execute(String name, Pending.Operation<T> operation) {
        return execute(name, operation, null);
    }

    /**
     * As {@link #execute(String, Pending.Operation)}; with a {@code combinable} description, the batch's
     * {@link Combiner} may run the operation together with others of its batch instead.
     */
    <T> T execute(String name, Pending.Operation<T> operation, Object combinable) {
        Pending<T> pending = new Pending<>(name, operation, combinable);
        closeLock.readLock().lock();
        try {
            if (closed) {
                throw new ProviderException("the PostgreSQL provider for " + pools.target() + " is closed", false);
            }
            coalescer.add(pending);
        } finally {
            closeLock.readLock().unlock();
        }
        return coalescer.await(pending);
    }

    /** Test hook: runs on the caller's thread after it queued its work and before it tries to lead. */
    void beforeLeading(Runnable hook) {
        coalescer.beforeLeading(hook);
    }

    /** Operations waiting for a batch (for tests). */
    int queued() {
        return coalescer.queued();
    }

    Stats stats() {
        return new Stats(batches.get(), operations.get(), fallbacks.get(), combined.get());
    }

    /** Rejects new operations and runs those already queued. Idempotent. */
    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        coalescer.drain(); // nothing is added any more
    }

    /** Runs the oldest queued operations as one batch; false if the queue was empty. */
    private boolean runBatch() {
        List<Pending<?>> batch = new ArrayList<>(Math.min(maxBatchSize, 16));
        for (Pending<?> p; batch.size() < maxBatchSize && (p = coalescer.poll()) != null; ) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return false;
        }
        batches.incrementAndGet();
        operations.addAndGet(batch.size());
        try {
            runTogether(batch);
        } catch (RuntimeException | Error e) {
            log.error("group commit on {} failed unexpectedly", pools.target(), e);
            failAll(batch, new ProviderException("PostgreSQL commit failed on " + pools.target() + ": " + e, true, e));
        }
        return true;
    }

    private void runTogether(List<Pending<?>> batch) {
        Connection c;
        try {
            c = pools.commitConnection();
        } catch (SQLException e) {
            failAll(batch, PgErrors.translate("commit of " + batch.size() + " operations (no connection)",
                    pools.target(), e));
            return;
        }
        if (batch.size() == 1) {
            runAlone(c, batch.getFirst());
            return;
        }
        try (c) {
            try {
                List<Pending<?>> together = combinable(batch);
                if (!together.isEmpty()) {
                    combiner.run(c, together);
                }
                for (Pending<?> p : batch) {
                    if (together.isEmpty() || p.combinable == null) {
                        p.run(c);
                    }
                }
                combined.addAndGet(together.size());
            } catch (SQLException e) {
                rollbackQuietly(c);
                if (PgErrors.isConnectionLost(e)) {
                    failAll(batch, PgErrors.translate("commit of " + batch.size() + " operations (nothing of them"
                            + " was applied)", pools.target(), e));
                    return;
                }
                if (batch.size() > 1) {
                    fallbacks.incrementAndGet();
                    log.debug("group commit of {} operations failed ({}); running them one by one", batch.size(),
                            e.getMessage());
                    runOneByOne(c, batch);
                } else {
                    failAll(batch, PgErrors.translate(batch.getFirst().name, pools.target(), e));
                }
                return;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                String what = PgErrors.isConnectionLost(e)
                        ? " (the connection was lost during COMMIT: the outcome is unknown)"
                        : " (nothing of them was applied)";
                failAll(batch, PgErrors.translate("commit of " + batch.size() + " operations" + what, pools.target(), e));
                return;
            }
            batch.forEach(Pending::publish);
        } catch (SQLException e) {
            log.debug("closing a commit connection failed: {}", e.getMessage());
        }
    }

    /**
     * A batch of one runs in auto-commit: its statement is its transaction, and the {@code COMMIT} (with its
     * WAL flush) happens in the same round trip instead of one more. The statement applies entirely or not at
     * all, as in a batch; a connection lost before the reply leaves the outcome unknown, as one lost during
     * {@code COMMIT} does.
     */
    private void runAlone(Connection c, Pending<?> p) {
        try (c) {
            boolean autoCommit = false;
            try {
                c.setAutoCommit(true);
                autoCommit = true;
                p.run(c);
            } catch (SQLException e) {
                String what = PgErrors.isConnectionLost(e)
                        ? " (the connection was lost: the outcome is unknown)" : "";
                p.fail(PgErrors.translate(p.name + what, pools.target(), e));
            } finally {
                if (autoCommit) {
                    try {
                        c.setAutoCommit(false);
                    } catch (SQLException e) {
                        log.debug("cannot turn auto-commit off again: {}", e.getMessage());
                    }
                }
            }
            p.publish();
        } catch (SQLException e) {
            log.debug("closing a commit connection failed: {}", e.getMessage());
            if (!p.isDone()) {
                p.fail(PgErrors.translate(p.name, pools.target(), e));
                p.publish();
            }
        }
    }

    /** The operations of {@code batch} for the combiner: none unless it has one and there are two or more. */
    private List<Pending<?>> combinable(List<Pending<?>> batch) {
        if (combiner == null) {
            return List.of();
        }
        List<Pending<?>> together = new ArrayList<>();
        for (Pending<?> p : batch) {
            if (p.combinable != null) {
                together.add(p);
            }
        }
        return together.size() > 1 ? together : List.of();
    }

    /** After a failed batch: every operation in a transaction of its own, each publishing its own outcome. */
    private void runOneByOne(Connection c, List<Pending<?>> batch) {
        for (Pending<?> p : batch) {
            try {
                p.run(c);
                c.commit();
            } catch (SQLException e) {
                rollbackQuietly(c);
                p.fail(PgErrors.translate(p.name, pools.target(), e));
            }
            p.publish();
        }
    }

    private static void failAll(List<Pending<?>> batch, ProviderException failure) {
        for (Pending<?> p : batch) {
            if (!p.isDone()) {
                p.fail(failure);
                p.publish();
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the server rolled the transaction back
        }
    }
}
