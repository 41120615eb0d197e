package io.duratask.postgres;

import static io.duratask.testkit.conformance.SpiFixtures.completion;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.ProviderException;
import io.duratask.spi.WorkItemLease;
import io.duratask.testkit.conformance.SpiFixtures;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Activity completions that arrive together are stored by one statement, and each caller gets its own
 * outcome: a lost lease, an instance that is gone, a second completion of the same lease, and an SQL error
 * fail (or drop) only their own completion.
 */
class CompletionBatchTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @Test
    void completionsThatArriveTogetherShareOneStatementAndEachGetsItsOwnOutcome() throws Exception {
        String schema = PgServer.freshSchema();
        // one leader at a time, so that everything queued behind the held completion forms one batch
        try (PostgresProvider provider = PostgresProvider.open(PgServer.get().options(schema).commitConnections(1).build());
             Connection blocker = PgServer.get().connect();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, WorkItemLease> leases = leases(provider, "held", "a", "b", "stale", "twice", "orphan");
            WorkItemLease held = leases.get("held");
            hold(blocker, schema, held);
            Future<String> first = threads.submit(() -> outcome(() -> provider.completeWorkItem(held, done(held))));
            Awaitility.await().until(() -> provider.completionStats().batches() == 1
                    && provider.completionBatcher().queued() == 0);

            WorkItemLease stale = leases.get("stale");
            WorkItemLease staleCopy = new WorkItemLease(stale.item(), "someone-else", 1, stale.receipt());
            WorkItemLease orphan = leases.get("orphan");
            OrchestratorMessage toNobody = OrchestratorMessage.of("nobody", 1,
                    new ActivityCompleted(0, SpiFixtures.T0, orphan.item().scheduledId(), "1"));
            List<Future<String>> outcomes = new ArrayList<>();
            outcomes.add(submit(threads, () -> outcome(() -> provider.completeWorkItem(leases.get("a"), done(leases.get("a"))))));
            outcomes.add(submit(threads, () -> outcome(() -> provider.completeWorkItem(leases.get("b"), done(leases.get("b"))))));
            outcomes.add(submit(threads, () -> outcome(() -> provider.completeWorkItem(staleCopy, done(stale)))));
            outcomes.add(submit(threads, () -> outcome(() -> provider.completeWorkItem(orphan, toNobody))));
            outcomes.add(submit(threads, () -> outcome(() -> provider.completeWorkItem(leases.get("twice"), done(leases.get("twice"))))));
            outcomes.add(submit(threads, () -> outcome(() -> provider.completeWorkItem(leases.get("twice"), done(leases.get("twice"))))));
            Awaitility.await().until(() -> provider.completionBatcher().queued() == 6);
            blocker.rollback();

            assertThat(first.get()).isEqualTo("ok");
            assertThat(outcomes.get(0).get()).isEqualTo("ok");
            assertThat(outcomes.get(1).get()).isEqualTo("ok");
            assertThat(outcomes.get(2).get()).startsWith("LockLostException");
            assertThat(outcomes.get(3).get()).as("the instance does not exist: dropped, not failed").isEqualTo("ok");
            List<String> twice = List.of(outcomes.get(4).get(), outcomes.get(5).get());
            assertThat(twice).as("one completion of a lease counts, the second finds it completed")
                    .filteredOn("ok"::equals).hasSize(1);
            assertThat(twice).filteredOn(o -> o.startsWith("LockLostException")).hasSize(1);
            assertThat(provider.completionStats().batches()).as("the six queued completions in one statement").isEqualTo(2);
            assertThat(provider.completionStats().fallbacks()).isZero();

            // every stored completion is delivered once; the stale one's work item is still there
            assertThat(completedInstances(provider)).containsExactlyInAnyOrder("held", "a", "b", "twice");
            assertThat(provider.queueDepths().workItems()).isEqualTo(1);
            provider.completeWorkItem(stale, done(stale));
            assertThat(completedInstances(provider)).containsExactly("stale");
        }
    }

    @Test
    void anSqlErrorInABatchFailsOnlyItsOwnCompletion() throws Exception {
        String schema = PgServer.freshSchema();
        try (PostgresProvider provider = PostgresProvider.open(PgServer.get().options(schema).commitConnections(1).build());
             Connection blocker = PgServer.get().connect();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, WorkItemLease> leases = leases(provider, "held", "a", "poison", "b");
            try (Statement st = blocker.createStatement()) {
                st.execute("CREATE FUNCTION \"" + schema + "\".poison() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN IF NEW.instance_id = 'poison' THEN RAISE EXCEPTION 'poisoned message'; END IF;"
                        + " RETURN NEW; END $$");
                st.execute("CREATE TRIGGER poison BEFORE INSERT ON \"" + schema + "\".messages"
                        + " FOR EACH ROW EXECUTE FUNCTION \"" + schema + "\".poison()");
            }
            WorkItemLease held = leases.get("held");
            hold(blocker, schema, held);
            Future<String> first = threads.submit(() -> outcome(() -> provider.completeWorkItem(held, done(held))));
            Awaitility.await().until(() -> provider.completionStats().batches() == 1
                    && provider.completionBatcher().queued() == 0);
            List<Future<String>> outcomes = new ArrayList<>();
            for (String id : List.of("a", "poison", "b")) {
                outcomes.add(submit(threads, () -> outcome(() -> provider.completeWorkItem(leases.get(id), done(leases.get(id))))));
            }
            Awaitility.await().until(() -> provider.completionBatcher().queued() == 3);
            blocker.rollback();

            assertThat(first.get()).isEqualTo("ok");
            assertThat(outcomes.get(0).get()).isEqualTo("ok");
            assertThat(outcomes.get(1).get()).startsWith("ProviderException").contains("poisoned message");
            assertThat(outcomes.get(2).get()).isEqualTo("ok");
            assertThat(provider.completionStats().fallbacks()).isEqualTo(1);
            assertThat(completedInstances(provider)).containsExactlyInAnyOrder("held", "a", "b");
            assertThat(provider.queueDepths().workItems()).as("the poisoned completion stored nothing").isEqualTo(1);
        }
    }

    /** One instance per id, each with one leased work item. */
    private static Map<String, WorkItemLease> leases(PostgresProvider provider, String... ids) {
        for (String id : ids) {
            provider.createInstance(start(id, "Work"));
            OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
            provider.commitOrchestrationItem(item, SpiFixtures.appendAndSchedule(item, "Act"));
        }
        Map<String, WorkItemLease> leases = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            WorkItemLease lease = provider.fetchWorkItem(LOCK).orElseThrow();
            leases.put(lease.item().instanceId(), lease);
        }
        return leases;
    }

    /** Locks the lease's work item row in an open transaction: a completion of it waits until the rollback. */
    private static void hold(Connection blocker, String schema, WorkItemLease lease) throws Exception {
        blocker.setAutoCommit(false);
        try (Statement st = blocker.createStatement()) {
            st.execute("SELECT 1 FROM \"" + schema + "\".work_items WHERE id = "
                    + ((WorkQueue.Receipt) lease.receipt()).rowId() + " FOR UPDATE");
        }
    }

    private static OrchestratorMessage done(WorkItemLease lease) {
        return completion(lease.item().instanceId(), lease.item().scheduledId(), "\"done\"");
    }

    /** Fetches (and commits) every instance that has a completion waiting; returns their ids. */
    private static List<String> completedInstances(PostgresProvider provider) {
        List<String> ids = new ArrayList<>();
        for (OrchestrationItem item; (item = provider.fetchOrchestrationItem(LOCK).orElse(null)) != null; ) {
            assertThat(item.messages()).singleElement().extracting(OrchestratorMessage::event)
                    .isInstanceOf(ActivityCompleted.class);
            ids.add(item.instanceId());
            provider.commitOrchestrationItem(item, SpiFixtures.appendOnly(item));
        }
        return ids;
    }

    private static Future<String> submit(ExecutorService threads, Callable<String> task) {
        return threads.submit(task);
    }

    private static String outcome(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (LockLostException e) {
            return "LockLostException: " + e.getMessage();
        } catch (ProviderException e) {
            return "ProviderException: " + e.getMessage();
        }
    }
}
