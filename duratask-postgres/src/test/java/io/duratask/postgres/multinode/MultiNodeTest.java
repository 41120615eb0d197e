package io.duratask.postgres.multinode;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.postgres.PgServer;
import io.duratask.postgres.PostgresProvider;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Three worker JVMs on one database. The first test kills one worker with SIGKILL mid-run and another
 * later: every instance still completes with the right output, no scheduled activity is completed twice in
 * any history, and the instances and work items the dead workers held are taken over within their lease.
 * The second shows the work spreading across the workers.
 */
class MultiNodeTest {
    private static final Duration LEASE = Duration.ofSeconds(3);
    /** Allowed beyond the lease for a takeover: the survivors' idle poll (200 ms) and a busy 2-core machine. */
    private static final Duration TAKEOVER_SLACK = Duration.ofSeconds(4);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final PgServer server = PgServer.get();

    @Test
    void killingTwoOfThreeWorkersLosesNothingAndTheirWorkIsTakenOverWithinTheLease() throws Exception {
        String schema = PgServer.freshSchema();
        int perKind = 40; // 200 instances, 760 activity runs
        List<WorkerJvm> workers = startWorkers(schema, 3);
        try (PostgresProvider provider = PostgresProvider.open(server.options(schema).build())) {
            DurableClient client = DurableClient.of(provider);
            Map<String, Integer> expected = MixedWorkload.startAll(client, perKind);
            int total = MixedWorkload.activities(perKind);

            awaitActivityRuns(workers, total / 4);
            Takeover first = kill(workers.get(0), schema);
            awaitActivityRuns(workers, total / 2);
            Takeover second = kill(workers.get(1), schema);

            for (Map.Entry<String, Integer> e : expected.entrySet()) {
                OrchestrationStatus status = client.waitForCompletion(e.getKey(), WAIT);
                assertThat(status.isCompleted()).as("%s: %s", e.getKey(), status).isTrue();
                assertThat(status.output(Integer.class)).as(e.getKey()).isEqualTo(e.getValue());
                assertEachScheduledIdCompletedOnce(client, e.getKey());
            }
            for (Takeover t : List.of(first, second)) {
                assertThat(t.heldAtKill()).as("locks %s held when it was killed", t.worker()).isPositive();
                long takenOverAt = t.takenOverAt().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                Duration late = Duration.ofMillis(Math.max(0, takenOverAt - t.lastLeaseEnd()));
                System.out.printf("%s held %d locks when killed; all taken over %d ms after the last lease ran out%n",
                        t.worker(), t.heldAtKill(), late.toMillis());
                assertThat(late).as("takeover of %s's %d locks after their lease ran out", t.worker(), t.heldAtKill())
                        .isLessThanOrEqualTo(TAKEOVER_SLACK);
            }
            assertThat(workers.get(2).runs()).as("the survivor ran work").isNotEmpty();
        } finally {
            closeAll(workers);
        }
    }

    @Test
    void workSpreadsAcrossTheWorkers() throws Exception {
        String schema = PgServer.freshSchema();
        int perKind = 20;
        List<WorkerJvm> workers = startWorkers(schema, 3);
        try (PostgresProvider provider = PostgresProvider.open(server.options(schema).build())) {
            DurableClient client = DurableClient.of(provider);
            Map<String, Integer> expected = MixedWorkload.startAll(client, perKind);
            for (Map.Entry<String, Integer> e : expected.entrySet()) {
                assertThat(client.waitForCompletion(e.getKey(), WAIT).output(Integer.class)).as(e.getKey())
                        .isEqualTo(e.getValue());
            }
            int total = MixedWorkload.activities(perKind);
            Map<String, Integer> share = new HashMap<>();
            int runs = 0;
            for (WorkerJvm w : workers) {
                int n = w.runs().values().stream().mapToInt(Integer::intValue).sum();
                share.put(w.name, n);
                runs += n;
            }
            System.out.printf("activity runs per worker: %s (%d activities)%n", share, total);
            assertThat(runs).as("activity runs (at least once each)").isGreaterThanOrEqualTo(total);
            for (WorkerJvm w : workers) {
                assertThat(share.get(w.name)).as("share of %s in %s", w.name, share).isGreaterThanOrEqualTo(total / 10);
            }
        } finally {
            closeAll(workers);
        }
    }

    private List<WorkerJvm> startWorkers(String schema, int n) throws java.io.IOException {
        PostgresProvider.open(server.options(schema).build()).close(); // create the schema once
        // the workers' logs go under target/ (kept for inspection), not a temporary directory others may clean
        Path dir = java.nio.file.Files.createDirectories(Path.of("target", "multinode", schema));
        List<WorkerJvm> workers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            workers.add(WorkerJvm.start("worker-" + i, dir, server.jdbcUrl(), server.user(), schema, LEASE));
        }
        for (WorkerJvm w : workers) {
            w.awaitReady(Duration.ofSeconds(60));
        }
        return workers;
    }

    private static void closeAll(List<WorkerJvm> workers) throws InterruptedException {
        for (WorkerJvm w : workers) {
            w.close();
        }
    }

    private static void awaitActivityRuns(List<WorkerJvm> workers, int n) {
        Awaitility.await("at least " + n + " activity runs").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> workers.stream().mapToInt(w -> w.runs().size()).sum() >= n);
    }

    /**
     * What a killed worker held: its locks, when the last of them runs out, and (completed by a watcher) when no
     * row held a lock of it any more.
     */
    record Takeover(String worker, int heldAtKill, long lastLeaseEnd, java.util.concurrent.CompletableFuture<Long> takenOverAt) {}

    private Takeover kill(WorkerJvm worker, String schema) throws Exception {
        worker.kill();
        try (Connection c = server.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(max(locked_until), 0) FROM ("
                     + " SELECT locked_until FROM \"" + schema + "\".instances WHERE lock_token LIKE ?"
                     + " UNION ALL SELECT locked_until FROM \"" + schema + "\".work_items WHERE lock_token LIKE ?) held")) {
            ps.setString(1, worker.nodeId() + "-%");
            ps.setString(2, worker.nodeId() + "-%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Takeover(worker.name, rs.getInt(1), rs.getLong(2), java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> awaitTakeover(worker.nodeId(), schema)));
            }
        }
    }

    /**
     * Waits until no row holds a lock of the dead worker any more (another worker took each over, or its work
     * finished); returns when that was seen, in epoch milliseconds.
     */
    private long awaitTakeover(String nodeId, String schema) {
        long[] seen = new long[1];
        Awaitility.await("takeover of " + nodeId + "'s locks").atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Connection c = server.connect();
                 PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM \"" + schema + "\".instances"
                         + " WHERE lock_token LIKE ?) + (SELECT count(*) FROM \"" + schema + "\".work_items"
                         + " WHERE lock_token LIKE ?)")) {
                ps.setString(1, nodeId + "-%");
                ps.setString(2, nodeId + "-%");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seen[0] = System.currentTimeMillis();
                    return rs.getLong(1) == 0;
                }
            }
        });
        return seen[0];
    }

    private static void assertEachScheduledIdCompletedOnce(DurableClient client, String id) {
        Set<Long> scheduled = new HashSet<>();
        Set<Long> completed = new HashSet<>();
        for (HistoryEvent e : client.getHistory(id)) {
            if (e instanceof HistoryEvent.ActivityScheduled || e instanceof HistoryEvent.SubOrchestrationScheduled
                    || e instanceof HistoryEvent.TimerCreated) {
                scheduled.add(e.eventId());
            }
            Long done = switch (e) {
                case HistoryEvent.ActivityCompleted c -> c.scheduledId();
                case HistoryEvent.SubOrchestrationCompleted c -> c.scheduledId();
                case HistoryEvent.TimerFired f -> f.scheduledId();
                default -> null;
            };
            if (done != null) {
                assertThat(completed.add(done)).as("%s: scheduled id %d completed twice", id, done).isTrue();
            }
        }
        assertThat(completed).as("%s: every scheduled id completed", id).isEqualTo(scheduled);
    }
}
