package io.duratask.postgres;

import io.duratask.spi.LockLostException;
import io.duratask.spi.ProviderException;
import io.duratask.spi.WorkItemLease;
import io.duratask.spi.sql.SqlCodec.EncodedMessage;
import io.duratask.spi.batch.Coalescer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activity completions that arrive together are stored by one statement ({@link Sql#completeWorkItems}) in
 * one transaction on a queue connection ({@code synchronous_commit = off}, see
 * {@link PostgresOptions#syncActivityCompletions()}): one round trip, one statement and one commit record
 * for the lot, instead of one each.
 *
 * <p>Leader and followers ({@link Coalescer}, up to {@code leaders} at a time): a leader takes everything
 * queued (up to {@code maxBatchSize}), runs it and publishes each outcome.
 *
 * <p><b>One failing completion does not fail the others.</b> A lost lease or an instance that no longer
 * exists is a result of the statement for that completion alone. If the statement fails (an SQL error),
 * nothing of it was applied; a batch of more than one is then stored again one completion per statement
 * ({@link WorkQueue#complete}), so that only a completion at fault fails.
 */
final class CompletionBatcher {
    private static final Logger log = LoggerFactory.getLogger(CompletionBatcher.class);

    /** Counters for tests: completions, and the statements that stored them. */
    record Stats(long completions, long batches, long fallbacks) {}

    private static final class Completion extends Coalescer.Request<Boolean> {
        final WorkItemLease lease;
        final WorkQueue.Receipt receipt;
        final EncodedMessage message;

        Completion(WorkItemLease lease, WorkQueue.Receipt receipt, EncodedMessage message) {
            this.lease = lease;
            this.receipt = receipt;
            this.message = message;
        }
    }

    private final Pools pools;
    private final Sql sql;
    private final WorkQueue workItems;
    private final Clock clock;
    private final int maxBatchSize;
    private final Coalescer<Completion> coalescer;
    private final AtomicLong completions = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();

    CompletionBatcher(Pools pools, Sql sql, WorkQueue workItems, Clock clock, int maxBatchSize, int leaders) {
        this.pools = pools;
        this.sql = sql;
        this.workItems = workItems;
        this.clock = clock;
        this.maxBatchSize = maxBatchSize;
        this.coalescer = new Coalescer<>(leaders, this::runBatch);
    }

    /**
     * Stores the completion (in the next batch); returns whether it was enqueued (false: its instance no
     * longer exists, and it was dropped with a warning).
     *
     * @throws LockLostException if another worker took the item since, or it was completed already
     */
    boolean complete(WorkItemLease lease, WorkQueue.Receipt receipt, EncodedMessage message) {
        Completion completion = new Completion(lease, receipt, message);
        completions.incrementAndGet();
        coalescer.add(completion);
        return coalescer.await(completion);
    }

    Stats stats() {
        return new Stats(completions.get(), batches.get(), fallbacks.get());
    }

    /** Test hook: runs on the caller's thread after it queued its work and before it tries to lead. */
    void beforeLeading(Runnable hook) {
        coalescer.beforeLeading(hook);
    }

    /** Completions waiting for a batch (for tests). */
    int queued() {
        return coalescer.queued();
    }

    private boolean runBatch() {
        List<Completion> batch = new ArrayList<>();
        for (Completion c; batch.size() < maxBatchSize && (c = coalescer.poll()) != null; ) {
            batch.add(c);
        }
        if (batch.isEmpty()) {
            return false;
        }
        batches.incrementAndGet();
        try (Connection c = pools.queueConnection()) {
            try {
                runTogether(c, batch);
            } catch (SQLException e) {
                if (batch.size() == 1 || PgErrors.isConnectionLost(e)) {
                    fail(batch, PgErrors.translate("completeWorkItem (" + batch.size() + " completions, none stored)",
                            pools.target(), e));
                } else {
                    fallbacks.incrementAndGet();
                    log.debug("{} completions in one statement failed ({}); storing them one by one", batch.size(),
                            e.getMessage());
                    runOneByOne(c, batch);
                }
            }
        } catch (SQLException e) {
            fail(batch, PgErrors.translate("completeWorkItem (no connection)", pools.target(), e));
        } catch (RuntimeException e) {
            fail(batch, new ProviderException("completeWorkItem failed on " + pools.target() + ": " + e, true, e));
        }
        return true;
    }

    private void runTogether(Connection c, List<Completion> batch) throws SQLException {
        int n = batch.size();
        long[] workIds = new long[n];
        String[] tokens = new String[n];
        String[] instances = new String[n];
        long[] executions = new long[n];
        long[] visibleAt = new long[n];
        String[] requested = new String[n];
        String[] events = new String[n];
        long now = clock.millis();
        for (int i = 0; i < n; i++) {
            Completion x = batch.get(i);
            workIds[i] = x.receipt.rowId();
            tokens[i] = x.lease.lockToken();
            instances[i] = x.message.instanceId();
            executions[i] = x.message.executionId();
            visibleAt[i] = Jdbc.visibleAt(x.message, now);
            requested[i] = Jdbc.requested(x.message);
            events[i] = x.message.eventJson();
        }
        boolean[] completed = new boolean[n];
        boolean[] found = new boolean[n];
        try (PreparedStatement ps = c.prepareStatement(sql.completeWorkItems)) {
            Jdbc.bind(ps, Jdbc.bigints(c, workIds), Jdbc.texts(c, tokens), Jdbc.texts(c, instances),
                    Jdbc.bigints(c, executions), Jdbc.bigints(c, visibleAt), Jdbc.texts(c, requested),
                    Jdbc.texts(c, events));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = rs.getInt(1) - 1;
                    completed[i] = rs.getBoolean(2);
                    found[i] = rs.getBoolean(3);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            Completion x = batch.get(i);
            if (!completed[i]) {
                x.fail(new LockLostException("work item " + WorkQueue.describe(x.lease) + ": the lease "
                        + x.lease.lockToken() + " expired and another worker took the item, or it was completed"
                        + " already; the completion was not stored"));
            } else {
                if (!found[i]) {
                    log.warn("dropped a {} message from activity {} to instance '{}', which does not exist",
                            x.message.kind(), WorkQueue.describe(x.lease), x.message.instanceId());
                }
                x.succeed(found[i]);
            }
            x.publish();
        }
    }

    private void runOneByOne(Connection c, List<Completion> batch) {
        for (Completion x : batch) {
            try {
                x.succeed(workItems.complete(c, x.lease, x.receipt, x.message));
            } catch (SQLException e) {
                x.fail(PgErrors.translate("completeWorkItem", pools.target(), e));
            } catch (RuntimeException e) {
                x.fail(e);
            }
            x.publish();
        }
    }

    private static void fail(List<Completion> batch, ProviderException failure) {
        for (Completion x : batch) {
            if (!x.isDone()) {
                x.fail(failure);
                x.publish();
            }
        }
    }
}
