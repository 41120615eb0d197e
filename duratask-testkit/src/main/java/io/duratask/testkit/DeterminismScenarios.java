package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.assertCompletedCleanly;
import static io.duratask.testkit.HistoryAssertions.assertSameHistory;
import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static io.duratask.testkit.HistoryAssertions.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.ActivityFailedException;
import io.duratask.DurableFuture;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.Selected;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import io.duratask.spi.Provider;
import io.duratask.testkit.ReplayReport.Problem;
import io.duratask.testkit.ReplayReport.Result;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Determinism across runtime settings and code versions: the execution cache on and off give the same
 * histories, and {@link HistoryReplayer} reads the provider's histories back against the code that
 * wrote them (no break) and against changed code (every affected instance reported).
 */
public abstract class DeterminismScenarios extends ScenarioSupport {

    // ---- cache on and off: the same history ----------------------------------------------------------

    /** Activities, a failure, timers, an event, a sub-orchestration, select and join; the test orders every completion. */
    private static Registry everythingRegistry(Gates gates) {
        return Registry.builder()
                .activity("Step", (actx, s) -> "step(" + s + ")")
                .activity("Gated", (actx, s) -> {
                    gates.await(s);
                    return "gated(" + s + ")";
                })
                .activity("Refuse", (actx, s) -> {
                    throw new IllegalStateException("refused " + s);
                })
                .orchestration("EverythingChild", (ctx, in) -> {
                    String r = ctx.scheduleActivity("Step", "child:" + in).await();
                    ctx.scheduleTimer(SHORT_TIMER).await();
                    return r + "+timer";
                })
                .orchestration("Everything", (ctx, in) -> {
                    UUID uuid = ctx.newUuid();             // random, recorded: differs between runs, not within one
                    int dice = ctx.random().nextInt(6);
                    ctx.now();
                    ctx.setCustomStatus("started");
                    String a = ctx.scheduleActivity("Step", in).await();
                    ctx.scheduleTimer(SHORT_TIMER).await();
                    String go = ctx.waitForEvent("Go").await();
                    String child = ctx.scheduleSubOrchestration("EverythingChild", a, String.class).await();
                    Selected won = ctx.select(ctx.scheduleActivity("Step", "race"), ctx.scheduleTimer(NEVER_FIRES)).await();
                    String refused;
                    try {
                        ctx.scheduleActivity("Refuse", "x").await();
                        refused = "not refused";
                    } catch (ActivityFailedException e) {
                        refused = e.activityFailure().message();
                    }
                    List<DurableFuture<String>> gated = List.of(ctx.scheduleActivity("Gated", "j1"),
                            ctx.scheduleActivity("Gated", "j2"), ctx.scheduleActivity("Gated", "j3"));
                    List<String> joined = ctx.join(gated).await();
                    ctx.setCustomStatus("done " + uuid.toString().length() + " " + (dice >= 0));
                    return String.join(" | ", a, go, child, won.index() + ":" + won.value(), refused, joined.toString());
                })
                .build();
    }

    private record Run(String output, List<HistoryEvent> parent, List<HistoryEvent> child, long cacheHits) {}

    private Run runEverything(RuntimeOptions options) {
        Gates local = new Gates();
        try {
            start(createProvider(), everythingRegistry(local), options);
            client.startOrchestration("everything", "Everything", "in");
            awaitSubscribed("everything", "Go");
            client.raiseEvent("everything", "Go", "go!");
            List<HistoryEvent> h = awaitHistory("everything", "3 Gated activities scheduled",
                    x -> eventsOf(x, ActivityScheduled.class).stream().filter(a -> a.name().equals("Gated")).count() == 3);
            List<ActivityScheduled> gated = eventsOf(h, ActivityScheduled.class).stream()
                    .filter(a -> a.name().equals("Gated")).toList();
            for (int i : new int[] {1, 2, 0}) {   // complete out of argument order, one at a time
                ActivityScheduled a = gated.get(i);
                local.open(a.input().replace("\"", ""));
                awaitEvent("everything", ActivityCompleted.class, c -> c.scheduledId() == a.eventId());
            }
            String output = awaitCompleted("everything").output(String.class);
            List<HistoryEvent> parent = history("everything");
            String childId = single(parent, SubOrchestrationScheduled.class).instanceId();
            awaitCompleted(childId);
            return new Run(output, parent, history(childId), runtime().cacheStats()[0]);
        } finally {
            local.openAll();
        }
    }

    @Test
    void cacheOnAndCacheOffWriteIdenticalHistories() {
        Run cached = runEverything(withCacheSize(runtimeOptions(), RuntimeOptions.defaults().cacheSize()));
        Run replayed = runEverything(withCacheSize(runtimeOptions(), 0));

        assertThat(cached.cacheHits()).as("with the cache on, later turns are served from the cache").isPositive();
        assertThat(replayed.cacheHits()).as("with cacheSize 0, every turn replays").isZero();
        assertThat(cached.output()).isEqualTo(
                "step(in) | go! | step(child:step(in))+timer | 0:step(race) | refused x | [gated(j1), gated(j2), gated(j3)]");
        assertThat(replayed.output()).as("output with the cache off").isEqualTo(cached.output());
        assertCompletedCleanly(cached.parent());
        assertSameHistory("parent history, cache on vs off", cached.parent(), replayed.parent());
        assertSameHistory("child history, cache on vs off", cached.child(), replayed.child());
    }

    // ---- HistoryReplayer over the provider ----------------------------------------------------------------

    private Registry replayRegistry(boolean changed) {
        return Registry.builder()
                .activity("Greet", (actx, s) -> "hello " + s)
                .activity("Shout", (actx, s) -> s.toUpperCase())
                .activity("Refuse", (actx, s) -> {
                    throw new IllegalStateException("refused " + s);
                })
                .orchestration("Greeter", (ctx, name) -> {
                    String greeting = ctx.scheduleActivity("Greet", name).await();
                    return changed ? ctx.scheduleActivity("Shout", greeting + "!").await()   // input changed
                            : ctx.scheduleActivity("Shout", greeting).await();
                })
                .orchestration("Waiter", (ctx, name) -> {
                    String greeting = ctx.scheduleActivity("Greet", name).await();
                    if (changed) {
                        ctx.scheduleTimer(SHORT_TIMER).await();                             // added call
                    }
                    return greeting + " " + ctx.waitForEvent("Release").await();
                })
                .orchestration("Looper", Integer.class, (ctx, n) -> {
                    ctx.scheduleActivity("Greet", "round " + n).await();
                    if (n < 3) {
                        ctx.continueAsNew(n + 1);
                    }
                    return n;
                })
                .orchestration("Failer", (ctx, name) -> ctx.scheduleActivity("Refuse", name).await())
                .build();
    }

    private void recordReplayInstances() {
        client.startOrchestration("greeter-1", "Greeter", "ann");
        client.startOrchestration("greeter-2", "Greeter", "bob");
        client.startOrchestration("waiter-1", "Waiter", "cid");
        client.startOrchestration("looper-1", "Looper", 1);
        client.startOrchestration("failer-1", "Failer", "dan");
        awaitCompleted("greeter-1");
        awaitCompleted("greeter-2");
        awaitCompleted("looper-1");
        awaitFailed("failer-1");
        awaitSubscribed("waiter-1", "Release");
    }

    @Test
    void historyReplayerWalksTheProviderAndFindsNoBreakWithTheSameCode() {
        Registry registry = replayRegistry(false);
        start(registry);
        recordReplayInstances();

        ReplayReport current = HistoryReplayer.builder(registry).pageSize(2).like(runtimeOptions()).build()
                .replayProvider(runtime().provider());
        assertThat(current.results()).as("one result per instance, across pages of 2\n%s", current)
                .extracting(Result::instanceId)
                .containsExactlyInAnyOrder("greeter-1", "greeter-2", "waiter-1", "looper-1", "failer-1");
        current.assertNoBreaks();
        assertThat(current.skipped()).as("nothing skipped\n%s", current).isEmpty();
        assertThat(current.result("looper-1").executionId()).as("the current execution of looper-1").isEqualTo(3);

        ReplayReport all = HistoryReplayer.builder(registry).pageSize(2).build().replayProvider(runtime().provider(), true);
        assertThat(all.results(current.result("looper-1").instanceId())).as("every execution of looper-1\n%s", all)
                .extracting(Result::executionId).containsExactly(1L, 2L, 3L);
        assertThat(all.results()).hasSize(7);
        all.assertNoBreaks();
    }

    @Test
    void historyReplayerReportsEveryInstanceChangedCodeWouldBreak() {
        start(replayRegistry(false));
        recordReplayInstances();

        ReplayReport report = HistoryReplayer.builder(replayRegistry(true)).pageSize(2).like(runtimeOptions()).build()
                .replayProvider(runtime().provider(), true);

        assertThat(report.broken()).as("broken instances\n%s", report).extracting(Result::instanceId)
                .containsExactlyInAnyOrder("greeter-1", "greeter-2", "waiter-1");
        assertThat(report.broken()).allSatisfy(r -> assertThat(r.problem()).isEqualTo(Problem.NONDETERMINISM));
        assertThat(report.result("greeter-1").message()).as(report.toString())
                .contains("event 4").contains("ActivityScheduled(name=Shout, input=\"hello ann\")")
                .contains("input=\"hello ann!\"");
        assertThat(report.result("waiter-1").message()).as(report.toString())
                .contains("event 4").contains("EventSubscribed(name=Release)").contains("scheduleTimer");
        assertThat(report.results("looper-1")).hasSize(3).allSatisfy(r -> assertThat(r.isOk()).isTrue());
        assertThat(report.result("failer-1").isOk()).as("a failure the code produced replays fine").isTrue();
    }

    @Test
    void historyReplayerSeesTheCodeThatRunsAfterARestart() {
        Registry registry = replayRegistry(false);
        Provider store = survivingProvider();
        start(store, registry);
        recordReplayInstances();
        stopRuntime();

        new HistoryReplayer(registry).replayProvider(store, true).assertNoBreaks();
        start(store, registry);   // the replayer left the store as it was: the waiting instance goes on
        client.raiseEvent("waiter-1", "Release", "released");
        assertThat(awaitCompleted("waiter-1").output(String.class)).isEqualTo("hello cid released");
    }
}
