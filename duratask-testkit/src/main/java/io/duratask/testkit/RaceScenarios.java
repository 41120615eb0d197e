package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static io.duratask.testkit.HistoryAssertions.format;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableFuture;
import io.duratask.Registry;
import io.duratask.RuntimeStatus;
import io.duratask.Selected;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.SubOrchestrationCompleted;
import io.duratask.history.HistoryEvent.TimerFired;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ctx.select} races (seed notes: activity vs timer vs external event): the first completion in
 * history order wins, whatever the argument order; select works over heterogeneous futures.
 */
public abstract class RaceScenarios extends ScenarioSupport {

    /** Describes a select winner as "index:value". */
    private static String describe(Selected s) {
        return s.index() + ":" + s.value();
    }

    private Registry raceRegistry() {
        return Registry.builder()
                .activity("Fast", (actx, s) -> "fast")
                .activity("Slow", (actx, s) -> {
                    gates.await("slow");
                    return "slow";
                })
                .orchestration("ActivityVsLongTimer", (ctx, input) -> {
                    DurableFuture<String> activity = ctx.scheduleActivity("Fast", input);
                    DurableFuture<Void> timer = ctx.scheduleTimer(NEVER_FIRES);
                    return describe(ctx.select(activity, timer).await());
                })
                .orchestration("SlowActivityVsShortTimer", (ctx, input) -> {
                    DurableFuture<String> activity = ctx.scheduleActivity("Slow", input);
                    DurableFuture<Void> timer = ctx.scheduleTimer(SHORT_TIMER);
                    return describe(ctx.select(activity, timer).await());
                })
                .orchestration("ThreeWay", (ctx, input) -> {
                    DurableFuture<String> activity = ctx.scheduleActivity("Slow", input);
                    DurableFuture<Void> timer = ctx.scheduleTimer(NEVER_FIRES);
                    DurableFuture<String> event = ctx.waitForEvent("Cancel");
                    return describe(ctx.select(activity, timer, event).await());
                })
                .build();
    }

    @Test
    void fastActivityBeatsALongTimer() {
        start(raceRegistry());

        client.startOrchestration("race-activity", "ActivityVsLongTimer", "");

        assertThat(awaitCompleted("race-activity").output(String.class)).as("select winner").isEqualTo("0:fast");
        List<HistoryEvent> h = history("race-activity");
        HistoryAssertions.assertWellFormed(h);
        assertThat(eventsOf(h, ActivityCompleted.class)).hasSize(1);
        assertThat(eventsOf(h, TimerFired.class)).as("the timer has not fired").isEmpty();
    }

    @Test
    void shortTimerBeatsASlowActivityAndTheLateCompletionIsIgnored() {
        start(raceRegistry());

        client.startOrchestration("race-timer", "SlowActivityVsShortTimer", "");

        assertThat(awaitCompleted("race-timer").output(String.class)).as("select winner").isEqualTo("1:null");
        List<HistoryEvent> atCompletion = history("race-timer");
        HistoryAssertions.assertWellFormed(atCompletion);
        assertThat(eventsOf(atCompletion, TimerFired.class)).hasSize(1);
        assertThat(eventsOf(atCompletion, ActivityCompleted.class)).as("the activity had not finished").isEmpty();

        gates.open("slow"); // the losing activity finishes after the orchestration completed
        awaitQuiet(0);
        assertThat(client.getStatus("race-timer").orElseThrow().runtimeStatus())
                .as("a late completion does not change a completed instance").isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(history("race-timer")).as("nothing is appended after OrchestrationCompleted").isEqualTo(atCompletion);
    }

    @Test
    void eventRaisedBeatsBothActivityAndTimer() {
        start(raceRegistry());

        client.startOrchestration("race-event", "ThreeWay", "");
        awaitSubscribed("race-event", "Cancel");
        client.raiseEvent("race-event", "Cancel", "stop");

        assertThat(awaitCompleted("race-event").output(String.class)).as("select winner").isEqualTo("2:stop");
        List<HistoryEvent> h = history("race-event");
        assertThat(eventsOf(h, ActivityCompleted.class)).isEmpty();
        assertThat(eventsOf(h, TimerFired.class)).isEmpty();
    }

    @Test
    void selectPicksTheEarliestCompletionInHistoryOrderNotArgumentOrder() {
        start(Registry.builder()
                .activity("Prepare", (actx, s) -> {
                    gates.await("prepare");
                    return "prepared";
                })
                .orchestration("HistoryOrder", (ctx, input) -> {
                    ctx.scheduleActivity("Prepare", input).await();
                    DurableFuture<String> a = ctx.waitForEvent("A");
                    DurableFuture<String> b = ctx.waitForEvent("B");
                    return describe(ctx.select(a, b).await());
                })
                .build());

        client.startOrchestration("history-order", "HistoryOrder", "");
        client.raiseEvent("history-order", "B", "b-first");
        awaitEvent("history-order", EventRaised.class, r -> r.name().equals("B"));
        client.raiseEvent("history-order", "A", "a-second");
        awaitEvent("history-order", EventRaised.class, r -> r.name().equals("A"));
        gates.open("prepare");

        assertThat(awaitCompleted("history-order").output(String.class))
                .as("B is earlier in history, so it wins although A is the first argument\n%s",
                        format(history("history-order")))
                .isEqualTo("1:b-first");
    }

    /** Which of the four heterogeneous futures should win. */
    public enum Winner { ACTIVITY, TIMER, EVENT, SUB_ORCHESTRATION }

    @ParameterizedTest
    @EnumSource(Winner.class)
    void selectOverHeterogeneousFutures(Winner winner) {
        start(Registry.builder()
                .activity("MaybeSlow", Boolean.class, (actx, fast) -> {
                    if (!fast) {
                        gates.await("slow-activity");
                    }
                    return "activity-result";
                })
                .orchestration("MaybeSlowChild", Boolean.class, (ctx, fast) ->
                        fast ? "child-result" : ctx.waitForEvent("NeverSent").await())
                .orchestration("Heterogeneous", Winner.class, (ctx, w) -> {
                    DurableFuture<String> activity = ctx.scheduleActivity("MaybeSlow", w == Winner.ACTIVITY);
                    DurableFuture<Void> timer = ctx.scheduleTimer(w == Winner.TIMER ? SHORT_TIMER : NEVER_FIRES);
                    DurableFuture<String> event = ctx.waitForEvent("Signal");
                    DurableFuture<String> child = ctx.scheduleSubOrchestration("MaybeSlowChild",
                            w == Winner.SUB_ORCHESTRATION, String.class);
                    return describe(ctx.select(activity, timer, event, child).await());
                })
                .build());

        String id = "hetero-" + winner.name().toLowerCase();
        client.startOrchestration(id, "Heterogeneous", winner);
        if (winner == Winner.EVENT) {
            awaitSubscribed(id, "Signal");
            client.raiseEvent(id, "Signal", "event-data");
        }

        String expected = switch (winner) {
            case ACTIVITY -> "0:activity-result";
            case TIMER -> "1:null";
            case EVENT -> "2:event-data";
            case SUB_ORCHESTRATION -> "3:child-result";
        };
        assertThat(awaitCompleted(id).output(String.class)).as("winner of select for %s", winner).isEqualTo(expected);
        List<HistoryEvent> h = history(id);
        HistoryAssertions.assertWellFormed(h);
        assertThat(h.get(h.size() - 1)).isInstanceOf(OrchestrationCompleted.class);
        assertThat(eventsOf(h, SubOrchestrationCompleted.class).size())
                .as("the child completed only when it was the winner")
                .isEqualTo(winner == Winner.SUB_ORCHESTRATION ? 1 : 0);
    }
}
