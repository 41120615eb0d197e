package io.duratask.postgres;

import io.duratask.testkit.conformance.SpiFixtures;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.DurableRuntime;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.ProviderException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lost connections and a restarting server: the provider reconnects, turns are retried, nothing is lost. */
class FaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int CHAIN = 5;

    @TempDir
    Path dir;

    private static Registry chains(AtomicInteger runs) {
        return Registry.builder()
                .activity("Step", Integer.class, (actx, x) -> {
                    runs.incrementAndGet();
                    Thread.sleep(5);
                    return x + 1;
                })
                .orchestration("Chain", Integer.class, (ctx, x) -> {
                    int v = x;
                    for (int i = 0; i < CHAIN; i++) {
                        v = ctx.scheduleActivity("Step", v, Integer.class).await();
                    }
                    return v;
                })
                .build();
    }

    /** Short leases and retries, so that a turn caught by a fault is redone within the test's time. */
    private static RuntimeOptions options() {
        return RuntimeOptions.builder().lockTimeout(Duration.ofSeconds(3)).idlePollInterval(Duration.ofMillis(100)).build();
    }

    @Test
    void terminatingEveryConnectionUnderLoadLosesNothing() throws Exception {
        String app = "dt-faults-" + ProcessHandle.current().pid();
        AtomicInteger runs = new AtomicInteger();
        int instances = 60;
        try (DurableRuntime runtime = DurableRuntime.start(
                PostgresProvider.open(PgServer.get().options().applicationName(app).build()), chains(runs), options())) {
            DurableClient client = runtime.client();
            for (int i = 0; i < instances; i++) {
                client.startOrchestration("c" + i, "Chain", i * 100);
            }
            int killed = 0;
            for (int round = 0; round < 4; round++) {
                Awaitility.await().atMost(WAIT).until(() -> runs.get() > 0);
                killed += terminateBackends(app);
                Thread.sleep(300);
            }
            assertThat(killed).as("connections terminated").isPositive();
            for (int i = 0; i < instances; i++) {
                assertCompletedOnce(client, "c" + i, i * 100 + CHAIN);
            }
        }
    }

    @Test
    void aConnectionKilledInTheMiddleOfACommitFailsRetryablyAndAppliesNothing() throws Exception {
        String app = "dt-midcommit-" + ProcessHandle.current().pid();
        String schema = PgServer.freshSchema();
        try (PostgresProvider provider = PostgresProvider.open(PgServer.get().options(schema).applicationName(app).build());
             Connection blocker = PgServer.get().connect()) {
            provider.createInstance(start("i1", "Greet"));
            OrchestrationItem item = provider.fetchOrchestrationItem(Duration.ofSeconds(60)).orElseThrow();

            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) { // the commit's lock check will wait for this row lock
                st.execute("SELECT 1 FROM \"" + schema + "\".instances WHERE id = 'i1' FOR UPDATE");
            }
            CompletableFuture<Void> commit = CompletableFuture.runAsync(
                    () -> provider.commitOrchestrationItem(item, SpiFixtures.appendAndSchedule(item, "Act")));
            Awaitility.await().atMost(WAIT).until(() -> waitingBackends(app) == 1);
            assertThat(terminateWaitingBackends(app)).as("the committing backend").isEqualTo(1);

            assertThatThrownBy(commit::join).cause()
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.isRetryable()).isTrue())
                    // a lone commit runs in auto-commit (its COMMIT rides with the statement), so a client that
                    // loses the connection cannot tell whether it committed; here it had not
                    .hasMessageContaining("the outcome is unknown");
            blocker.rollback();
            assertThat(provider.readHistory("i1", 0)).isEmpty();
            assertThat(provider.queueDepths().workItems()).isZero();

            provider.commitOrchestrationItem(item, SpiFixtures.appendAndSchedule(item, "Act")); // the retry succeeds
            assertThat(provider.readHistory("i1", 0)).hasSize(2);
            assertThat(provider.queueDepths().workItems()).isEqualTo(1);
        }
    }

    @Test
    void theDatabaseRestartingUnderLoadLosesNothing() throws Exception {
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres pg = PgServer.startEmbedded(EmbeddedPostgres.builder().setDataDirectory(data)
                .setCleanDataDirectory(false));
        int port = pg.getPort();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        AtomicInteger runs = new AtomicInteger();
        int instances = 40;
        PostgresOptions providerOptions = PostgresOptions.builder(url).username("postgres").schema("restart")
                .connectTimeout(Duration.ofSeconds(2)).build();
        try (DurableRuntime runtime = DurableRuntime.start(PostgresProvider.open(providerOptions), chains(runs), options())) {
            DurableClient client = runtime.client();
            for (int i = 0; i < instances; i++) {
                client.startOrchestration("r" + i, "Chain", i * 100);
            }
            Awaitility.await().atMost(WAIT).until(() -> runs.get() >= 20);
            pg.close(); // stops the server; the data directory stays
            Thread.sleep(1000);
            pg = PgServer.startEmbedded(EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                    .setPort(port));
            for (int i = 0; i < instances; i++) {
                assertCompletedOnce(client, "r" + i, i * 100 + CHAIN);
            }
        } finally {
            pg.close();
        }
    }

    /** Completed with the right output, and every scheduled activity completed exactly once in history. */
    static void assertCompletedOnce(DurableClient client, String id, int expected) {
        OrchestrationStatus status = client.waitForCompletion(id, WAIT);
        assertThat(status.isCompleted()).as("%s: %s", id, status).isTrue();
        assertThat(status.output(Integer.class)).as(id).isEqualTo(expected);
        List<HistoryEvent> history = client.getHistory(id);
        Set<Long> completed = new HashSet<>();
        long scheduled = 0;
        for (HistoryEvent e : history) {
            if (e instanceof HistoryEvent.ActivityScheduled) {
                scheduled++;
            }
            if (e instanceof HistoryEvent.ActivityCompleted c) {
                assertThat(completed.add(c.scheduledId())).as("%s: scheduled id %d completed twice", id, c.scheduledId())
                        .isTrue();
            }
        }
        assertThat(completed).hasSize((int) scheduled);
    }

    private static int terminateBackends(String app) throws Exception {
        try (Connection admin = PgServer.get().connect();
             PreparedStatement ps = admin.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE application_name = ?")) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Terminates the backends of {@code app} that wait for a lock: the one running the commit. */
    private static int terminateWaitingBackends(String app) throws Exception {
        try (Connection admin = PgServer.get().connect();
             PreparedStatement ps = admin.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int waitingBackends(String app) throws Exception {
        try (Connection admin = PgServer.get().connect();
             PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
