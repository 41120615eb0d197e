package io.duratask.sqlite;

import io.duratask.testkit.conformance.SpiFixtures;
import static io.duratask.testkit.conformance.SpiFixtures.T0;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A rough throughput check, not a test (timing belongs in benchmarks): drives the provider the way a runtime
 * does — orchestration turns that schedule activities one after another, activity workers that complete
 * them — and prints activities per second, group-commit batch sizes and the process's CPU time per write
 * operation (there is no writer thread: batches run on the callers' threads).
 *
 * <p>Run from the module directory after {@code test-compile}:
 * {@code java -cp target/classes:target/test-classes:<dependencies> io.duratask.sqlite.ThroughputCheck
 * [instances=500] [activitiesEach=20] [workers=64] [FULL|NORMAL] [syncActivityCompletions=false]}.
 */
public final class ThroughputCheck {
    private static final Duration LOCK = Duration.ofMinutes(1);

    public static void main(String[] args) throws Exception {
        int instances = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int activitiesEach = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        SqliteOptions.Synchronous sync = SqliteOptions.Synchronous.valueOf(args.length > 3 ? args[3] : "FULL");
        Path dir = Files.createTempDirectory("duratask-throughput");
        boolean syncCompletions = args.length > 4 && Boolean.parseBoolean(args[4]);
        SqliteOptions options = SqliteOptions.builder().synchronous(sync).syncActivityCompletions(syncCompletions).build();
        try (SqliteProvider provider = SqliteProvider.open(dir.resolve("bench.db"), options);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                String id = "i" + i;
                starts.add(threads.submit(() -> provider.createInstance(SpiFixtures.start(id, "Chain"))));
            }
            for (Future<?> f : starts) {
                f.get();
            }
            GroupCommitWriter.Stats before = provider.writerStats();
            long cpuBefore = processCpuNanos();
            AtomicInteger finished = new AtomicInteger();
            AtomicLong activities = new AtomicLong();
            long t0 = System.nanoTime();
            List<Future<?>> loops = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                loops.add(threads.submit(() -> orchestrationWorker(provider, activitiesEach, instances, finished)));
                loops.add(threads.submit(() -> activityWorker(provider, instances, finished, activities)));
            }
            for (Future<?> f : loops) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            GroupCommitWriter.Stats after = provider.writerStats();
            long batches = after.batches() - before.batches();
            long operations = after.operations() - before.operations();
            long cpu = processCpuNanos() - cpuBefore;
            System.out.printf("%d activities in %.2f s: %.0f activities/s (synchronous=%s, syncActivityCompletions=%s)%n",
                    activities.get(), seconds, activities.get() / seconds, sync, syncCompletions);
            System.out.printf("writes: %d batches (%d durable), %.1f operations per batch, %.1f us process CPU per operation%n",
                    batches, after.durableBatches() - before.durableBatches(), (double) operations / batches,
                    cpu / 1000.0 / operations);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Void orchestrationWorker(SqliteProvider provider, int activitiesEach, int instances,
                                            AtomicInteger finished) {
        while (finished.get() < instances) {
            Optional<OrchestrationItem> item = provider.fetchOrchestrationItem(LOCK);
            if (item.isEmpty()) {
                LockSupport.parkNanos(500_000);
                continue;
            }
            TurnCommit commit = turn(item.get(), activitiesEach);
            provider.commitOrchestrationItem(item.get(), commit);
            if (commit.update().status() == RuntimeStatus.COMPLETED) {
                finished.incrementAndGet();
            }
        }
        return null;
    }

    private static Void activityWorker(SqliteProvider provider, int instances, AtomicInteger finished,
                                       AtomicLong activities) {
        while (finished.get() < instances) {
            Optional<WorkItemLease> lease = provider.fetchWorkItem(LOCK);
            if (lease.isEmpty()) {
                LockSupport.parkNanos(500_000);
                continue;
            }
            ActivityWorkItem work = lease.get().item();
            provider.completeWorkItem(lease.get(), OrchestratorMessage.of(work.instanceId(), work.executionId(),
                    new HistoryEvent.ActivityCompleted(0, T0, work.scheduledId(), "\"ok\"")));
            activities.incrementAndGet();
        }
        return null;
    }

    /** Appends the messages; schedules the next activity until {@code activitiesEach} ran, then completes. */
    private static TurnCommit turn(OrchestrationItem item, int activitiesEach) {
        List<HistoryEvent> events = new ArrayList<>();
        long next = item.historySize() + 1;
        for (OrchestratorMessage m : item.messages()) {
            events.add(m.event().at(next++, T0));
        }
        long done = (next - 1) / 2; // started + (scheduled, completed) pairs
        List<ActivityWorkItem> work = List.of();
        RuntimeStatus status = RuntimeStatus.RUNNING;
        if (done < activitiesEach) {
            events.add(new HistoryEvent.ActivityScheduled(next, T0, "Step", "\"x\""));
            work = List.of(new ActivityWorkItem(item.instanceId(), item.executionId(), next, "Step", "\"x\""));
        } else {
            events.add(new HistoryEvent.OrchestrationCompleted(next, T0, "\"done\""));
            status = RuntimeStatus.COMPLETED;
        }
        InstanceUpdate update = new InstanceUpdate("Chain", "1.0", item.executionId(), status, null, null, null, null);
        return new TurnCommit(item.executionId(), events, work, List.of(), update);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
