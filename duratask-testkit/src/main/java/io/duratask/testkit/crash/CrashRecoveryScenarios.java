package io.duratask.testkit.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityFailed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash-recovery tests with real process kills, for any provider whose store survives its process: the
 * {@link CrashWorkload} runs in worker JVMs that are killed with SIGKILL, at random moments and at exact
 * points, and restarted on the same store; at the end every instance must have completed correctly with
 * nothing scheduled or completed twice ({@link CrashChecks}). A provider runs them with a subclass:
 *
 * <pre>{@code
 * class SqliteCrashRecoveryTest extends CrashRecoveryScenarios {
 *     public static final class Factory implements ProviderFactory {
 *         public Provider open(Path store) { return SqliteProvider.open(store); }
 *     }
 *     protected Class<? extends ProviderFactory> providerFactory() { return Factory.class; }
 * }
 * }</pre>
 *
 * <p>The random-kill run reads system properties: {@code duratask.crash.instances} (default 20),
 * {@code duratask.crash.kills} (6), {@code duratask.crash.seed} (random; printed, so a failing run can be
 * repeated), {@code duratask.crash.minRunMillis} / {@code maxRunMillis} (300 / 2500: how long a worker runs
 * before its kill). Its numbers (kills, activity runs, duplicate runs) are printed and published as report
 * entries.
 */
public abstract class CrashRecoveryScenarios {
    /** Main instances in the exact-point tests. */
    protected static final int EXACT_POINT_INSTANCES = 4;

    @TempDir
    protected Path dir;

    private CrashHarness harness;

    /** The factory that opens this provider's store (a public class with a public no-argument constructor). */
    protected abstract Class<? extends ProviderFactory> providerFactory();

    /** The store's file or directory name (default {@code "crash-store"}). */
    protected String storeName() {
        return "crash-store";
    }

    /**
     * Whether the test process may use the store while a worker process runs (default true). If false, events
     * are raised only between a kill and the next start.
     */
    protected boolean storeSharedAcrossProcesses() {
        return true;
    }

    /** Extra JVM flags for the worker processes (default none). */
    protected List<String> workerJvmFlags() {
        return List.of();
    }

    /** The harness of the running test, created on first use and closed after the test. */
    protected CrashHarness harness() {
        if (harness == null) {
            harness = new CrashHarness(dir, providerFactory(), storeName(), storeSharedAcrossProcesses(), workerJvmFlags());
        }
        return harness;
    }

    @AfterEach
    void closeHarness() {
        if (harness != null) {
            harness.close();
        }
    }

    // ---- random kills -------------------------------------------------------------------------------

    @Test
    void randomKillsLoseNothingAndScheduleNothingTwice(TestInfo test, TestReporter reporter) throws Exception {
        int instances = Integer.getInteger("duratask.crash.instances", 20);
        int kills = Integer.getInteger("duratask.crash.kills", 6);
        long seed = Long.getLong("duratask.crash.seed", System.nanoTime());
        int minRun = Integer.getInteger("duratask.crash.minRunMillis", 300);
        int maxRun = Integer.getInteger("duratask.crash.maxRunMillis", 2500);
        if (instances < 1 || kills < 1 || minRun < 0 || maxRun < minRun) {
            throw new IllegalArgumentException("bad crash run settings: instances=" + instances + " kills=" + kills
                    + " minRunMillis=" + minRun + " maxRunMillis=" + maxRun);
        }
        System.out.printf("%s: seed=%d (repeat with -Dduratask.crash.seed=%d), %d instances, %d kills%n",
                test.getDisplayName(), seed, seed, instances, kills);
        Random random = new Random(seed);
        long began = System.nanoTime();

        // each instance is started during one worker's life and its event raised during the same or a later
        // one, so every worker has fresh work (chains, fan-outs, children, timers, retries) when it is killed
        List<List<Long>> startsPerWorker = new ArrayList<>();
        List<List<Long>> eventsPerWorker = new ArrayList<>();
        for (int k = 0; k < kills; k++) {
            startsPerWorker.add(new ArrayList<>());
            eventsPerWorker.add(new ArrayList<>());
        }
        for (long n = 0; n < instances; n++) {
            int startIn = random.nextInt(kills);
            startsPerWorker.get(startIn).add(n);
            eventsPerWorker.get(startIn + random.nextInt(kills - startIn)).add(n);
        }
        CrashHarness h = harness();
        int killedWhileOpening = 0;
        for (int k = 0; k < kills; k++) {
            if (random.nextInt(8) == 0) {
                // now and then, kill a worker while it starts and opens the store
                h.startInstances(startsPerWorker.get(k));
                h.raiseEvents(eventsPerWorker.get(k));
                WorkerProcess w = h.spawnWorker(null, Map.of());
                Thread.sleep(random.nextInt(1000));
                h.kill(w);
                killedWhileOpening++;
                continue;
            }
            WorkerProcess w = h.startWorker(null, Map.of());
            int runFor = minRun + random.nextInt(maxRun - minRun + 1);
            int startAt = random.nextInt(runFor + 1);
            int raiseAt = startAt + random.nextInt(runFor - startAt + 1);
            Thread.sleep(startAt);
            h.startInstances(startsPerWorker.get(k));
            Thread.sleep(raiseAt - startAt);
            h.raiseEvents(eventsPerWorker.get(k));
            Thread.sleep(runFor - raiseAt);
            h.kill(w);
        }
        CrashReport report = h.finishAndVerify(instances);
        long seconds = (System.nanoTime() - began) / 1_000_000_000L;

        assertThat(h.kills()).isEqualTo(kills + 1);
        System.out.printf("%s: seed=%d, %d SIGKILLs (%d while the worker was starting, the last one after"
                + " completion), %s, %d s%n", test.getDisplayName(), seed, h.kills(), killedWhileOpening, report, seconds);
        reporter.publishEntry(Map.of("seed", Long.toString(seed), "kills", Integer.toString(h.kills()),
                "instances", Integer.toString(instances), "activityRuns", Long.toString(report.activityRuns()),
                "duplicateRuns", Long.toString(report.duplicateRuns()), "seconds", Long.toString(seconds)));
    }

    // ---- kills at exact points ----------------------------------------------------------------------

    @Test
    @Timeout(180)
    void killAfterFetchBeforeCommitLeavesNoTraceAndTheTurnIsRedone() {
        killAtAndVerify(harness(), new CrashPoint(CrashPoint.Kind.AFTER_FETCH, 3));
    }

    @Test
    @Timeout(180)
    void killAfterTheTurnRanBeforeItsCommitLeavesNoTrace() {
        killAtAndVerify(harness(), new CrashPoint(CrashPoint.Kind.BEFORE_COMMIT, 5));
    }

    @Test
    @Timeout(180)
    void killAfterACommitTheRuntimeNeverHeardOfKeepsIt() {
        killAtAndVerify(harness(), new CrashPoint(CrashPoint.Kind.AFTER_COMMIT, 5));
    }

    @Test
    @Timeout(180)
    void killAfterAnActivityRanBeforeItsCompletionWasCommittedRunsItAgainAndRecordsOneCompletion(TestReporter reporter) {
        CrashReport report = killAtAndVerify(harness(), new CrashPoint(CrashPoint.Kind.BEFORE_COMPLETE, 3));
        reporter.publishEntry("duplicateRuns", Long.toString(report.duplicateRuns()));
    }

    /**
     * The exact-point kills for every occurrence from 1 to {@code duratask.crash.sweep} (each on a fresh
     * store): part of the soak, skipped unless that property is set.
     */
    @Test
    @EnabledIfSystemProperty(named = "duratask.crash.sweep", matches = "[1-9][0-9]*")
    void sweepEveryExactPoint() {
        int max = Integer.getInteger("duratask.crash.sweep");
        int runs = 0;
        for (CrashPoint.Kind kind : List.of(CrashPoint.Kind.AFTER_FETCH, CrashPoint.Kind.BEFORE_COMMIT,
                CrashPoint.Kind.AFTER_COMMIT, CrashPoint.Kind.BEFORE_COMPLETE)) {
            for (int n = 1; n <= max; n++) {
                try (CrashHarness h = new CrashHarness(dir.resolve(kind.label() + "-" + n), providerFactory(),
                        storeName(), storeSharedAcrossProcesses(), workerJvmFlags())) {
                    killAtAndVerify(h, new CrashPoint(kind, n));
                    runs++;
                }
            }
        }
        System.out.println("sweep: " + runs + " exact-point kills verified");
    }

    /**
     * Runs {@link #EXACT_POINT_INSTANCES} instances in a worker that stops at {@code point}, kills it there,
     * checks what the store must show right after the kill, finishes the workload in a new worker and verifies
     * everything ({@link CrashChecks}).
     */
    protected CrashReport killAtAndVerify(CrashHarness h, CrashPoint point) {
        Map<String, String> at = crashAt(h, point, EXACT_POINT_INSTANCES, Map.of());
        String instance = at.get("instance");
        long size = h.store().readHistory(instance, 0).size();
        String key = instance + "#" + at.get("execution") + "#" + at.get("scheduledId");
        switch (point.kind()) {
            case AFTER_FETCH, BEFORE_COMMIT ->
                    // the stopped turn kept the instance locked: nothing else could change it either
                    assertThat(size).as("history of %s after a kill at %s", instance, point)
                            .isEqualTo(Long.parseLong(at.get("historySize")));
            case AFTER_COMMIT ->
                    // the commit released the lock, so the worker's other threads may have gone on with the instance
                    assertThat(size).as("history of %s after a kill at %s", instance, point)
                            .isGreaterThanOrEqualTo(Long.parseLong(at.get("historySize")) + Long.parseLong(at.get("newEvents")));
            case BEFORE_COMPLETE -> {
                assertThat(completionsOf(h, instance, Long.parseLong(at.get("scheduledId"))))
                        .as("completions of %s after a kill at %s", key, point).isZero();
                assertThat(runsOf(h, key)).as("runs of %s before the kill", key).isEqualTo(1);
            }
            case GROUP_COMMITS -> throw new IllegalArgumentException("group-commits is not a stop: " + point);
        }
        CrashReport report = h.finishAndVerify(EXACT_POINT_INSTANCES);
        if (point.kind() == CrashPoint.Kind.BEFORE_COMPLETE) {
            assertThat(completionsOf(h, instance, Long.parseLong(at.get("scheduledId"))))
                    .as("completions of %s in the end", key).isEqualTo(1);
            assertThat(runsOf(h, key)).as("runs of %s: its completion was lost, so it ran again", key)
                    .isGreaterThanOrEqualTo(2);
        }
        return report;
    }

    // ---- helpers for these and provider-specific crash tests ---------------------------------------

    /**
     * Starts {@code instances} instances (their events raised at once), runs a worker with {@code point} and
     * {@code workerProperties} until it prints its {@code CRASH-POINT} line, kills it, and returns that line's
     * fields ({@link CrashPoint#fields}).
     */
    protected Map<String, String> crashAt(CrashHarness h, CrashPoint point, int instances,
                                          Map<String, String> workerProperties) {
        h.startInstances(0, instances);
        h.raiseEvents(LongStream.range(0, instances).boxed().toList());
        WorkerProcess w = h.startWorker(point, workerProperties);
        String line = w.awaitLine(CrashPoint.MARKER, CrashHarness.WORKER_START);
        h.kill(w);
        System.out.println("killed " + w.name() + " at: " + line);
        return CrashPoint.fields(line);
    }

    /** The stored history size of the crash line's {@code instance}. */
    protected long historySize(Map<String, String> at) {
        return harness().store().readHistory(at.get("instance"), 0).size();
    }

    private static long completionsOf(CrashHarness h, String instance, long scheduledId) {
        List<HistoryEvent> history = h.store().readHistory(instance, 0);
        return history.stream().filter(e -> e instanceof ActivityCompleted c && c.scheduledId() == scheduledId
                || e instanceof ActivityFailed f && f.scheduledId() == scheduledId).count();
    }

    private static long runsOf(CrashHarness h, String key) {
        return h.runLog().read().stream().filter(r -> r.key().equals(key)).count();
    }
}
