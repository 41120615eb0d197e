package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.Registry;
import io.duratask.client.OrchestrationStatus;
import io.duratask.client.StartOptions;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.SideEffectRecorded;
import io.duratask.spi.Provider;
import org.junit.jupiter.api.Test;

/** Versions side by side, version upgrades through continue-as-new, and in-place patches. */
public abstract class VersioningScenarios extends ScenarioSupport {

    private static Registry.Builder twoVersions() {
        return Registry.builder()
                .orchestration("Greeter", "1", String.class, (ctx, in) ->
                        "v1 " + ctx.version() + " " + ctx.waitForEvent("Go").await() + " " + in)
                .orchestration("Greeter", "2", String.class, (ctx, in) ->
                        "v2 " + ctx.version() + " " + ctx.waitForEvent("Go").await() + " " + in);
    }

    @Test
    void startTakesTheLatestVersionUnlessToldAndARunningExecutionKeepsItsVersion() {
        Provider store = survivingProvider();
        start(store, Registry.builder()
                .orchestration("Greeter", "1", String.class, (ctx, in) ->
                        "v1 " + ctx.version() + " " + ctx.waitForEvent("Go").await() + " " + in)
                .build());
        client.startOrchestration("old", "Greeter", "a");
        awaitSubscribed("old", "Go");
        stopRuntime();

        start(store, twoVersions().build()); // a deploy adds version 2
        client.startOrchestration("new", "Greeter", "b");
        client.startOrchestration("pinned", "Greeter", "c", StartOptions.defaults().withVersion("1"));
        for (String id : new String[] {"old", "new", "pinned"}) {
            awaitSubscribed(id, "Go");
            client.raiseEvent(id, "Go", "go");
        }
        assertThat(awaitCompleted("old").output(String.class)).isEqualTo("v1 1 go a");
        OrchestrationStatus fresh = awaitCompleted("new");
        assertThat(fresh.output(String.class)).isEqualTo("v2 2 go b");
        assertThat(fresh.version()).isEqualTo("2");
        assertThat(awaitCompleted("pinned").output(String.class)).isEqualTo("v1 1 go c");
    }

    @Test
    void continueAsNewMovesAnEternalOrchestrationToANewVersion() {
        start(Registry.builder()
                .orchestration("Eternal", "1", Integer.class, (ctx, round) ->
                        ctx.continueAsNew(round + 1, "2"))
                .orchestration("Eternal", "2", Integer.class, (ctx, round) ->
                        "round " + round + " on version " + ctx.version())
                .build());
        client.startOrchestration("eternal", "Eternal", 1, StartOptions.defaults().withVersion("1"));
        OrchestrationStatus s = awaitCompleted("eternal");
        assertThat(s.output(String.class)).isEqualTo("round 2 on version 2");
        assertThat(s.executionId()).isEqualTo(2);
    }

    @Test
    void isPatchedKeepsReplayingExecutionsOnTheOldBranchAndSendsNewOnesDownTheNewOne() {
        Registry.Builder activities = Registry.builder()
                .activity("Charge", (actx, in) -> "charged " + in)
                .activity("ChargeWithTax", (actx, in) -> "charged with tax " + in);
        Provider store = survivingProvider();
        start(store, Registry.builder()
                .activity("Charge", (actx, in) -> "charged " + in)
                .orchestration("Billing", (ctx, in) -> {
                    String first = ctx.scheduleActivity("Charge", in).await();
                    return first + " / " + ctx.waitForEvent("Next").await();
                })
                .build());
        client.startOrchestration("before-patch", "Billing", "A");
        awaitSubscribed("before-patch", "Next");
        stopRuntime();

        start(store, activities
                .orchestration("Billing", (ctx, in) -> {
                    String first = ctx.isPatched("tax")
                            ? ctx.scheduleActivity("ChargeWithTax", in).await()
                            : ctx.scheduleActivity("Charge", in).await();
                    return first + " / " + ctx.waitForEvent("Next").await();
                })
                .build());
        client.startOrchestration("after-patch", "Billing", "B");
        awaitSubscribed("after-patch", "Next");
        client.raiseEvent("before-patch", "Next", "done");
        client.raiseEvent("after-patch", "Next", "done");
        assertThat(awaitCompleted("before-patch").output(String.class)).isEqualTo("charged A / done");
        assertThat(awaitCompleted("after-patch").output(String.class)).isEqualTo("charged with tax B / done");
        assertThat(history("after-patch")).anyMatch(e -> e instanceof SideEffectRecorded s && s.kind().equals("patch:tax"));
        assertThat(history("before-patch")).noneMatch(e -> e instanceof SideEffectRecorded)
                .anyMatch(e -> e instanceof ActivityScheduled a && a.name().equals("Charge"));
    }
}
