package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Orchestration fetches that arrive together share one statement ({@link Sql#fetchOrchestrationItems}): it
 * locks up to as many instances as there are fetchers waiting and hands one to each. Under load a runtime's
 * orchestration workers all fetch at once; one at a time, each of their statements would walk the same oldest
 * messages and skip the instances the others just locked, and each costs a round trip of its own.
 *
 * <p>Leader and follower, as in {@link CommitBatcher}: a caller queues its fetch and tries to lead (one at a
 * time); the leader takes the queued fetches with its lease time (up to {@code maxBatchSize}), runs the
 * statement (again for those left over while statements find instances or race with commits, up to five
 * times) and
 * publishes each caller's item or empty; a follower parks until its outcome is published.
 */
final class OrchestrationFetcher {
    private static final int MAX_ATTEMPTS = 5;

    /** Counters for tests: fetches, and the statements that served them. */
    record Stats(long fetches, long statements) {}

    private static final class Fetch {
        final Duration lockTimeout;
        final Thread waiter = Thread.currentThread();
        OrchestrationQueue.Fetched item;
        RuntimeException error;
        volatile boolean done;

        Fetch(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }
    }

    private final Pools pools;
    private final OrchestrationQueue queue;
    private final Supplier<String> tokens;
    private final int maxBatchSize;
    private final ConcurrentLinkedQueue<Fetch> waiting = new ConcurrentLinkedQueue<>();
    private final Semaphore leader = new Semaphore(1);
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    OrchestrationFetcher(Pools pools, OrchestrationQueue queue, Supplier<String> tokens, int maxBatchSize) {
        this.pools = pools;
        this.queue = queue;
        this.tokens = tokens;
        this.maxBatchSize = maxBatchSize;
    }

    /** One locked instance with its messages, or empty if there is none. */
    Optional<OrchestrationQueue.Fetched> fetch(Duration lockTimeout) {
        Fetch fetch = new Fetch(lockTimeout);
        fetches.incrementAndGet();
        waiting.add(fetch);
        boolean interrupted = false;
        try {
            while (!fetch.done) {
                if (leader.tryAcquire()) {
                    try {
                        interrupted |= Thread.interrupted();
                        while (!fetch.done && runBatch()) {
                            interrupted |= Thread.interrupted();
                        }
                    } finally {
                        leader.release();
                        Fetch next = waiting.peek();
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
        RuntimeException e = fetch.error;
        if (e != null && e.getClass() == ProviderException.class) {
            ProviderException failure = (ProviderException) e;
            throw new ProviderException(failure.getMessage(), failure.isRetryable(), failure); // this caller's stack
        }
        if (e != null) {
            throw e;
        }
        return Optional.ofNullable(fetch.item);
    }

    Stats stats() {
        return new Stats(fetches.get(), statements.get());
    }

    private boolean runBatch() {
        Fetch first = waiting.poll();
        if (first == null) {
            return false;
        }
        List<Fetch> batch = new ArrayList<>();
        batch.add(first);
        List<Fetch> other = new ArrayList<>();
        for (Fetch f; batch.size() < maxBatchSize && (f = waiting.poll()) != null; ) {
            (f.lockTimeout.equals(first.lockTimeout) ? batch : other).add(f);
        }
        waiting.addAll(other); // another lease time: a batch of its own, next
        try (Connection c = pools.queueConnection()) {
            int served = 0;
            for (int attempt = 0; attempt < MAX_ATTEMPTS && served < batch.size(); attempt++) {
                statements.incrementAndGet();
                OrchestrationQueue.FetchedMany got = queue.fetchMany(c, first.lockTimeout, tokens.get(),
                        batch.size() - served);
                for (OrchestrationQueue.Fetched item : got.items()) {
                    batch.get(served++).item = item;
                }
                if (got.items().isEmpty() && got.raced() == 0) {
                    break; // nothing more to take now
                }
                // else some fetchers are left: candidates raced with a commit, or several of the oldest
                // messages belonged to one instance; look again
            }
        } catch (SQLException e) {
            ProviderException failure = PgErrors.translate("fetchOrchestrationItem", pools.target(), e);
            for (Fetch f : batch) {
                if (f.item == null) {
                    f.error = failure;
                }
            }
        } catch (RuntimeException e) {
            for (Fetch f : batch) {
                if (f.item == null) {
                    f.error = new ProviderException("fetchOrchestrationItem failed on " + pools.target() + ": " + e,
                            true, e);
                }
            }
        }
        for (Fetch f : batch) {
            f.done = true;
            if (f.waiter != Thread.currentThread()) {
                LockSupport.unpark(f.waiter);
            }
        }
        return true;
    }
}
