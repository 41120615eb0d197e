package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.assertCompletedCleanly;
import static io.duratask.testkit.HistoryAssertions.assertTypes;
import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static io.duratask.testkit.HistoryAssertions.format;
import static io.duratask.testkit.HistoryAssertions.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.Registry;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.ContinuedAsNew;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Continue-as-new: a fresh history per execution, execution ids counting up, unconsumed events carried
 * over, late completions of an old execution dropped.
 */
public abstract class ContinueAsNewScenarios extends ScenarioSupport {

    public record Count(int value, long executionId) {}

    private static final int CONTINUATIONS = 5;

    @Test
    void counterContinuesAsNewUntilItReachesTheLimit() {
        start(Registry.builder()
                .activity("Tick", Integer.class, (actx, n) -> n + 1)
                .orchestration("Counter", Integer.class, (ctx, n) -> {
                    if (n < CONTINUATIONS) {
                        ctx.continueAsNew(ctx.scheduleActivity("Tick", n, Integer.class).await());
                    }
                    return new Count(n, ctx.executionId());
                })
                .build());

        client.startOrchestration("counter-1", "Counter", 0);

        OrchestrationStatus status = awaitCompleted("counter-1");
        assertThat(status.output(Count.class)).as("final output and ctx.executionId() of the last execution")
                .isEqualTo(new Count(CONTINUATIONS, CONTINUATIONS + 1));
        assertThat(status.executionId()).as("status executionId after %d continue-as-new", CONTINUATIONS)
                .isEqualTo(CONTINUATIONS + 1);
        assertThat(status.input(Integer.class)).as("status input is the last execution's input").isEqualTo(CONTINUATIONS);

        List<HistoryEvent> first = history("counter-1", 1);
        assertTypes(first, OrchestrationStarted.class, ActivityScheduled.class, ActivityCompleted.class,
                ContinuedAsNew.class);
        HistoryAssertions.assertWellFormed(first);
        assertThat(((OrchestrationStarted) first.get(0)).input()).isEqualTo("0");
        assertThat(((ContinuedAsNew) first.get(3)).input()).isEqualTo("1");

        for (int execution = 2; execution <= CONTINUATIONS; execution++) {
            List<HistoryEvent> h = history("counter-1", execution);
            HistoryAssertions.assertWellFormed(h);
            assertThat(((OrchestrationStarted) h.get(0)).input())
                    .as("execution %d starts with the input its predecessor continued with", execution)
                    .isEqualTo(Integer.toString(execution - 1));
            assertThat(h.get(h.size() - 1)).as("execution %d ends with ContinuedAsNew\n%s", execution, format(h))
                    .isInstanceOf(ContinuedAsNew.class);
        }
        List<HistoryEvent> last = history("counter-1");
        assertThat(last).as("getHistory(id) is the current (last) execution").isEqualTo(history("counter-1", CONTINUATIONS + 1));
        assertCompletedCleanly(last);
        assertThat(((OrchestrationStarted) last.get(0)).input()).isEqualTo(Integer.toString(CONTINUATIONS));
        assertThat(eventsOf(last, ActivityScheduled.class)).as("the last execution has a fresh history").isEmpty();
    }

    @Test
    void generatedChildIdsStayUniqueAcrossContinueAsNew() {
        start(Registry.builder()
                .orchestration("Echo", Integer.class, (ctx, n) -> n)
                .orchestration("Generations", Integer.class, (ctx, generation) -> {
                    int echoed = ctx.scheduleSubOrchestration("Echo", generation, Integer.class).await();
                    if (generation < 3) {
                        ctx.continueAsNew(generation + 1);
                    }
                    return echoed;
                })
                .build());

        client.startOrchestration("generations-1", "Generations", 1);

        assertThat(awaitCompleted("generations-1").output(Integer.class)).isEqualTo(3);
        List<String> childIds = new java.util.ArrayList<>();
        for (int execution = 1; execution <= 3; execution++) {
            SubOrchestrationScheduled s = single(history("generations-1", execution), SubOrchestrationScheduled.class);
            childIds.add(s.instanceId());
            assertThat(awaitCompleted(s.instanceId()).output(Integer.class))
                    .as("child of execution %d", execution).isEqualTo(execution);
        }
        assertThat(childIds).as("each execution's generated child id is new").doesNotHaveDuplicates();
    }

    @Test
    void subOrchestrationThatContinuesAsNewReportsItsFinalResultToTheParent() {
        start(Registry.builder()
                .orchestration("CountTo3", Integer.class, (ctx, n) -> {
                    if (n < 3) {
                        ctx.continueAsNew(n + 1);
                    }
                    return n;
                })
                .orchestration("WaitsForCounter", (ctx, input) ->
                        "counter ended at " + ctx.scheduleSubOrchestration("CountTo3", 0, Integer.class).await())
                .build());

        client.startOrchestration("counter-parent", "WaitsForCounter", "");

        assertThat(awaitCompleted("counter-parent").output(String.class)).isEqualTo("counter ended at 3");
        String childId = single(history("counter-parent"), SubOrchestrationScheduled.class).instanceId();
        OrchestrationStatus child = awaitCompleted(childId);
        assertThat(child.executionId()).isEqualTo(4);
        assertThat(child.parentInstanceId()).isEqualTo("counter-parent");
        assertCompletedCleanly(history("counter-parent"));
    }

    private Registry carryRegistry() {
        return Registry.builder()
                .orchestration("Carry", Integer.class, (ctx, generation) -> {
                    if (generation == 1) {
                        gates.open("turn-entered");
                        gates.await("hold-turn");
                        ctx.waitForEvent("Go").await();
                        ctx.continueAsNew(2);
                    }
                    String a = ctx.waitForEvent("Item").await();
                    String b = ctx.waitForEvent("Item").await();
                    return a + "," + b;
                })
                .build();
    }

    @Test
    void unconsumedEventsAreDeliveredToTheNextExecution() {
        start(carryRegistry());
        gates.open("hold-turn");

        client.startOrchestration("carry-1", "Carry", 1);
        awaitSubscribed("carry-1", "Go");
        client.raiseEvent("carry-1", "Item", "x1");
        client.raiseEvent("carry-1", "Item", "x2");
        awaitHistory("carry-1", "both Item events recorded in execution 1",
                h -> eventsOf(h, EventRaised.class).size() == 2);
        client.raiseEvent("carry-1", "Go", "now");

        OrchestrationStatus status = awaitCompleted("carry-1");
        assertThat(status.output(String.class)).as("execution 2 consumes the events execution 1 left").isEqualTo("x1,x2");
        assertThat(status.executionId()).isEqualTo(2);
        List<HistoryEvent> first = history("carry-1", 1);
        assertThat(first.get(first.size() - 1)).isInstanceOf(ContinuedAsNew.class);
        assertThat(eventsOf(history("carry-1", 2), EventRaised.class)).extracting(EventRaised::data)
                .as("carried-over events keep their order").containsExactly("\"x1\"", "\"x2\"");
    }

    /**
     * The events arrive while the first turn runs, so the next turn fetches "Go", "Item", "Item" together:
     * the continue-as-new triggered by "Go" must not swallow the two events fetched after it.
     */
    @Test
    void eventsFetchedInTheSameTurnAsTheContinueAsNewTriggerAreCarriedOver() {
        start(carryRegistry());

        client.startOrchestration("carry-batch", "Carry", 1);
        gates.await("turn-entered"); // the first turn runs and holds the instance lock
        client.raiseEvent("carry-batch", "Go", "now");
        client.raiseEvent("carry-batch", "Item", "x1");
        client.raiseEvent("carry-batch", "Item", "x2");
        gates.open("hold-turn");
        awaitExecution("carry-batch", 2);
        awaitHistory("carry-batch", "execution 2 waits for Item",
                h -> h.stream().anyMatch(e -> e instanceof HistoryEvent.EventSubscribed s && s.name().equals("Item")));
        awaitQuiet(0);

        List<HistoryEvent> second = history("carry-batch", 2);
        assertThat(eventsOf(second, EventRaised.class)).extracting(EventRaised::data)
                .as("the two Item events fetched with \"Go\" are carried into execution 2 (execution 1:\n%s"
                        + "execution 2:\n%s)", format(history("carry-batch", 1)), format(second))
                .containsExactly("\"x1\"", "\"x2\"");
        OrchestrationStatus status = awaitCompleted("carry-batch");
        assertThat(status.output(String.class))
                .as("events raised together with the continue-as-new trigger reach the next execution")
                .isEqualTo("x1,x2");
    }

    @Test
    void lateActivityCompletionOfThePreviousExecutionIsDropped() {
        start(Registry.builder()
                .activity("Stale", (actx, s) -> {
                    gates.await("stale");
                    return "stale";
                })
                .activity("Fresh", (actx, s) -> {
                    gates.await("fresh");
                    return "fresh";
                })
                .orchestration("Restarting", Integer.class, (ctx, generation) -> {
                    if (generation == 1) {
                        ctx.scheduleActivity("Stale", "old"); // not awaited: still running at continue-as-new
                        ctx.continueAsNew(2);
                    }
                    return ctx.scheduleActivity("Fresh", "new").await();
                })
                .build());

        client.startOrchestration("restarting-1", "Restarting", 1);
        awaitExecution("restarting-1", 2);
        awaitEvent("restarting-1", ActivityScheduled.class, a -> a.name().equals("Fresh"));
        long freshId = single(history("restarting-1"), ActivityScheduled.class).eventId();
        long staleId = single(history("restarting-1", 1), ActivityScheduled.class).eventId();
        assertThat(freshId).as("both executions schedule their activity at the same event id").isEqualTo(staleId);

        gates.open("stale");
        awaitQuiet(1); // the stale completion was delivered (and must have been dropped); only Fresh runs
        gates.open("fresh");

        OrchestrationStatus status = awaitCompleted("restarting-1");
        assertThat(status.output(String.class)).as("the new execution gets its own activity's result").isEqualTo("fresh");
        List<HistoryEvent> current = history("restarting-1");
        assertCompletedCleanly(current);
        assertThat(eventsOf(current, ActivityCompleted.class)).extracting(ActivityCompleted::result)
                .as("the old execution's completion does not appear in the new history\n%s", format(current))
                .containsExactly("\"fresh\"");
        List<HistoryEvent> old = history("restarting-1", 1);
        assertThat(eventsOf(old, ActivityCompleted.class)).as("nor in the old, ended one").isEmpty();
        assertThat(old.get(old.size() - 1)).isInstanceOf(ContinuedAsNew.class);
    }
}
