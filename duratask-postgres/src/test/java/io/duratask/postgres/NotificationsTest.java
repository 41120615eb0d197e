package io.duratask.postgres;

import io.duratask.testkit.conformance.SpiFixtures;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.spi.WorkListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Wake-ups between providers through LISTEN/NOTIFY. */
class NotificationsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Counts what a provider reports. */
    static final class Counting implements WorkListener {
        final AtomicInteger messages = new AtomicInteger();
        final AtomicInteger workItems = new AtomicInteger();

        @Override
        public void orchestrationWork(int count) {
            messages.addAndGet(count);
        }

        @Override
        public void activityWork(int count) {
            workItems.addAndGet(count);
        }
    }

    @Test
    void anotherProvidersEnqueueIsReportedAndOwnEnqueuesAreNot() {
        String schema = PgServer.freshSchema();
        try (PostgresProvider a = PostgresProvider.open(PgServer.get().options(schema).build());
             PostgresProvider b = PostgresProvider.open(PgServer.get().options(schema).build());
             PostgresProvider c = PostgresProvider.open(PgServer.get().options(schema).build())) {
            Counting heardByA = new Counting();
            Counting heardByC = new Counting();
            a.addWorkListener(heardByA);
            c.addWorkListener(heardByC);
            awaitListening(schema, 2);

            a.createInstance(start("from-a", "Greet"));
            b.createInstance(start("from-b", "Greet"));

            Awaitility.await().atMost(WAIT).until(() -> heardByC.messages.get() == 2);
            Awaitility.await().atMost(WAIT).until(() -> heardByA.messages.get() == 1);
            Awaitility.await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> heardByA.messages.get() == 1);
            assertThat(heardByA.workItems.get()).isZero();
        }
    }

    @Test
    void aTurnThatSchedulesActivitiesIsReportedAsWorkItems() {
        String schema = PgServer.freshSchema();
        try (PostgresProvider a = PostgresProvider.open(PgServer.get().options(schema).build());
             PostgresProvider b = PostgresProvider.open(PgServer.get().options(schema).build())) {
            Counting heard = new Counting();
            a.addWorkListener(heard);
            awaitListening(schema, 1);
            b.createInstance(start("i1", "Greet"));
            var item = b.fetchOrchestrationItem(Duration.ofSeconds(30)).orElseThrow();
            b.commitOrchestrationItem(item, SpiFixtures.appendAndSchedule(item, "Act"));
            Awaitility.await().atMost(WAIT).until(() -> heard.workItems.get() == 1);
        }
    }

    @Test
    void theListenerReconnectsAfterItsConnectionIsKilled() throws Exception {
        String schema = PgServer.freshSchema();
        try (PostgresProvider a = PostgresProvider.open(PgServer.get().options(schema).applicationName("dt-listen-" + schema).build());
             PostgresProvider b = PostgresProvider.open(PgServer.get().options(schema).build())) {
            Counting heard = new Counting();
            a.addWorkListener(heard);
            awaitListening(schema, 1);
            try (Connection admin = PgServer.get().connect();
                 PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                         + " WHERE application_name = ? AND query LIKE 'LISTEN%'")) {
                kill.setString(1, "dt-listen-" + schema);
                try (ResultSet rs = kill.executeQuery()) {
                    assertThat(rs.next()).as("the listening connection").isTrue();
                }
            }
            // after reconnecting the listener reports once (it may have missed notifications), then listens again
            Awaitility.await().atMost(WAIT).until(() -> heard.messages.get() >= 1);
            awaitListening(schema, 1);
            int before = heard.messages.get();
            b.createInstance(start("after-reconnect", "Greet"));
            Awaitility.await().atMost(WAIT).until(() -> heard.messages.get() == before + 1);
        }
    }

    /**
     * A runtime that never polls (idle poll interval one hour) runs an instance that another process
     * started: only the notification can have woken it.
     */
    @Test
    void aRuntimeThatNeverPollsRunsWorkStartedElsewhere() {
        String schema = PgServer.freshSchema();
        Registry registry = Registry.builder()
                .activity("Twice", Integer.class, (actx, x) -> 2 * x)
                .orchestration("Double", Integer.class, (ctx, x) -> ctx.scheduleActivity("Twice", x, Integer.class).await())
                .build();
        RuntimeOptions neverPoll = RuntimeOptions.builder().idlePollInterval(Duration.ofHours(1)).build();
        try (DurableRuntime worker = DurableRuntime.start(PostgresProvider.open(PgServer.get().options(schema).build()),
                registry, neverPoll);
             PostgresProvider elsewhere = PostgresProvider.open(PgServer.get().options(schema).build())) {
            awaitListening(schema, 1);
            DurableClient client = DurableClient.of(elsewhere);
            client.startOrchestration("remote", "Double", 21);
            OrchestrationStatus status = client.waitForCompletion("remote", WAIT);
            assertThat(status.output(Integer.class)).isEqualTo(42);
            assertThat(worker.client().getStatus("remote").orElseThrow().isCompleted()).isTrue();
        }
    }

    /** Waits until {@code n} connections listen on the schema's channel. */
    static void awaitListening(String schema, int n) {
        Awaitility.await().atMost(WAIT).until(() -> {
            try (Connection admin = PgServer.get().connect();
                 PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE query = ?")) {
                ps.setString(1, "LISTEN \"" + Notifications.channelOf(schema) + "\"");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) >= n;
                }
            }
        });
    }
}
