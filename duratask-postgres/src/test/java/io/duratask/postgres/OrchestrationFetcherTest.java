package io.duratask.postgres;

import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.spi.OrchestrationItem;
import io.duratask.testkit.conformance.SpiFixtures;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Orchestration fetches that arrive together share one statement; each gets an instance of its own, locked
 * for it alone, and the locks work like those of single fetches.
 */
class OrchestrationFetcherTest {
    private static final Duration LOCK = Duration.ofSeconds(30);

    @Test
    void concurrentFetchesShareAStatementAndEachGetsAnInstanceOfItsOwn() throws Exception {
        String schema = PgServer.freshSchema();
        try (PostgresProvider provider = PostgresProvider.open(PgServer.get().options(schema).build());
             Connection blocker = PgServer.get().connect();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 30; i++) {
                provider.createInstance(start("i" + i, "Work"));
            }
            OrchestrationFetcher.Stats before = provider.fetchStats();

            // hold the first fetch's statement so that the others queue up behind it
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE \"" + schema + "\".messages IN ACCESS EXCLUSIVE MODE");
            }
            List<Future<Optional<OrchestrationItem>>> fetches = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                fetches.add(threads.submit(() -> provider.fetchOrchestrationItem(LOCK)));
            }
            Awaitility.await().until(() -> provider.fetchStats().fetches() - before.fetches() == 20);
            blocker.rollback();

            Set<String> ids = new HashSet<>();
            List<OrchestrationItem> items = new ArrayList<>();
            for (Future<Optional<OrchestrationItem>> f : fetches) {
                OrchestrationItem item = f.get().orElseThrow();
                assertThat(item.messages()).hasSize(1);
                assertThat(item.maxDequeueCount()).isEqualTo(1);
                items.add(item);
                ids.add(item.instanceId());
            }
            assertThat(ids).as("20 fetches, 20 different instances").hasSize(20);
            assertThat(provider.fetchStats().statements() - before.statements())
                    .as("one statement held by the lock, one for those queued meanwhile").isLessThanOrEqualTo(2);

            // each lock is its own: every item commits, and the 10 other instances are still there to fetch
            for (OrchestrationItem item : items) {
                provider.commitOrchestrationItem(item, SpiFixtures.appendOnly(item));
            }
            for (int i = 0; i < 10; i++) {
                OrchestrationItem item = provider.fetchOrchestrationItem(LOCK).orElseThrow();
                assertThat(ids.add(item.instanceId())).as(item.instanceId() + " fetched once").isTrue();
            }
            assertThat(provider.fetchOrchestrationItem(LOCK)).isEmpty();
        }
    }
    @Test
    void fetchersLeftOverBecauseTheOldestMessagesBelongToOneInstanceGetTheNextInstances() throws Exception {
        String schema = PgServer.freshSchema();
        try (PostgresProvider provider = PostgresProvider.open(PgServer.get().options(schema).build());
             Connection blocker = PgServer.get().connect();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            provider.createInstance(start("first", "Work"));
            provider.createInstance(start("busy", "Work"));
            for (int i = 0; i < 5; i++) {
                provider.enqueue(SpiFixtures.event("busy", "e" + i, "1"));
            }
            for (int i = 0; i < 3; i++) {
                provider.createInstance(start("later" + i, "Work"));
            }
            OrchestrationFetcher.Stats before = provider.fetchStats();
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE \"" + schema + "\".messages IN ACCESS EXCLUSIVE MODE");
            }
            Future<Optional<OrchestrationItem>> held = threads.submit(() -> provider.fetchOrchestrationItem(LOCK));
            Awaitility.await().until(() -> provider.fetchStats().statements() - before.statements() == 1);
            List<Future<Optional<OrchestrationItem>>> fetches = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fetches.add(threads.submit(() -> provider.fetchOrchestrationItem(LOCK)));
            }
            Awaitility.await().until(() -> provider.fetchStats().fetches() - before.fetches() == 5);
            blocker.rollback();

            assertThat(held.get().orElseThrow().instanceId()).isEqualTo("first");
            Set<String> ids = new HashSet<>();
            for (Future<Optional<OrchestrationItem>> f : fetches) {
                OrchestrationItem item = f.get().orElseThrow();
                ids.add(item.instanceId());
                if (item.instanceId().equals("busy")) {
                    assertThat(item.messages()).hasSize(6);
                }
            }
            assertThat(ids).containsExactlyInAnyOrder("busy", "later0", "later1", "later2");
        }
    }
}
