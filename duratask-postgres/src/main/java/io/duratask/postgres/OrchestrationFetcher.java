package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import io.duratask.spi.batch.Coalescer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Orchestration fetches that arrive together share one statement ({@link Sql#fetchOrchestrationItems}): it
 * locks up to as many instances as there are fetchers waiting and hands one to each. Under load a runtime's
 * orchestration workers all fetch at once; one at a time, each of their statements would walk the same oldest
 * messages and skip the instances the others just locked, and each costs a round trip of its own.
 *
 * <p>Leader and followers ({@link Coalescer}, one leader at a time): the leader takes the queued fetches
 * with its lease time (up to {@code maxBatchSize}), runs the statement (again for those left over while
 * statements find instances or race with commits, up to five times) and publishes each caller's item or
 * empty.
 */
final class OrchestrationFetcher {
    private static final int MAX_ATTEMPTS = 5;

    /** Counters for tests: fetches, and the statements that served them. */
    record Stats(long fetches, long statements) {}

    private static final class Fetch extends Coalescer.Request<OrchestrationQueue.Fetched> {
        final Duration lockTimeout;

        Fetch(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }
    }

    private final Pools pools;
    private final OrchestrationQueue queue;
    private final Supplier<String> tokens;
    private final int maxBatchSize;
    private final Coalescer<Fetch> coalescer = new Coalescer<>(1, this::runBatch);
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
        coalescer.add(fetch);
        return Optional.ofNullable(coalescer.await(fetch));
    }

    Stats stats() {
        return new Stats(fetches.get(), statements.get());
    }

    private boolean runBatch() {
        Fetch first = coalescer.poll();
        if (first == null) {
            return false;
        }
        List<Fetch> batch = new ArrayList<>();
        batch.add(first);
        List<Fetch> other = new ArrayList<>();
        for (Fetch f; batch.size() < maxBatchSize && (f = coalescer.poll()) != null; ) {
            (f.lockTimeout.equals(first.lockTimeout) ? batch : other).add(f);
        }
        coalescer.requeue(other); // another lease time: a batch of its own, next
        int served = 0;
        RuntimeException failure = null;
        try (Connection c = pools.queueConnection()) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS && served < batch.size(); attempt++) {
                statements.incrementAndGet();
                OrchestrationQueue.FetchedMany got = queue.fetchMany(c, first.lockTimeout, tokens.get(),
                        batch.size() - served);
                for (OrchestrationQueue.Fetched item : got.items()) {
                    batch.get(served++).succeed(item);
                }
                if (got.items().isEmpty() && got.raced() == 0) {
                    break; // nothing more to take now
                }
                // else some fetchers are left: candidates raced with a commit, or several of the oldest
                // messages belonged to one instance; look again
            }
        } catch (SQLException e) {
            failure = PgErrors.translate("fetchOrchestrationItem", pools.target(), e);
        } catch (RuntimeException e) {
            failure = new ProviderException("fetchOrchestrationItem failed on " + pools.target() + ": " + e, true, e);
        }
        for (int i = 0; i < batch.size(); i++) {
            if (i >= served && failure != null) {
                batch.get(i).fail(failure); // those served have their instance locked: they keep it
            }
            batch.get(i).publish();
        }
        return true;
    }
}
