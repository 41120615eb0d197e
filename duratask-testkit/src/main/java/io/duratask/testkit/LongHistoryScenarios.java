package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.assertCompletedCleanly;
import static io.duratask.testkit.HistoryAssertions.assertTypes;
import static io.duratask.testkit.HistoryAssertions.assertWellFormed;
import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static io.duratask.testkit.HistoryAssertions.format;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.Registry;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.ContinuedAsNew;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Long-lived work: one execution whose history passes 10,000 events, and an eternal orchestration
 * that keeps each execution's history small by continuing as new hundreds of times.
 */
public abstract class LongHistoryScenarios extends ScenarioSupport {

    /** Sequential activities in the long execution: 2 events each, so the history holds 2 * N + 2 events. */
    protected static final int SEQUENTIAL_ACTIVITIES = 5_100;
    /** Continue-as-new count of the eternal orchestration. */
    protected static final int GENERATIONS = 200;
    /** Events in each execution of the eternal orchestration: started, scheduled, completed, continued. */
    protected static final int EVENTS_PER_GENERATION = 4;

    private static final Duration LONG_WAIT = Duration.ofMinutes(3);

    /** Sequential activities within one execution. Override to test the cache-off path of a slow store faster. */
    protected int sequentialActivities() {
        return SEQUENTIAL_ACTIVITIES;
    }

    @Test
    @Timeout(240)
    void singleExecutionWithMoreThanTenThousandEventsCompletes() {
        int n = sequentialActivities();
        AtomicInteger runs = new AtomicInteger();
        start(Registry.builder()
                .activity("Inc", Integer.class, (actx, x) -> {
                    runs.incrementAndGet();
                    return x + 1;
                })
                .orchestration("Marathon", Integer.class, (ctx, steps) -> {
                    int value = 0;
                    for (int i = 0; i < steps; i++) {
                        value = ctx.scheduleActivity("Inc", value, Integer.class).await();
                    }
                    return value;
                })
                .build());

        client.startOrchestration("marathon", "Marathon", n);

        OrchestrationStatus status = client.waitForCompletion("marathon", LONG_WAIT);
        assertThat(status.isCompleted()).as("marathon finished as %s (failure %s)", status.runtimeStatus(),
                status.failure()).isTrue();
        assertThat(status.output(Integer.class)).as("one increment per step").isEqualTo(n);
        List<HistoryEvent> h = history("marathon");
        assertThat(h).as("history size: start, %d x (scheduled, completed), completed", n).hasSize(2 * n + 2);
        if (n == SEQUENTIAL_ACTIVITIES) {
            assertThat(h.size()).as("a single execution past 10,000 events").isGreaterThan(10_000);
        }
        assertCompletedCleanly(h);
        List<ActivityScheduled> scheduled = eventsOf(h, ActivityScheduled.class);
        List<ActivityCompleted> completed = eventsOf(h, ActivityCompleted.class);
        assertThat(scheduled).hasSize(n);
        assertThat(scheduled.get(n - 1).input()).as("the last step's input").isEqualTo(Integer.toString(n - 1));
        assertThat(completed.get(n - 1).result()).isEqualTo(Integer.toString(n));
        for (int i = 0; i < n; i++) {
            assertThat(h.get(1 + 2 * i)).as("event %d", 2 + 2 * i).isInstanceOf(ActivityScheduled.class);
            assertThat(h.get(2 + 2 * i)).as("event %d", 3 + 2 * i).isInstanceOf(ActivityCompleted.class);
        }
        assertThat(runs.get()).as("each activity ran once (none redone by replay)").isEqualTo(n);
    }

    @Test
    @Timeout(240)
    void eternalOrchestrationContinuesAsNewTwoHundredTimesWithBoundedHistory() {
        AtomicInteger runs = new AtomicInteger();
        start(Registry.builder()
                .activity("Work", Integer.class, (actx, generation) -> {
                    runs.incrementAndGet();
                    return generation * 2;
                })
                .orchestration("Eternal", Integer.class, (ctx, generation) -> {
                    if (generation >= GENERATIONS) {
                        return "stopped at " + generation + " in execution " + ctx.executionId();
                    }
                    ctx.scheduleActivity("Work", generation, Integer.class).await();
                    return ctx.continueAsNew(generation + 1);
                })
                .build());

        client.startOrchestration("eternal", "Eternal", 0);

        OrchestrationStatus status = client.waitForCompletion("eternal", LONG_WAIT);
        assertThat(status.isCompleted()).as("eternal finished as %s (failure %s)", status.runtimeStatus(),
                status.failure()).isTrue();
        assertThat(status.output(String.class)).isEqualTo("stopped at " + GENERATIONS + " in execution " + (GENERATIONS + 1));
        assertThat(status.executionId()).as("execution id after %d continue-as-new", GENERATIONS).isEqualTo(GENERATIONS + 1);
        assertThat(runs.get()).as("one activity per execution").isEqualTo(GENERATIONS);

        for (int execution = 1; execution <= GENERATIONS; execution++) {
            List<HistoryEvent> h = history("eternal", execution);
            assertThat(h.size()).as("execution %d's history stays bounded\n%s", execution, format(h))
                    .isLessThanOrEqualTo(EVENTS_PER_GENERATION);
            assertTypes(h, OrchestrationStarted.class, ActivityScheduled.class, ActivityCompleted.class,
                    ContinuedAsNew.class);
            assertWellFormed(h);
            assertThat(((OrchestrationStarted) h.get(0)).input()).as("execution %d's input", execution)
                    .isEqualTo(Integer.toString(execution - 1));
        }
        List<HistoryEvent> last = history("eternal");
        assertTypes(last, OrchestrationStarted.class, OrchestrationCompleted.class);
        assertThat(last).isEqualTo(history("eternal", GENERATIONS + 1));
    }

    @Test
    void eternalOrchestrationCanBeWatchedWhileItRuns() {
        start(Registry.builder()
                .activity("Work", Integer.class, (actx, generation) -> generation)
                .orchestration("Watched", Integer.class, (ctx, generation) -> {
                    ctx.scheduleActivity("Work", generation, Integer.class).await();
                    if (generation == 50) {
                        ctx.waitForEvent("Stop").await();   // park mid-way so the test sees a running instance
                        return generation;
                    }
                    return ctx.continueAsNew(generation + 1);
                })
                .build());

        client.startOrchestration("watched", "Watched", 0);
        awaitExecution("watched", 51);
        Awaitility.await("execution 51 waits for Stop").atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> history("watched").size() == 4);
        assertThat(client.getStatus("watched").orElseThrow().runtimeStatus().isTerminal()).isFalse();
        for (int execution = 1; execution <= 50; execution++) {
            assertThat(history("watched", execution)).as("finished execution %d", execution)
                    .hasSizeLessThanOrEqualTo(EVENTS_PER_GENERATION);
        }
        client.raiseEvent("watched", "Stop", "now");
        assertThat(awaitCompleted("watched").output(Integer.class)).isEqualTo(50);
    }
}
