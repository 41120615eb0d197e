package io.duratask.postgres;

import static io.duratask.testkit.conformance.SpiFixtures.T0;
import static io.duratask.testkit.conformance.SpiFixtures.appendOnly;
import static io.duratask.testkit.conformance.SpiFixtures.event;
import static io.duratask.testkit.conformance.SpiFixtures.running;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.CommitOutcome;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.QueueDepths;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The eager step's idle check under concurrency, with two providers on one schema (two worker processes): a
 * step racing with enqueues and fetches on the same instance, or with another step, never loses or duplicates
 * a message, and never commits a turn next to another one at the same history size.
 */
class EagerStepRaceTest {
    private static final Duration LOCK = Duration.ofMinutes(5);
    private static final long GIVE_UP_NANOS = Duration.ofMinutes(2).toNanos();

    @Test
    void aStepRacingWithEnqueuesAndFetchesNeverLosesOrDuplicatesAMessage() throws Exception {
        String schema = PgServer.freshSchema();
        int instances = 120;
        try (PostgresProvider a = PostgresProvider.open(PgServer.get().options(schema).build());
             PostgresProvider b = PostgresProvider.open(PgServer.get().options(schema).build());
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, List<WorkItemLease>> leases = startWithLeasedActivities(a, instances, 1);

            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean racing = new AtomicBoolean(true);
            AtomicInteger stepped = new AtomicInteger();
            AtomicInteger oddStepped = new AtomicInteger();
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                String id = "i" + i;
                boolean raced = i % 2 == 0;
                WorkItemLease lease = leases.get(id).getFirst();
                tasks.add(threads.submit(() -> {
                    go.await();
                    if (step(a, lease, 2).isPresent()) {
                        stepped.incrementAndGet();
                        if (!raced) {
                            oddStepped.incrementAndGet();
                        }
                    }
                    return null;
                }));
                if (raced) {
                    tasks.add(threads.submit(() -> {
                        go.await();
                        b.enqueue(event(id, "go", "1"));
                        return null;
                    }));
                }
            }
            List<Future<?>> fetchers = new ArrayList<>();
            for (int f = 0; f < 4; f++) {
                PostgresProvider provider = f % 2 == 0 ? a : b;
                fetchers.add(threads.submit(() -> {
                    go.await();
                    while (racing.get()) {
                        provider.fetchOrchestrationItem(LOCK)
                                .ifPresent(item -> provider.commitOrchestrationItem(item, appendOnly(item)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> t : tasks) {
                t.get();
            }
            racing.set(false);
            for (Future<?> f : fetchers) {
                f.get();
            }
            drain(a);

            assertThat(oddStepped.get()).as("instances that nothing raced with are idle: every step commits")
                    .isEqualTo(instances / 2);
            for (int i = 0; i < instances; i++) {
                List<HistoryEvent> history = a.readHistory("i" + i, 0);
                assertThat(history).as("history of i%d", i).extracting(HistoryEvent::eventId)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
                List<Class<? extends HistoryEvent>> expected = new ArrayList<>(List.of(OrchestrationStarted.class,
                        ActivityScheduled.class, ActivityCompleted.class));
                if (i % 2 == 0) {
                    expected.add(EventRaised.class);
                }
                assertThat(history).as("history of i%d: each message exactly once", i)
                        .extracting(HistoryEvent::getClass).containsExactlyInAnyOrderElementsOf(expected);
            }
            assertThat(a.queueDepths()).isEqualTo(new QueueDepths(0, 0, 0));
            assertThat(stepped.get()).isBetween(instances / 2, instances);
        }
    }

    @Test
    void twoStepsOnOneInstanceAtOnceCommitExactlyOneTurn() throws Exception {
        String schema = PgServer.freshSchema();
        int instances = 40;
        try (PostgresProvider a = PostgresProvider.open(PgServer.get().options(schema).build());
             PostgresProvider b = PostgresProvider.open(PgServer.get().options(schema).build());
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, List<WorkItemLease>> leases = startWithLeasedActivities(a, instances, 2);

            CountDownLatch go = new CountDownLatch(1);
            Map<String, AtomicInteger> committed = new ConcurrentHashMap<>();
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                String id = "i" + i;
                committed.put(id, new AtomicInteger());
                for (int k = 0; k < 2; k++) {
                    PostgresProvider provider = k == 0 ? a : b;
                    WorkItemLease lease = leases.get(id).get(k);
                    tasks.add(threads.submit(() -> {
                        go.await();
                        if (step(provider, lease, 3).isPresent()) {
                            committed.get(id).incrementAndGet();
                        }
                        return null;
                    }));
                }
            }
            go.countDown();
            for (Future<?> t : tasks) {
                t.get();
            }
            drain(a);

            for (int i = 0; i < instances; i++) {
                String id = "i" + i;
                assertThat(committed.get(id).get()).as("turns committed by the steps of %s", id).isEqualTo(1);
                List<HistoryEvent> history = a.readHistory(id, 0);
                assertThat(history).as("history of %s", id).extracting(HistoryEvent::eventId)
                        .containsExactly(1L, 2L, 3L, 4L, 5L);
                assertThat(history).extracting(HistoryEvent::getClass).containsExactly(OrchestrationStarted.class,
                        ActivityScheduled.class, ActivityScheduled.class, ActivityCompleted.class,
                        ActivityCompleted.class);
            }
            assertThat(a.queueDepths()).isEqualTo(new QueueDepths(0, 0, 0));
        }
    }

    /** Creates i0..i(n-1) and commits a first turn on each that schedules {@code activities}, leased. */
    private static Map<String, List<WorkItemLease>> startWithLeasedActivities(PostgresProvider provider, int n,
                                                                             int activities) {
        for (int i = 0; i < n; i++) {
            provider.createInstance(start("i" + i, "Race"));
        }
        Map<String, List<WorkItemLease>> leases = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        while (leases.size() < n && System.nanoTime() < deadline) {
            Optional<OrchestrationItem> fetched = provider.fetchOrchestrationItem(LOCK);
            if (fetched.isEmpty()) {
                continue;
            }
            OrchestrationItem item = fetched.get();
            List<HistoryEvent> events = new ArrayList<>();
            List<ActivityWorkItem> work = new ArrayList<>();
            long next = item.historySize() + 1;
            for (OrchestratorMessage m : item.messages()) {
                events.add(m.event().at(next++, T0));
            }
            for (int k = 0; k < activities; k++, next++) {
                events.add(new ActivityScheduled(next, T0, "A" + k, "\"x\""));
                work.add(new ActivityWorkItem(item.instanceId(), item.executionId(), next, "A" + k, "\"x\""));
            }
            CommitOutcome outcome = provider.commitOrchestrationItemAndLease(item,
                    new TurnCommit(item.executionId(), events, work, List.of(), running(item)), activities, LOCK);
            leases.put(item.instanceId(), outcome.leases());
        }
        assertThat(leases).hasSize(n);
        return leases;
    }

    /** The step a runtime would take with a cached copy of {@code historySize} events: append the completion. */
    private static Optional<CommitOutcome> step(PostgresProvider provider, WorkItemLease lease, long historySize) {
        ActivityWorkItem w = lease.item();
        OrchestratorMessage done = OrchestratorMessage.of(w.instanceId(), w.executionId(),
                new ActivityCompleted(0, T0, w.scheduledId(), "\"r\""));
        OrchestrationItem asIfLocked = new OrchestrationItem(w.instanceId(), null, w.executionId(), historySize,
                List.of(done), 1, null, null);
        return provider.completeWorkItemAndCommit(lease, done, historySize, appendOnly(asIfLocked), 0, LOCK);
    }

    /** Fetches and commits (appending the messages) until nothing is left to fetch. */
    private static void drain(PostgresProvider provider) {
        for (Optional<OrchestrationItem> item; (item = provider.fetchOrchestrationItem(LOCK)).isPresent(); ) {
            provider.commitOrchestrationItem(item.get(), appendOnly(item.get()));
        }
    }
}
