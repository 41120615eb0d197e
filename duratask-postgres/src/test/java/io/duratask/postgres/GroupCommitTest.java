package io.duratask.postgres;

import io.duratask.testkit.conformance.SpiFixtures;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.InstanceExistsException;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.ProviderException;
import io.duratask.spi.TurnCommit;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Several operations in one group-commit transaction: a refused one (a lost lock, an existing id) and one
 * that breaks a constraint (an SQL error, which aborts the transaction) fail alone; the others commit.
 */
class GroupCommitTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @Test
    void aRefusalAndAnSqlErrorInOneBatchFailAloneAndTheRestCommits() throws Exception {
        String schema = PgServer.freshSchema();
        PostgresOptions options = PgServer.get().options(schema).commitConnections(1).build();
        try (PostgresProvider provider = PostgresProvider.open(options);
             Connection blocker = PgServer.get().connect();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            provider.createInstance(start("good", "Greet"));
            provider.createInstance(start("broken", "Greet"));
            provider.createInstance(start("stale", "Greet"));
            provider.createInstance(start("exists", "Greet"));
            Map<String, OrchestrationItem> items = new ConcurrentHashMap<>();
            for (int i = 0; i < 3; i++) {
                OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
                items.put(item.instanceId(), item);
            }
            // "stale" holds a token nobody has any more
            OrchestrationItem staleCopy = staleCopy(items.get("stale"));

            Future<?> first = holdNextBatch(provider, blocker, schema, threads);

            List<Future<String>> outcomes = new ArrayList<>();
            outcomes.add(threads.submit(() -> outcome(() -> provider.commitOrchestrationItem(items.get("good"),
                    SpiFixtures.appendAndSchedule(items.get("good"), "Act")))));
            outcomes.add(threads.submit(() -> outcome(() -> provider.commitOrchestrationItem(items.get("broken"),
                    duplicateEventIds(items.get("broken"))))));
            outcomes.add(threads.submit(() -> outcome(() -> provider.commitOrchestrationItem(staleCopy,
                    SpiFixtures.appendOnly(staleCopy)))));
            outcomes.add(threads.submit(() -> outcome(() -> provider.createInstance(start("exists", "Again")))));
            outcomes.add(threads.submit(() -> outcome(() -> provider.createInstance(start("fresh", "Greet")))));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> provider.batcher().queued() == 5);
            long fallbacksBefore = provider.batcherStats().fallbacks();
            blocker.commit(); // the first batch goes on; the five queued ones form the next batch
            first.get();

            assertThat(outcomes.get(0).get()).isEqualTo("ok");
            assertThat(outcomes.get(1).get()).startsWith("ProviderException").contains("commitOrchestrationItem");
            assertThat(outcomes.get(2).get()).startsWith("LockLostException");
            assertThat(outcomes.get(3).get()).startsWith("InstanceExistsException");
            assertThat(outcomes.get(4).get()).isEqualTo("ok");
            assertThat(provider.batcherStats().fallbacks()).isEqualTo(fallbacksBefore + 1);

            assertThat(provider.readHistory("good", 0)).hasSize(2);
            assertThat(provider.readHistory("broken", 0)).isEmpty();
            assertThat(provider.getInstance("exists").orElseThrow().name()).isEqualTo("Greet");
            assertThat(provider.getInstance("fresh")).isPresent();
            assertThat(provider.queueDepths().workItems()).isEqualTo(1);
            // the broken turn's lock is still held: a correct commit under it succeeds
            provider.commitOrchestrationItem(items.get("broken"), SpiFixtures.appendOnly(items.get("broken")));
            assertThat(provider.readHistory("broken", 0)).hasSize(1);
        }
    }

    @Test
    void turnsAndStepsOfOneBatchRunAsOneStatementEachWithTheOutcomesTheirOwnStatementsWouldHave() throws Exception {
        String schema = PgServer.freshSchema();
        PostgresOptions options = PgServer.get().options(schema).commitConnections(1).build();
        try (PostgresProvider provider = PostgresProvider.open(options);
             Connection blocker = PgServer.get().connect();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : List.of("t1", "t2", "t3", "s1", "s2")) {
                provider.createInstance(start(id, "Greet"));
            }
            Map<String, OrchestrationItem> items = new ConcurrentHashMap<>();
            for (int i = 0; i < 5; i++) {
                OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
                items.put(item.instanceId(), item);
            }
            // s1 and s2 each wait for one activity, leased to us; s2 then gets an event, so it is not idle
            Map<String, io.duratask.spi.WorkItemLease> leases = new ConcurrentHashMap<>();
            for (String id : List.of("s1", "s2")) {
                leases.put(id, provider.commitOrchestrationItemAndLease(items.get(id),
                        SpiFixtures.appendAndSchedule(items.get(id), "Act"), 1, LOCK).leases().getFirst());
            }
            provider.enqueue(SpiFixtures.event("s2", "go", "1"));
            OrchestrationItem t3 = items.get("t3");
            OrchestrationItem staleT3 = staleCopy(t3);

            Future<?> first = holdNextBatch(provider, blocker, schema, threads);

            List<Future<String>> outcomes = new ArrayList<>();
            outcomes.add(threads.submit(() -> outcome(() -> provider.commitOrchestrationItem(items.get("t1"),
                    SpiFixtures.appendAndSchedule(items.get("t1"), "Act")))));
            outcomes.add(threads.submit(() -> outcome(() -> provider.commitOrchestrationItem(items.get("t2"),
                    SpiFixtures.appendOnly(items.get("t2"))))));
            outcomes.add(threads.submit(() -> outcome(() -> provider.commitOrchestrationItem(staleT3,
                    SpiFixtures.appendOnly(staleT3)))));
            List<Future<Optional<io.duratask.spi.CommitOutcome>>> steps = new ArrayList<>();
            for (String id : List.of("s1", "s2")) {
                steps.add(threads.submit(() -> step(provider, leases.get(id), 2)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> provider.batcher().queued() == 5);
            CommitBatcher.Stats before = provider.batcherStats();
            blocker.commit(); // the first batch goes on; the five queued ones form the next batch
            first.get();

            assertThat(outcomes.get(0).get()).isEqualTo("ok");
            assertThat(outcomes.get(1).get()).isEqualTo("ok");
            assertThat(outcomes.get(2).get()).startsWith("LockLostException").contains("'t3'");
            assertThat(steps.get(0).get()).as("s1 was idle: its turn is committed").isPresent();
            assertThat(steps.get(1).get()).as("s2 has an event: only the completion is stored").isEmpty();
            CommitBatcher.Stats after = provider.batcherStats();
            assertThat(after.combined() - before.combined()).isEqualTo(5);
            assertThat(after.fallbacks()).isEqualTo(before.fallbacks());

            assertThat(provider.readHistory("t1", 0)).hasSize(2);
            assertThat(provider.readHistory("t2", 0)).hasSize(1);
            assertThat(provider.readHistory("t3", 0)).isEmpty();
            assertThat(provider.readHistory("s1", 0)).hasSize(3);
            assertThat(provider.readHistory("s2", 0)).hasSize(2);
            assertThat(provider.queueDepths().workItems()).as("t1's activity").isEqualTo(1);
            // s2's event and completion are queued for it; t3's lock still holds its start message
            provider.commitOrchestrationItem(t3, SpiFixtures.appendOnly(t3));
            OrchestrationItem s2 = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            assertThat(s2.instanceId()).isEqualTo("s2");
            assertThat(s2.messages()).hasSize(2);
            assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        }
    }

    /**
     * Holds the only commit connection in its next batch: a creation whose insert waits for an uncommitted
     * row of {@code blocker}. Returns once that batch runs; operations submitted now queue up behind it and
     * form the next batch when {@code blocker} commits.
     */
    private static Future<?> holdNextBatch(PostgresProvider provider, Connection blocker, String schema,
                                           ExecutorService threads) throws Exception {
        long batches = provider.batcherStats().batches();
        blocker.setAutoCommit(false);
        try (Statement st = blocker.createStatement()) {
            st.execute("INSERT INTO \"" + schema + "\".instances (id, execution_id, status, created_at, updated_at)"
                    + " VALUES ('blocker', 1, 'PENDING', 0, 0)");
        }
        Future<?> held = threads.submit(() -> {
            assertThatThrownBy(() -> provider.createInstance(start("blocker", "Greet")))
                    .isInstanceOf(InstanceExistsException.class);
            return null;
        });
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> provider.batcher().queued() == 0
                && provider.batcherStats().batches() > batches);
        return held;
    }

    /** {@code item} with a lock token nobody has. */
    private static OrchestrationItem staleCopy(OrchestrationItem item) {
        return new OrchestrationItem(item.instanceId(), item.instance(), item.executionId(), item.historySize(),
                item.messages(), item.maxDequeueCount(), "someone-else", item.receipt());
    }

    /** The eager step of {@code lease}'s activity, for an instance at {@code historySize}. */
    private static Optional<io.duratask.spi.CommitOutcome> step(PostgresProvider provider,
                                                               io.duratask.spi.WorkItemLease lease, long historySize) {
        io.duratask.spi.ActivityWorkItem w = lease.item();
        io.duratask.spi.OrchestratorMessage done = io.duratask.spi.OrchestratorMessage.of(w.instanceId(),
                w.executionId(), new HistoryEvent.ActivityCompleted(0, SpiFixtures.T0, w.scheduledId(), "\"r\""));
        OrchestrationItem asIfLocked = new OrchestrationItem(w.instanceId(), null, w.executionId(), historySize,
                List.of(done), 1, null, null);
        return provider.completeWorkItemAndCommit(lease, done, historySize, SpiFixtures.appendOnly(asIfLocked), 0, LOCK);
    }

    private static String outcome(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (LockLostException | InstanceExistsException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (ProviderException e) {
            return "ProviderException: " + e.getMessage();
        }
    }

    /** A commit that appends two events with the same id: the history's primary key rejects it. */
    private static TurnCommit duplicateEventIds(OrchestrationItem item) {
        HistoryEvent started = item.messages().getFirst().event().at(1, SpiFixtures.T0);
        HistoryEvent duplicate = new HistoryEvent.Terminated(1, SpiFixtures.T0, "same event id");
        InstanceUpdate update = new InstanceUpdate("Greet", "1.0", 1, RuntimeStatus.RUNNING, null, null, null, null);
        return new TurnCommit(1, List.of(started, duplicate), List.of(), List.of(), update);
    }
}
