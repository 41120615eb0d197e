package io.duratask.testkit;

import static io.duratask.testkit.HistoryAssertions.assertCompletedCleanly;
import static io.duratask.testkit.HistoryAssertions.eventsOf;
import static io.duratask.testkit.HistoryAssertions.format;
import static io.duratask.testkit.HistoryAssertions.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableFuture;
import io.duratask.InstanceExistsException;
import io.duratask.Registry;
import io.duratask.RuntimeStatus;
import io.duratask.SubOrchestrationFailedException;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.OrchestrationChained;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.SubOrchestrationCompleted;
import io.duratask.history.HistoryEvent.SubOrchestrationFailed;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sub-orchestrations (basic, fan-out, chained, failure propagation, explicit ids in use) and detached
 * orchestrations started with {@code ctx.startOrchestration}.
 */
public abstract class SubOrchestrationScenarios extends ScenarioSupport {

    public record ChildFailure(String childInstanceId, String childName, String failureType, String failureMessage) {}

    public record Rejection(String childInstanceId, boolean causedByInstanceExists, String childFailureType,
                            String message) {}

    @Test
    void subOrchestrationReturnsItsResultToTheParent() {
        start(Registry.builder()
                .activity("Square", Integer.class, (actx, i) -> i * i)
                .orchestration("SquarePlusOne", Integer.class, (ctx, n) ->
                        ctx.scheduleActivity("Square", n, Integer.class).await() + 1)
                .orchestration("Parent", Integer.class, (ctx, n) ->
                        "child said " + ctx.scheduleSubOrchestration("SquarePlusOne", n, Integer.class).await())
                .build());

        client.startOrchestration("parent-1", "Parent", 6);

        assertThat(awaitCompleted("parent-1").output(String.class)).isEqualTo("child said 37");
        List<HistoryEvent> h = history("parent-1");
        assertCompletedCleanly(h);
        SubOrchestrationScheduled scheduled = single(h, SubOrchestrationScheduled.class);
        assertThat(scheduled.name()).isEqualTo("SquarePlusOne");
        assertThat(single(h, SubOrchestrationCompleted.class).scheduledId()).isEqualTo(scheduled.eventId());

        String childId = scheduled.instanceId();
        OrchestrationStatus child = awaitCompleted(childId);
        assertThat(child.output(Integer.class)).isEqualTo(37);
        assertThat(child.parentInstanceId()).as("the child knows its parent").isEqualTo("parent-1");
        List<HistoryEvent> ch = history(childId);
        assertCompletedCleanly(ch);
        assertThat(((OrchestrationStarted) ch.get(0)).parent().instanceId()).isEqualTo("parent-1");
        assertThat(((OrchestrationStarted) ch.get(0)).parent().scheduledId()).isEqualTo(scheduled.eventId());
    }

    @Test
    void subOrchestrationFanOutJoinsTenChildren() {
        start(Registry.builder()
                .orchestration("TimesTen", Integer.class, (ctx, i) -> i * 10)
                .orchestration("FanOutParent", Integer.class, (ctx, n) -> {
                    List<DurableFuture<Integer>> children = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        children.add(ctx.scheduleSubOrchestration("TimesTen", i, Integer.class));
                    }
                    return ctx.join(children).await();
                })
                .build());

        client.startOrchestration("fanout-parent", "FanOutParent", 10);

        assertThat(awaitCompleted("fanout-parent").output(Integer[].class)).as("child results in argument order")
                .containsExactly(0, 10, 20, 30, 40, 50, 60, 70, 80, 90);
        List<HistoryEvent> h = history("fanout-parent");
        assertCompletedCleanly(h);
        List<SubOrchestrationScheduled> scheduled = eventsOf(h, SubOrchestrationScheduled.class);
        assertThat(scheduled).hasSize(10);
        assertThat(new HashSet<>(scheduled.stream().map(SubOrchestrationScheduled::instanceId).toList()))
                .as("generated child ids are distinct").hasSize(10);
        assertThat(eventsOf(h, SubOrchestrationCompleted.class)).hasSize(10);
        for (SubOrchestrationScheduled s : scheduled) {
            OrchestrationStatus child = awaitCompleted(s.instanceId());
            assertThat(child.parentInstanceId()).isEqualTo("fanout-parent");
        }
    }

    @Test
    void chainedSubOrchestrationsReachAGrandchild() {
        start(Registry.builder()
                .activity("Wrap", (actx, s) -> "leaf(" + s + ")")
                .orchestration("Leaf", (ctx, s) -> ctx.scheduleActivity("Wrap", s).await())
                .orchestration("Middle", (ctx, s) ->
                        "middle(" + ctx.scheduleSubOrchestration("Leaf", s, String.class).await() + ")")
                .orchestration("Root", (ctx, s) ->
                        "root(" + ctx.scheduleSubOrchestration("Middle", s, String.class).await() + ")")
                .build());

        client.startOrchestration("root-1", "Root", "x");

        assertThat(awaitCompleted("root-1").output(String.class)).isEqualTo("root(middle(leaf(x)))");
        String middleId = single(history("root-1"), SubOrchestrationScheduled.class).instanceId();
        OrchestrationStatus middle = awaitCompleted(middleId);
        assertThat(middle.parentInstanceId()).isEqualTo("root-1");
        String leafId = single(history(middleId), SubOrchestrationScheduled.class).instanceId();
        OrchestrationStatus leaf = awaitCompleted(leafId);
        assertThat(leaf.parentInstanceId()).as("the grandchild's parent is the child").isEqualTo(middleId);
        assertThat(leaf.output(String.class)).isEqualTo("leaf(x)");
        assertCompletedCleanly(history("root-1"));
        assertCompletedCleanly(history(middleId));
        assertCompletedCleanly(history(leafId));
    }

    private Registry failingChildRegistry() {
        return Registry.builder()
                .orchestration("FailingChild", (ctx, sku) -> {
                    throw new IllegalStateException("inventory missing for " + sku);
                })
                .orchestration("CatchingParent", (ctx, sku) -> {
                    try {
                        return ctx.scheduleSubOrchestration("FailingChild", sku, String.class).await();
                    } catch (SubOrchestrationFailedException e) {
                        return new ChildFailure(e.instanceId(), e.orchestrationName(), e.childFailure().type(),
                                e.childFailure().message());
                    }
                })
                .orchestration("CarelessParent", (ctx, sku) ->
                        ctx.scheduleSubOrchestration("FailingChild", sku, String.class).await())
                .build();
    }

    @Test
    void childFailureIsCaughtByTheParentAsSubOrchestrationFailedException() {
        start(failingChildRegistry());

        client.startOrchestration("catching-parent", "CatchingParent", "sku-9");

        ChildFailure f = awaitCompleted("catching-parent").output(ChildFailure.class);
        List<HistoryEvent> h = history("catching-parent");
        String childId = single(h, SubOrchestrationScheduled.class).instanceId();
        assertThat(f.childInstanceId()).isEqualTo(childId);
        assertThat(f.childName()).isEqualTo("FailingChild");
        assertThat(f.failureType()).isEqualTo(IllegalStateException.class.getName());
        assertThat(f.failureMessage()).isEqualTo("inventory missing for sku-9");
        SubOrchestrationFailed failed = single(h, SubOrchestrationFailed.class);
        assertThat(failed.failure().type()).isEqualTo(IllegalStateException.class.getName());
        assertCompletedCleanly(h);

        OrchestrationStatus child = awaitFailed(childId);
        assertThat(child.failure().message()).isEqualTo("inventory missing for sku-9");
    }

    @Test
    void uncaughtChildFailureFailsTheParent() {
        start(failingChildRegistry());

        client.startOrchestration("careless-parent", "CarelessParent", "sku-10");

        OrchestrationStatus parent = awaitFailed("careless-parent");
        assertThat(parent.failure().type()).isEqualTo(SubOrchestrationFailedException.class.getName());
        assertThat(parent.failure().message()).contains("FailingChild").contains("inventory missing for sku-10");
        assertThat(parent.failure().isCausedBy(IllegalStateException.class))
                .as("the parent's failure carries the child's failure as its cause: %s", parent.failure()).isTrue();
        HistoryAssertions.assertWellFormed(history("careless-parent"));
    }

    @ParameterizedTest(name = "existing instance finished = {0}")
    @ValueSource(booleans = {false, true})
    void explicitChildIdAlreadyInUseFailsTheAwaitWithInstanceExists(boolean existingFinished) {
        start(Registry.builder()
                .orchestration("Waiter", (ctx, input) -> input + " released by " + ctx.waitForEvent("Release").await())
                .orchestration("ExplicitIdParent", (ctx, childId) -> {
                    try {
                        return ctx.scheduleSubOrchestration("Waiter", childId, "from-parent", String.class).await();
                    } catch (SubOrchestrationFailedException e) {
                        return new Rejection(e.instanceId(), e.childFailure().isCausedBy(InstanceExistsException.class),
                                e.childFailure().type(), e.getMessage());
                    }
                })
                .build());

        client.startOrchestration("taken-child", "Waiter", "original");
        awaitSubscribed("taken-child", "Release");
        if (existingFinished) {
            client.raiseEvent("taken-child", "Release", "test");
            awaitCompleted("taken-child");
        }

        client.startOrchestration("explicit-parent", "ExplicitIdParent", "taken-child");

        Rejection r = awaitCompleted("explicit-parent").output(Rejection.class);
        assertThat(r.childInstanceId()).isEqualTo("taken-child");
        assertThat(r.causedByInstanceExists())
                .as("child failure is caused by InstanceExistsException (type was %s)", r.childFailureType()).isTrue();
        assertThat(r.childFailureType()).isEqualTo(InstanceExistsException.class.getName());
        assertThat(r.message()).contains("taken-child");

        if (!existingFinished) {
            client.raiseEvent("taken-child", "Release", "test");
        }
        OrchestrationStatus existing = awaitCompleted("taken-child");
        assertThat(existing.output(String.class)).as("the existing instance keeps its own input")
                .isEqualTo("original released by test");
        assertThat(existing.parentInstanceId()).as("the existing instance is not adopted").isNull();
        List<HistoryEvent> eh = history("taken-child");
        assertThat(eventsOf(eh, OrchestrationStarted.class)).as("no second start in the existing history\n%s", format(eh))
                .hasSize(1);
        assertCompletedCleanly(eh);
    }

    @Test
    void detachedOrchestrationRunsOnItsOwnAndTheParentDoesNotWait() {
        start(Registry.builder()
                .orchestration("Detached", (ctx, job) -> "done " + job + " after " + ctx.waitForEvent("Go").await())
                .orchestration("Launcher", (ctx, job) -> {
                    String generated = ctx.startOrchestration("Detached", job);
                    String explicit = ctx.startOrchestration("Detached", "detached-explicit", job + "-b");
                    return generated + "|" + explicit;
                })
                .build());

        client.startOrchestration("launcher-1", "Launcher", "job-1");

        String[] ids = awaitCompleted("launcher-1").output(String.class).split("\\|");
        assertThat(ids).hasSize(2);
        assertThat(ids[1]).isEqualTo("detached-explicit");
        List<HistoryEvent> h = history("launcher-1");
        assertCompletedCleanly(h);
        assertThat(eventsOf(h, OrchestrationChained.class)).extracting(OrchestrationChained::instanceId)
                .containsExactly(ids[0], ids[1]);
        assertThat(eventsOf(h, OrchestrationChained.class)).extracting(OrchestrationChained::name)
                .containsExactly("Detached", "Detached");
        for (String id : ids) {
            awaitSubscribed(id, "Go");
            OrchestrationStatus running = client.getStatus(id).orElseThrow();
            assertThat(running.runtimeStatus()).as("detached instance %s still runs after the parent completed", id)
                    .isEqualTo(RuntimeStatus.RUNNING);
            assertThat(running.parentInstanceId()).as("a detached instance has no parent").isNull();
            client.raiseEvent(id, "Go", "go");
        }
        assertThat(awaitCompleted(ids[0]).output(String.class)).isEqualTo("done job-1 after go");
        assertThat(awaitCompleted(ids[1]).output(String.class)).isEqualTo("done job-1-b after go");
    }
}
