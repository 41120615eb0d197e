package io.duratask.postgres;

import io.duratask.spi.LockLostException;
import io.duratask.spi.ProviderException;
import io.duratask.spi.WorkItemLease;
import io.duratask.spi.sql.SqlCodec.EncodedMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activity completions that arrive together are stored by one statement ({@link Sql#completeWorkItems}) in
 * one transaction on a queue connection ({@code synchronous_commit = off}, see
 * {@link PostgresOptions#syncActivityCompletions()}): one round trip, one statement and one commit record
 * for the lot, instead of one each.
 *
 * <p>Leader and follower, as in {@link CommitBatcher}: a caller queues its completion and tries to lead (one
 * of {@code leaders} permits); a leader takes everything queued (up to {@code maxBatchSize}), runs it and
 * publishes each outcome; a follower parks until its outcome is published.
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

    private static final class Completion {
        final WorkItemLease lease;
        final WorkQueue.Receipt receipt;
        final EncodedMessage message;
        final Thread waiter = Thread.currentThread();
        boolean sent;
        RuntimeException error;
        volatile boolean done;

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
    private final ConcurrentLinkedQueue<Completion> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore leaders;
    private final AtomicLong completions = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile Runnable beforeLeading = () -> { };

    CompletionBatcher(Pools pools, Sql sql, WorkQueue workItems, Clock clock, int maxBatchSize, int leaders) {
        this.pools = pools;
        this.sql = sql;
        this.workItems = workItems;
        this.clock = clock;
        this.maxBatchSize = maxBatchSize;
        this.leaders = new Semaphore(leaders);
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
        queue.add(completion);
        beforeLeading.run();
        boolean interrupted = false;
        try {
            while (!completion.done) {
                if (leaders.tryAcquire()) {
                    try {
                        interrupted |= Thread.interrupted();
                        while (!completion.done && runBatch()) {
                            interrupted |= Thread.interrupted();
                        }
                    } finally {
                        leaders.release();
                        Completion next = queue.peek();
                        if (next != null) {
                            LockSupport.unpark(next.waiter);
                        }
                    }
                    if (!completion.done) {
                        // another leader took our completion into the statement it is running: wait for it
                        LockSupport.park(this);
                        interrupted |= Thread.interrupted();
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
        RuntimeException e = completion.error;
        if (e != null && e.getClass() == ProviderException.class) {
            ProviderException failure = (ProviderException) e;
            throw new ProviderException(failure.getMessage(), failure.isRetryable(), failure); // this caller's stack
        }
        if (e != null) {
            throw e;
        }
        return completion.sent;
    }

    Stats stats() {
        return new Stats(completions.get(), batches.get(), fallbacks.get());
    }

    /** Test hook: runs on the caller's thread after it queued its work and before it tries to lead. */
    void beforeLeading(Runnable hook) {
        beforeLeading = hook;
    }

    /** Completions waiting for a batch (for tests). */
    int queued() {
        return queue.size();
    }

    private boolean runBatch() {
        List<Completion> batch = new ArrayList<>();
        for (Completion c; batch.size() < maxBatchSize && (c = queue.poll()) != null; ) {
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
                x.error = new LockLostException("work item " + WorkQueue.describe(x.lease) + ": the lease "
                        + x.lease.lockToken() + " expired and another worker took the item, or it was completed"
                        + " already; the completion was not stored");
            } else if (!found[i]) {
                log.warn("dropped a {} message from activity {} to instance '{}', which does not exist",
                        x.message.kind(), WorkQueue.describe(x.lease), x.message.instanceId());
            }
            x.sent = completed[i] && found[i];
            publish(x);
        }
    }

    private void runOneByOne(Connection c, List<Completion> batch) {
        for (Completion x : batch) {
            try {
                x.sent = workItems.complete(c, x.lease, x.receipt, x.message);
            } catch (SQLException e) {
                x.error = PgErrors.translate("completeWorkItem", pools.target(), e);
            } catch (RuntimeException e) {
                x.error = e;
            }
            publish(x);
        }
    }

    private static void fail(List<Completion> batch, ProviderException failure) {
        for (Completion x : batch) {
            if (!x.done) {
                x.error = failure;
                publish(x);
            }
        }
    }

    private static void publish(Completion x) {
        x.done = true;
        if (x.waiter != Thread.currentThread()) {
            LockSupport.unpark(x.waiter);
        }
    }
}
