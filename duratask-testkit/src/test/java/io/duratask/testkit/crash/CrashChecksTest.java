package io.duratask.testkit.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.DurableRuntime;
import io.duratask.client.DurableClient;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.InstanceInfo;
import io.duratask.testkit.NonClosingProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash workload in one process, and the end-of-run checks: they pass on a clean run and name each kind
 * of damage a crash could do (a repeated turn, a second completion, a lost or phantom activity run).
 */
class CrashChecksTest {
    private static final int INSTANCES = 3;

    @TempDir
    Path dir;

    private final InMemoryProvider store = new InMemoryProvider();
    private RunLog runs;

    @BeforeEach
    void runTheWorkloadWithoutCrashes() {
        runs = new RunLog(dir.resolve("runs.log"));
        try (DurableRuntime runtime = DurableRuntime.start(new NonClosingProvider(store),
                CrashWorkload.registry(runs, 0))) {
            DurableClient client = runtime.client();
            for (long n = 0; n < INSTANCES; n++) {
                client.startOrchestration(CrashWorkload.instanceId(n), CrashWorkload.MAIN, n);
                client.raiseEvent(CrashWorkload.instanceId(n), CrashWorkload.EVENT, CrashWorkload.eventData(n));
            }
            for (long n = 0; n < INSTANCES; n++) {
                assertThat(client.waitForCompletion(CrashWorkload.instanceId(n), Duration.ofSeconds(30)).output(String.class))
                        .isEqualTo(CrashWorkload.expectedOutput(n));
            }
        }
    }

    @Test
    void aCleanRunPassesWithEveryActivityRunOnce() {
        CrashReport report = CrashChecks.verify(store, runs, INSTANCES);

        // per main instance: 3 Inc + 5 Square + 3 Flaky attempts; per child: Inc + Square
        RunLog.Run first = runs.read().get(0);
        assertThat(report).isEqualTo(new CrashReport(INSTANCES, 2 * INSTANCES, INSTANCES * (11 + 2),
                INSTANCES * (11 + 2), 0, 1, first.key() + " " + first.name() + ": dequeue counts [1], processes ["
                + ProcessHandle.current().pid() + "]"));
        assertThat(CrashWorkload.expectedOutput(2)).isEqualTo("n=2 chain=5 fan=135 event=14 child=441 flaky=ok");
    }

    @Test
    void aReExecutedActivityIsCountedNotRejected() {
        runs.append(runs.read().get(0));

        CrashReport report = CrashChecks.verify(store, runs, INSTANCES);

        assertThat(report.duplicateRuns()).isEqualTo(1);
        assertThat(report.maxRunsOfOneActivity()).isEqualTo(2);
        assertThat(report.mostRun()).endsWith("dequeue counts [1, 1], processes [" + ProcessHandle.current().pid()
                + ", " + ProcessHandle.current().pid() + "]");
    }

    @Test
    void anActivityThatNeverRanIsReported() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(runs.file()));
        String dropped = lines.remove(0);
        Files.write(runs.file(), lines);

        String instance = dropped.substring(0, dropped.indexOf(' '));
        assertThatThrownBy(() -> CrashChecks.verify(store, runs, INSTANCES))
                .hasMessageContaining(instance + ": activity").hasMessageContaining("never ran according to the run log");
    }

    @Test
    void aRunOfAnActivityNoHistorySchedulesIsReported() {
        runs.append(new RunLog.Run("crash-0", 1, 999, "Inc", 1, 42));

        assertThatThrownBy(() -> CrashChecks.verify(store, runs, INSTANCES))
                .hasMessageContaining("run(s) of crash-0#1#999, which no history schedules");
    }

    @Test
    void aMissingInstanceIsReported() {
        assertThatThrownBy(() -> CrashChecks.verify(store, runs, INSTANCES + 1))
                .hasMessageContaining("holds 3 CrashMixed instances, expected 4");
    }

    @Test
    void aRepeatedTurnIsReported() {
        InstanceInfo info = store.getInstance("crash-1").orElseThrow();
        List<HistoryEvent> history = new ArrayList<>(store.readHistory("crash-1", 0));
        // the turn that scheduled the first Inc, appended a second time
        ActivityScheduled first = (ActivityScheduled) history.stream().filter(e -> e instanceof ActivityScheduled)
                .findFirst().orElseThrow();
        history.add(first.at(history.size() + 1, Instant.EPOCH));

        assertThat(CrashWorkload.checkShape(info, history))
                .containsExactly("crash-1: activities scheduled {Inc(1)=2, Inc(2)=1, Inc(3)=1, Square(2)=1, Square(3)=1,"
                        + " Square(4)=1, Square(5)=1, Square(6)=1}, expected each of " + expectedKeys(1) + " once");
        assertThat(CrashChecks.checkCorrelation("crash-1", history))
                .containsExactly("crash-1: ActivityScheduled " + history.size() + " has no completion");
    }

    @Test
    void aSecondCompletionAndBadIdsAreReported() {
        List<HistoryEvent> history = new ArrayList<>(store.readHistory("crash-1", 0));
        ActivityCompleted done = (ActivityCompleted) history.stream().filter(e -> e instanceof ActivityCompleted)
                .findFirst().orElseThrow();
        history.add(done.at(history.size() + 1, Instant.EPOCH));
        history.add(new ActivityCompleted(history.size() + 5, Instant.EPOCH, 1, "0"));

        assertThat(CrashChecks.checkCorrelation("crash-1", history)).containsExactly(
                "crash-1: ActivityCompleted " + (history.size() - 1) + " for scheduled id " + done.scheduledId()
                        + " is a second completion of that id",
                "crash-1: event ActivityCompleted has id " + (history.size() + 4) + ", expected " + history.size()
                        + " (ids must be 1, 2, 3, ... with no repeat or gap)",
                "crash-1: ActivityCompleted " + (history.size() + 4) + " for scheduled id 1 names no earlier ActivityScheduled");
    }

    private static String expectedKeys(long n) {
        java.util.Map<String, Integer> expected = new java.util.TreeMap<>();
        for (long i = 0; i < 3; i++) {
            expected.put("Inc(" + (n + i) + ")", 1);
        }
        for (long i = 1; i <= 5; i++) {
            expected.put("Square(" + (n + i) + ")", 1);
        }
        return expected.keySet().toString();
    }
}
