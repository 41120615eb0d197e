package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.Provider;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Concurrency for providers that several callers, and several providers, use at once: thousands of
 * concurrent commits all succeed and are all visible; two providers on one store (two processes) never
 * lock one instance at once; reads go on while writes run. Run by a subclass per provider.
 */
public abstract class ConcurrencyTests {
    private static final Duration LOCK = Duration.ofMinutes(5);
    /** Guards against a hang; never reached when the provider works. */
    private static final long GIVE_UP_NANOS = Duration.ofMinutes(2).toNanos();

    /** A fresh, empty store; {@code name} tells tests apart (a file name, say). */
    protected abstract Provider open(String name);

    /** Two providers on one fresh, empty store, as two processes would open it. */
    protected abstract List<Provider> openTwoOnOneStore(String name);

    /**
     * After {@code instances} concurrent creations, turn commits and completions: checks the provider's own
     * counters (that operations shared transactions, say). Nothing by default.
     */
    protected void checkBatching(Provider provider, int instances) {
    }

    @Test
    void manyConcurrentCommitsAllSucceedAndAreAllVisible() throws Exception {
        int instances = 2000;
        try (Provider provider = open("group");
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> creations = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                String id = "i" + i;
                creations.add(threads.submit(() -> provider.createInstance(start(id, "Greet"))));
            }
            for (Future<?> f : creations) {
                f.get();
            }

            AtomicInteger committed = new AtomicInteger();
            runOnAll(threads, 64, () -> {
                for (Optional<OrchestrationItem> item; (item = provider.fetchOrchestrationItem(LOCK)).isPresent(); ) {
                    provider.commitOrchestrationItem(item.get(), SpiFixtures.appendAndSchedule(item.get(), "Act"));
                    committed.incrementAndGet();
                }
            });
            runOnAll(threads, 64, () -> {
                for (Optional<WorkItemLease> lease; (lease = provider.fetchWorkItem(LOCK)).isPresent(); ) {
                    WorkItemLease l = lease.get();
                    provider.completeWorkItem(l, SpiFixtures.completion(l.item().instanceId(), l.item().scheduledId(), "1"));
                }
            });

            assertThat(committed.get()).isEqualTo(instances);
            assertThat(provider.queueDepths()).isEqualTo(new QueueDepths(instances, 0, 0));
            for (int i = 0; i < instances; i++) {
                assertThat(provider.readHistory("i" + i, 0)).as("history of i%d", i).hasSize(2);
            }
            checkBatching(provider, instances);
        }
    }

    /** Runs {@code body} on {@code n} threads at once and waits for all; rethrows the first failure. */
    private static void runOnAll(ExecutorService threads, int n, Runnable body) throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            running.add(threads.submit(body));
        }
        for (Future<?> f : running) {
            f.get();
        }
    }

    @Test
    void twoProvidersOnOneStoreNeverLockTheSameInstanceAtOnce() throws Exception {
        List<Provider> two = openTwoOnOneStore("shared");
        int instances = 40;
        int rounds = 15;
        Set<String> held = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger turns = new AtomicInteger();

        try (Provider a = two.get(0);
             Provider b = two.get(1);
             ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < instances; i++) {
                (i % 2 == 0 ? a : b).createInstance(start("i" + i, "Loop"));
            }
            long deadline = System.nanoTime() + GIVE_UP_NANOS;
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                Provider provider = w % 2 == 0 ? a : b;
                workers.add(threads.submit(() -> {
                    while (finished.get() < instances && System.nanoTime() < deadline) {
                        Optional<OrchestrationItem> fetched = provider.fetchOrchestrationItem(LOCK);
                        if (fetched.isEmpty()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        OrchestrationItem item = fetched.get();
                        if (!held.add(item.instanceId())) {
                            violations.add(item.instanceId());
                        }
                        assertThat(item.messages()).hasSize(1);
                        TurnCommit commit = SpiFixtures.nextLoopRound(item, rounds);
                        held.remove(item.instanceId()); // before the commit releases the lock
                        provider.commitOrchestrationItem(item, commit);
                        turns.incrementAndGet();
                        if (commit.update().status() == RuntimeStatus.COMPLETED) {
                            finished.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }

            assertThat(violations).as("instances locked by two fetchers at once").isEmpty();
            assertThat(finished.get()).isEqualTo(instances);
            assertThat(turns.get()).isEqualTo(instances * rounds);
            for (int i = 0; i < instances; i++) {
                List<HistoryEvent> history = a.readHistory("i" + i, 0);
                assertThat(history).extracting(HistoryEvent::eventId)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, rounds + 1).boxed().toList());
            }
            assertThat(b.queueDepths()).isEqualTo(new QueueDepths(0, 0, 0));
        }
    }

    @Test
    void readsRunWhileWritesRun() throws Exception {
        try (Provider provider = open("reads");
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            IntStream.range(0, 200).forEach(i -> {
                all.add(threads.submit(() -> provider.createInstance(start("i" + i, "Greet"))));
                all.add(threads.submit(() -> provider.listInstances(io.duratask.spi.InstanceQuery.all())));
                all.add(threads.submit(provider::queueDepths));
            });
            for (Future<?> f : all) {
                f.get();
            }
            assertThat(provider.queueDepths().orchestratorVisible()).isEqualTo(200);
        }
    }
}
