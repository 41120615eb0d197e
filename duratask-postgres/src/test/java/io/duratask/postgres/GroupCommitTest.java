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
            OrchestrationItem stale = items.get("stale");
            OrchestrationItem staleCopy = new OrchestrationItem(stale.instanceId(), stale.instance(), stale.executionId(),
                    stale.historySize(), stale.messages(), stale.maxDequeueCount(), "someone-else", stale.receipt());

            // hold the only commit connection's first batch: an insert waiting for an uncommitted row of ours
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("INSERT INTO \"" + schema + "\".instances (id, execution_id, status, created_at, updated_at)"
                        + " VALUES ('blocker', 1, 'PENDING', 0, 0)");
            }
            Future<?> first = threads.submit(() -> {
                assertThatThrownBy(() -> provider.createInstance(start("blocker", "Greet")))
                        .isInstanceOf(InstanceExistsException.class);
                return null;
            });
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> provider.batcher().queued() == 0
                    && provider.batcherStats().batches() >= 5);

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
