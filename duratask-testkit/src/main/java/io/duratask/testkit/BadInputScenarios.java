package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.assertCompletedCleanly;
import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static io.duratask.testkit.HistoryAssertions.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.ActivityFailedException;
import io.duratask.DurableFuture;
import io.duratask.InstanceExistsException;
import io.duratask.NonDeterminismException;
import io.duratask.PayloadException;
import io.duratask.Registry;
import io.duratask.SubOrchestrationFailedException;
import io.duratask.UnknownNameException;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.Provider;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What happens with bad input: unknown names, payloads that do not read as the registered type,
 * duplicate instance ids, and code that changed under a running instance (nondeterminism).
 */
public abstract class BadInputScenarios extends ScenarioSupport {

    public record Shipment(String address, int parcels) {}

    public record CaughtFailure(String exceptionType, String exceptionMessage, String causeType, String causeMessage) {}

    private Registry waiterRegistry() {
        return Registry.builder()
                .orchestration("Waiter", (ctx, input) -> input + " released by " + ctx.waitForEvent("Release").await())
                .build();
    }

    @Test
    void unknownOrchestrationNameIsRejectedAtStartAndRunningInstancesAreUnaffected() {
        start(waiterRegistry());
        client.startOrchestration("running-1", "Waiter", "keep");
        awaitSubscribed("running-1", "Release");

        assertThatThrownBy(() -> client.startOrchestration("unknown-1", "NoSuchOrchestration", "in"))
                .isInstanceOf(UnknownNameException.class)
                .hasMessageContaining("NoSuchOrchestration")
                .satisfies(e -> {
                    assertThat(((UnknownNameException) e).name()).isEqualTo("NoSuchOrchestration");
                    assertThat(((UnknownNameException) e).kind()).isEqualTo("orchestration");
                });
        assertThat(client.getStatus("unknown-1")).as("a rejected start creates no instance").isEmpty();

        client.raiseEvent("running-1", "Release", "test");
        assertThat(awaitCompleted("running-1").output(String.class)).isEqualTo("keep released by test");
        assertCompletedCleanly(history("running-1"));
    }

    @Test
    void unknownActivityNameFailsTheAwaitWithActivityFailedException() {
        start(Registry.builder()
                .orchestration("CallsMissing", (ctx, input) -> {
                    try {
                        ctx.scheduleActivity("NoSuchActivity", input).await();
                        return null;
                    } catch (ActivityFailedException e) {
                        return new CaughtFailure(e.getClass().getName(), e.getMessage(), e.activityFailure().type(),
                                e.activityFailure().message());
                    }
                })
                .build());

        client.startOrchestration("missing-activity", "CallsMissing", "x");

        CaughtFailure f = awaitCompleted("missing-activity").output(CaughtFailure.class);
        assertThat(f.exceptionMessage()).as("ActivityFailedException message names the missing activity")
                .contains("NoSuchActivity");
        assertThat(f.causeType()).isEqualTo(UnknownNameException.class.getName());
        assertThat(f.causeMessage()).contains("NoSuchActivity");
    }

    @Test
    void activityInputThatDoesNotDeserializeFailsTheAwaitNamingTheType() {
        start(Registry.builder()
                .activity("Ship", Shipment.class, (actx, s) -> "shipped to " + s.address())
                .orchestration("ShipsText", (ctx, input) -> {
                    try {
                        return ctx.scheduleActivity("Ship", "not a shipment").await();
                    } catch (ActivityFailedException e) {
                        return new CaughtFailure(e.getClass().getName(), e.getMessage(), e.activityFailure().type(),
                                e.activityFailure().message());
                    }
                })
                .build());

        client.startOrchestration("bad-activity-input", "ShipsText", "");

        CaughtFailure f = awaitCompleted("bad-activity-input").output(CaughtFailure.class);
        assertThat(f.exceptionType()).isEqualTo(ActivityFailedException.class.getName());
        assertThat(f.causeType()).isEqualTo(PayloadException.class.getName());
        assertThat(f.causeMessage()).as("the failure names the activity's declared input type")
                .contains(Shipment.class.getName()).contains("Ship");
        assertThat(f.exceptionMessage()).contains(Shipment.class.getName());
    }

    @Test
    void orchestrationInputThatDoesNotDeserializeFailsTheInstanceNamingTheType() {
        start(Registry.builder()
                .orchestration("TypedShipping", Shipment.class, (ctx, s) -> s.address())
                .build());

        client.startOrchestration("bad-orchestration-input", "TypedShipping", "just a string");

        OrchestrationStatus status = awaitFailed("bad-orchestration-input");
        assertThat(status.failure().message()).as("the failure names the declared input type")
                .contains(Shipment.class.getName());
        assertThat(status.failure().type()).isEqualTo(PayloadException.class.getName());
        List<HistoryEvent> h = history("bad-orchestration-input");
        HistoryAssertions.assertWellFormed(h);
        assertThat(h.get(h.size() - 1)).isInstanceOf(OrchestrationFailed.class);
    }

    @Test
    void startingAnExistingInstanceIdIsRejectedAndTheExistingInstanceIsUnaffected() {
        start(waiterRegistry());
        client.startOrchestration("dup-1", "Waiter", "first");

        assertThatThrownBy(() -> client.startOrchestration("dup-1", "Waiter", "second"))
                .isInstanceOf(InstanceExistsException.class)
                .hasMessageContaining("dup-1")
                .satisfies(e -> assertThat(((InstanceExistsException) e).instanceId()).isEqualTo("dup-1"));

        awaitSubscribed("dup-1", "Release");
        assertThat(client.getStatus("dup-1").orElseThrow().input(String.class)).isEqualTo("first");
        client.raiseEvent("dup-1", "Release", "test");
        OrchestrationStatus status = awaitCompleted("dup-1");
        assertThat(status.output(String.class)).as("the existing instance keeps its input").isEqualTo("first released by test");
        List<HistoryEvent> h = history("dup-1");
        assertThat(eventsOf(h, OrchestrationStarted.class)).extracting(OrchestrationStarted::input)
                .as("one start, with the first input").containsExactly("\"first\"");
        assertCompletedCleanly(h);
    }

    @Test
    void subOrchestrationWithAnUnknownNameFailsTheParentAwait() {
        start(Registry.builder()
                .orchestration("CallsMissingChild", (ctx, input) -> {
                    try {
                        return ctx.scheduleSubOrchestration("NoSuchChild", input, String.class).await();
                    } catch (SubOrchestrationFailedException e) {
                        return new CaughtFailure(e.getClass().getName(), e.getMessage(), e.childFailure().type(),
                                e.childFailure().message());
                    }
                })
                .build());

        client.startOrchestration("missing-child", "CallsMissingChild", "x");

        CaughtFailure f = awaitCompleted("missing-child").output(CaughtFailure.class);
        assertThat(f.causeType()).isEqualTo(UnknownNameException.class.getName());
        assertThat(f.causeMessage()).contains("NoSuchChild");
        assertThat(f.exceptionMessage()).contains("NoSuchChild");
    }

    @Test
    void detachedStartOfAnUnknownOrchestrationFailsOnlyThatInstance() {
        start(Registry.builder()
                .orchestration("LaunchesMissing", (ctx, input) -> ctx.startOrchestration("NoSuchDetached", input))
                .build());

        client.startOrchestration("launches-missing", "LaunchesMissing", "x");

        String detachedId = awaitCompleted("launches-missing").output(String.class);
        OrchestrationStatus detached = awaitFailed(detachedId);
        assertThat(detached.failure().type()).isEqualTo(UnknownNameException.class.getName());
        assertThat(detached.failure().message()).contains("NoSuchDetached");
    }

    @Test
    void changedActivityInputOnReplayIsNondeterminism() {
        AtomicReference<String> activityInput = new AtomicReference<>("v1");
        Registry registry = Registry.builder()
                .activity("Echo", (actx, s) -> s)
                .orchestration("InputDrift", (ctx, input) -> {
                    String r = ctx.scheduleActivity("Echo", activityInput.get()).await();
                    return r + "+" + ctx.waitForEvent("Go").await();
                })
                .build();
        Provider store = survivingProvider();
        start(store, registry);
        client.startOrchestration("drift-1", "InputDrift", "");
        awaitSubscribed("drift-1", "Go");
        stopRuntime();

        activityInput.set("v2");
        start(store, registry);
        client.raiseEvent("drift-1", "Go", "go");

        OrchestrationStatus failed = awaitFailed("drift-1");
        assertThat(failed.failure().type()).isEqualTo(NonDeterminismException.class.getName());
        assertThat(failed.failure().message()).as("history holds the old input, the code passed the new one")
                .contains("ActivityScheduled(name=Echo, input=\"v1\")")
                .contains("scheduleActivity(name=Echo, input=\"v2\")");
    }

    /**
     * The new code awaits activity A where the old code went on to schedule B: on replay the code is
     * parked while history holds {@code ActivityScheduled(B)}. The message must still say plainly what the
     * code did, not print an engine object's identity.
     */
    @Test
    void nondeterminismWhereTheCodeNowWaitsNamesWhatItWaitedFor() {
        AtomicBoolean awaitFirst = new AtomicBoolean();
        Registry registry = Registry.builder()
                .activity("A", (actx, s) -> "a")
                .activity("B", (actx, s) -> "b")
                .orchestration("WaitsEarly", (ctx, input) -> {
                    DurableFuture<String> a = ctx.scheduleActivity("A", input);
                    if (awaitFirst.get()) {
                        a.await();
                    }
                    DurableFuture<String> b = ctx.scheduleActivity("B", input);
                    return String.join(",", ctx.join(List.of(a, b)).await()) + "+" + ctx.waitForEvent("Go").await();
                })
                .build();
        Provider store = survivingProvider();
        start(store, registry);
        client.startOrchestration("waits-early", "WaitsEarly", "in");
        awaitSubscribed("waits-early", "Go");
        stopRuntime();

        awaitFirst.set(true);
        start(store, registry);
        client.raiseEvent("waits-early", "Go", "go");

        OrchestrationStatus failed = awaitFailed("waits-early");
        assertThat(failed.failure().type()).isEqualTo(NonDeterminismException.class.getName());
        assertThat(failed.failure().message()).as("nondeterminism message when the code waits instead of scheduling")
                .contains("'waits-early'")
                .contains("event 3")
                .contains("ActivityScheduled(name=B")
                .contains(BadInputScenarios.class.getSimpleName() + ".java:")
                .doesNotContainPattern("[A-Za-z]+Future@[0-9a-f]+")
                .doesNotContain("did waited");
    }

    @Test
    void nondeterministicCodeChangeFailsOnlyTheAffectedInstance() {
        AtomicReference<String> activityToCall = new AtomicReference<>("A");
        Registry registry = Registry.builder()
                .activity("A", (actx, s) -> "a")
                .activity("B", (actx, s) -> "b")
                .orchestration("Flaky", (ctx, input) -> {
                    String r = ctx.scheduleActivity(activityToCall.get(), input).await();
                    return r + "+" + ctx.waitForEvent("Go").await();
                })
                .orchestration("Steady", (ctx, input) -> "steady+" + ctx.waitForEvent("Go").await())
                .build();
        Provider store = survivingProvider();
        start(store, registry);
        client.startOrchestration("flaky-1", "Flaky", "in");
        client.startOrchestration("steady-1", "Steady", "in");
        List<HistoryEvent> beforeChange = awaitSubscribed("flaky-1", "Go");
        awaitSubscribed("steady-1", "Go");
        stopRuntime();

        activityToCall.set("B"); // "deploy" code that takes another path
        start(store, registry);
        client.startOrchestration("flaky-2", "Flaky", "in"); // started on the new code: fine
        client.raiseEvent("flaky-1", "Go", "go");
        client.raiseEvent("steady-1", "Go", "go");
        client.raiseEvent("flaky-2", "Go", "go");

        OrchestrationStatus failed = awaitFailed("flaky-1");
        assertThat(failed.failure().type()).isEqualTo(NonDeterminismException.class.getName());
        String message = failed.failure().message();
        assertThat(message).as("nondeterminism message")
                .contains(NonDeterminismException.CODE)
                .contains("'flaky-1'")
                .contains("event 2")
                .contains("ActivityScheduled(name=A")
                .contains("scheduleActivity(name=B")
                .contains(BadInputScenarios.class.getSimpleName() + ".java:");
        List<HistoryEvent> h = history("flaky-1");
        assertThat(h.subList(0, beforeChange.size())).as("the recorded history is kept as it was").isEqualTo(beforeChange);
        assertThat(h.get(h.size() - 1)).as("the instance ends with OrchestrationFailed\n%s", format(h))
                .isInstanceOf(OrchestrationFailed.class);
        assertThat(eventsOf(h, ActivityScheduled.class)).extracting(ActivityScheduled::name)
                .as("the new code's decision is not recorded").containsExactly("A");
        HistoryAssertions.assertWellFormed(h);

        assertThat(awaitCompleted("steady-1").output(String.class)).as("another running instance is untouched")
                .isEqualTo("steady+go");
        assertThat(awaitCompleted("flaky-2").output(String.class)).as("an instance started on the new code runs")
                .isEqualTo("b+go");
    }
}
