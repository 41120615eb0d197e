package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.ActivityFailedException;
import io.duratask.InstanceExistsException;
import io.duratask.OrchestrationCancelledException;
import io.duratask.Registry;
import io.duratask.RetryPolicy;
import io.duratask.RuntimeStatus;
import io.duratask.TaskOptions;
import io.duratask.TimeoutException;
import io.duratask.client.OrchestrationStatus;
import io.duratask.client.StartOptions;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.spi.Provider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Failure handling and steering from outside: retries, timeouts, cancel, terminate, suspend/resume,
 * restart, purge, idempotent start, and failure details across levels.
 */
public abstract class ControlScenarios extends ScenarioSupport {
    private static final RetryPolicy FAST_RETRY = RetryPolicy.builder().maxAttempts(3)
            .firstInterval(Duration.ofMillis(20)).maxInterval(Duration.ofMillis(50)).build();

    private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    private int count(String key) {
        return calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private int calls(String key) {
        return calls.computeIfAbsent(key, k -> new AtomicInteger()).get();
    }

    // ---- retries ---------------------------------------------------------------------------------------

    @Test
    void retryPolicyRetriesUntilTheActivitySucceedsWithTimersBetweenAttempts() {
        start(Registry.builder()
                .activity("Flaky", (actx, in) -> {
                    if (count("Flaky") < 3) {
                        throw new IllegalStateException("not yet");
                    }
                    return "ok after " + actx.attempt();
                })
                .orchestration("Retrying", (ctx, in) ->
                        ctx.scheduleActivity("Flaky", in, String.class, TaskOptions.retry(FAST_RETRY)).await())
                .build());
        client.startOrchestration("retry-1", "Retrying", "x");
        assertThat(awaitCompleted("retry-1").output(String.class)).startsWith("ok");
        List<HistoryEvent> h = history("retry-1");
        assertThat(HistoryAssertions.types(h)).containsSubsequence("ActivityScheduled", "ActivityFailed", "TimerCreated",
                "TimerFired", "ActivityScheduled", "ActivityFailed", "TimerCreated", "TimerFired", "ActivityScheduled",
                "ActivityCompleted");
        assertThat(calls("Flaky")).isEqualTo(3);
        HistoryAssertions.assertCompletedCleanly(h);
    }

    @Test
    void retriesStopAtMaxAttemptsAndTheLastFailureIsThrown() {
        start(Registry.builder()
                .activity("Broken", (actx, in) -> {
                    throw new IllegalArgumentException("broken #" + count("Broken"));
                })
                .orchestration("GivesUp", (ctx, in) -> {
                    try {
                        return ctx.scheduleActivity("Broken", in, String.class, TaskOptions.retry(FAST_RETRY)).await();
                    } catch (ActivityFailedException e) {
                        return "gave up: " + e.activityFailure().message();
                    }
                })
                .build());
        client.startOrchestration("retry-2", "GivesUp", "x");
        assertThat(awaitCompleted("retry-2").output(String.class)).isEqualTo("gave up: broken #3");
        assertThat(history("retry-2")).filteredOn(e -> e instanceof ActivityScheduled).hasSize(3);
    }

    @Test
    void nonRetryableFailureIsNotRetried() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(5).firstInterval(Duration.ofMillis(10))
                .nonRetryable(UnsupportedOperationException.class).build();
        start(Registry.builder()
                .activity("Refuses", (actx, in) -> {
                    count("Refuses");
                    throw new UnsupportedOperationException("never");
                })
                .orchestration("NoRetry", (ctx, in) ->
                        ctx.scheduleActivity("Refuses", in, String.class, TaskOptions.retry(policy)).await())
                .build());
        client.startOrchestration("retry-3", "NoRetry", "x");
        OrchestrationStatus s = awaitFailed("retry-3");
        assertThat(s.failure().isCausedBy(UnsupportedOperationException.class)).as("failure %s", s.failure()).isTrue();
        assertThat(calls("Refuses")).isEqualTo(1);
    }

    @Test
    void retryWaitSurvivesARestartWithoutLosingOrRepeatingAnAttempt() {
        RetryPolicy slow = RetryPolicy.builder().maxAttempts(3).firstInterval(Duration.ofMillis(400)).build();
        Registry registry = Registry.builder()
                .activity("FailsOnce", (actx, in) -> {
                    if (count("FailsOnce") == 1) {
                        throw new IllegalStateException("first attempt fails");
                    }
                    return "second attempt";
                })
                .orchestration("DurableRetry", (ctx, in) ->
                        ctx.scheduleActivity("FailsOnce", in, String.class, TaskOptions.retry(slow)).await())
                .build();
        Provider store = survivingProvider();
        start(store, registry);
        client.startOrchestration("retry-4", "DurableRetry", "x");
        awaitEvent("retry-4", TimerCreated.class); // the backoff timer is in history
        stopRuntime();
        start(store, registry);
        assertThat(awaitCompleted("retry-4").output(String.class)).isEqualTo("second attempt");
        assertThat(calls("FailsOnce")).isEqualTo(2);
        assertThat(history("retry-4")).filteredOn(e -> e instanceof ActivityScheduled).hasSize(2);
    }

    @Test
    void retryPolicyWithNonsenseValuesIsRejectedAtBuildTime() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts").hasMessageContaining("0");
        assertThatThrownBy(() -> RetryPolicy.builder().backoffCoefficient(0.5))
                .hasMessageContaining("backoffCoefficient");
        assertThatThrownBy(() -> RetryPolicy.builder().firstInterval(Duration.ZERO)).hasMessageContaining("firstInterval");
        assertThatThrownBy(() -> RetryPolicy.builder().firstInterval(Duration.ofMinutes(5))
                .maxInterval(Duration.ofSeconds(1)).build()).hasMessageContaining("maxInterval");
        assertThatThrownBy(() -> RetryPolicy.builder().totalTimeout(Duration.ofSeconds(-1)))
                .hasMessageContaining("totalTimeout");
    }

    // ---- timeouts ----------------------------------------------------------------------------------------

    @Test
    void activityTimeoutThrowsAndTheLateResultIsDropped() {
        start(Registry.builder()
                .activity("Slow", (actx, in) -> {
                    gates.await("slow");
                    return "late";
                })
                .orchestration("Impatient", (ctx, in) -> {
                    try {
                        return ctx.scheduleActivity("Slow", in, String.class, TaskOptions.timeout(Duration.ofMillis(100)))
                                .await();
                    } catch (TimeoutException e) {
                        String after = ctx.waitForEvent("Continue").await();
                        return "timed out, then " + after;
                    }
                })
                .build());
        client.startOrchestration("timeout-1", "Impatient", "x");
        awaitSubscribed("timeout-1", "Continue");
        gates.open("slow");
        awaitQuiet(0); // the late completion has been delivered (and dropped)
        client.raiseEvent("timeout-1", "Continue", "go");
        assertThat(awaitCompleted("timeout-1").output(String.class)).isEqualTo("timed out, then go");
        assertThat(history("timeout-1")).noneMatch(e -> e instanceof ActivityCompleted);
    }

    @Test
    void eventWaitTimeoutThrowsAndALaterEventWaitsForTheNextWait() {
        start(Registry.builder()
                .orchestration("WaitsBriefly", (ctx, in) -> {
                    String first;
                    try {
                        first = ctx.waitForEvent("Ping", String.class, Duration.ofMillis(50)).await();
                    } catch (TimeoutException e) {
                        first = "timeout";
                    }
                    return first + "," + ctx.waitForEvent("Ping").await();
                })
                .build());
        client.startOrchestration("timeout-2", "WaitsBriefly", "x");
        awaitSubscribed("timeout-2", "Ping", 2);
        client.raiseEvent("timeout-2", "Ping", "pong");
        assertThat(awaitCompleted("timeout-2").output(String.class)).isEqualTo("timeout,pong");
    }

    @Test
    void subOrchestrationTimeoutThrowsTimeoutException() {
        start(Registry.builder()
                .orchestration("Child", (ctx, in) -> ctx.waitForEvent("Never").await())
                .orchestration("Parent", (ctx, in) -> {
                    try {
                        return ctx.scheduleSubOrchestration("Child", "child-of-timeout-3", in, String.class,
                                TaskOptions.timeout(Duration.ofMillis(80))).await();
                    } catch (TimeoutException e) {
                        return "child too slow";
                    }
                })
                .build());
        client.startOrchestration("timeout-3", "Parent", "x");
        assertThat(awaitCompleted("timeout-3").output(String.class)).isEqualTo("child too slow");
    }

    // ---- cancel, terminate, suspend, resume -------------------------------------------------------------

    @Test
    void cancelReachesTheNextAwaitAndTheCodeCanCleanUp() {
        start(Registry.builder()
                .activity("CleanUp", (actx, in) -> "cleaned " + in)
                .orchestration("Cancellable", (ctx, in) -> {
                    try {
                        return ctx.waitForEvent("Never").await();
                    } catch (OrchestrationCancelledException e) {
                        return ctx.scheduleActivity("CleanUp", e.reason()).await();
                    }
                })
                .build());
        client.startOrchestration("cancel-1", "Cancellable", "x");
        awaitSubscribed("cancel-1", "Never");
        client.cancel("cancel-1", "user asked");
        OrchestrationStatus s = awaitFinished("cancel-1");
        assertThat(s.runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(s.output(String.class)).isEqualTo("cleaned user asked");
    }

    @Test
    void unhandledCancelEndsTheInstanceAsCanceledAndCascadesToChildrenAndActivities() {
        start(Registry.builder()
                .activity("Spin", (actx, in) -> {
                    count("spin-started");
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (!actx.isCancelled() && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    count(actx.isCancelled() ? "spin-saw-cancel" : "spin-timed-out");
                    return "stopped";
                })
                .orchestration("Child", (ctx, in) -> ctx.waitForEvent("Never").await())
                .orchestration("Parent", (ctx, in) -> {
                    ctx.scheduleActivity("Spin", in);
                    return ctx.scheduleSubOrchestration("Child", "cancel-2-child", in, String.class).await();
                })
                .build());
        client.startOrchestration("cancel-2", "Parent", "x");
        awaitSubscribed("cancel-2-child", "Never");
        Awaitility.await().atMost(WAIT).until(() -> calls("spin-started") == 1);
        client.cancel("cancel-2", "shutting down");
        OrchestrationStatus parent = awaitFinished("cancel-2");
        assertThat(parent.runtimeStatus()).isEqualTo(RuntimeStatus.CANCELED);
        assertThat(parent.failure().message()).contains("shutting down");
        assertThat(awaitFinished("cancel-2-child").runtimeStatus()).isEqualTo(RuntimeStatus.CANCELED);
        Awaitility.await().atMost(WAIT).until(() -> calls("spin-saw-cancel") == 1);
    }

    @Test
    void terminateEndsTheInstanceAtOnceAndCascadesToChildren() {
        start(Registry.builder()
                .orchestration("Child", (ctx, in) -> ctx.waitForEvent("Never").await())
                .orchestration("Parent", (ctx, in) ->
                        ctx.scheduleSubOrchestration("Child", "terminate-1-child", in, String.class).await())
                .build());
        client.startOrchestration("terminate-1", "Parent", "x");
        awaitSubscribed("terminate-1-child", "Never");
        client.terminate("terminate-1", "operator");
        OrchestrationStatus s = awaitFinished("terminate-1");
        assertThat(s.runtimeStatus()).isEqualTo(RuntimeStatus.TERMINATED);
        assertThat(s.failure().message()).contains("operator");
        assertThat(awaitFinished("terminate-1-child").runtimeStatus()).isEqualTo(RuntimeStatus.TERMINATED);
    }

    @Test
    void suspendedInstanceKeepsMessagesUntilResumed() {
        start(Registry.builder()
                .activity("Echo", (actx, in) -> in)
                .orchestration("Pausable", (ctx, in) -> {
                    String a = ctx.waitForEvent("A").await();
                    String b = ctx.scheduleActivity("Echo", a + "!").await();
                    return b + ctx.waitForEvent("B").await();
                })
                .build());
        client.startOrchestration("suspend-1", "Pausable", "x");
        awaitSubscribed("suspend-1", "A");
        client.suspend("suspend-1", "maintenance");
        awaitEvent("suspend-1", HistoryEvent.Suspended.class);
        assertThat(client.getStatus("suspend-1").orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.SUSPENDED);
        client.raiseEvent("suspend-1", "A", "a");
        client.raiseEvent("suspend-1", "B", "b");
        awaitEvent("suspend-1", EventRaised.class, r -> r.name().equals("B"));
        awaitQuiet(0);
        assertThat(history("suspend-1")).as("nothing runs while suspended").noneMatch(e -> e instanceof ActivityScheduled);
        assertThat(client.getStatus("suspend-1").orElseThrow().runtimeStatus()).isEqualTo(RuntimeStatus.SUSPENDED);
        client.resume("suspend-1", "done");
        assertThat(awaitCompleted("suspend-1").output(String.class)).isEqualTo("a!b");
    }

    // ---- restart, purge, idempotent start --------------------------------------------------------------

    @Test
    void finishedInstanceRestartsWithTheSameOrANewInputAsANewExecution() {
        start(Registry.builder().orchestration("Upper", (ctx, in) -> in.toUpperCase()).build());
        client.startOrchestration("restart-1", "Upper", "first");
        assertThat(awaitCompleted("restart-1").output(String.class)).isEqualTo("FIRST");
        client.restart("restart-1", "second");
        awaitExecution("restart-1", 2);
        OrchestrationStatus s = awaitFinished("restart-1");
        assertThat(s.output(String.class)).isEqualTo("SECOND");
        assertThat(s.executionId()).isEqualTo(2);
        assertThat(history("restart-1", 1)).last().isInstanceOf(HistoryEvent.OrchestrationCompleted.class);
        client.restart("restart-1");
        awaitExecution("restart-1", 3);
        assertThat(awaitFinished("restart-1").output(String.class)).isEqualTo("SECOND");
    }

    @Test
    void restartOfARunningInstanceIsRefused() {
        start(Registry.builder().orchestration("Waits", (ctx, in) -> ctx.waitForEvent("E").await()).build());
        client.startOrchestration("restart-2", "Waits", "x");
        assertThatThrownBy(() -> client.restart("restart-2", "y"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("restart-2");
    }

    @Test
    void purgeDeletesAFinishedInstanceWithItsChildrenAndRefusesARunningOne() {
        start(Registry.builder()
                .orchestration("Child", (ctx, in) -> "child " + in)
                .orchestration("Parent", (ctx, in) ->
                        ctx.scheduleSubOrchestration("Child", "purge-1-child", in, String.class).await())
                .orchestration("Waits", (ctx, in) -> ctx.waitForEvent("E").await())
                .build());
        client.startOrchestration("purge-1", "Parent", "x");
        client.startOrchestration("purge-running", "Waits", "x");
        awaitCompleted("purge-1");
        assertThat(client.purge("purge-1")).isEqualTo(2);
        assertThat(client.getStatus("purge-1")).isEmpty();
        assertThat(client.getStatus("purge-1-child")).isEmpty();
        assertThatThrownBy(() -> client.purge("purge-running"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("purge-running");
        assertThat(client.getStatus("purge-running")).isPresent();
    }

    @Test
    void purgeFinishedBeforeADateKeepsNewerAndRunningInstances() {
        start(Registry.builder()
                .orchestration("Quick", (ctx, in) -> in)
                .orchestration("Waits", (ctx, in) -> ctx.waitForEvent("E").await())
                .build());
        client.startOrchestration("old-1", "Quick", "a");
        client.startOrchestration("old-2", "Quick", "b");
        client.startOrchestration("still-running", "Waits", "c");
        awaitCompleted("old-1");
        awaitCompleted("old-2");
        Instant cutoff = Instant.now().plusMillis(1);
        Awaitility.await().until(() -> Instant.now().isAfter(cutoff));
        client.startOrchestration("new-1", "Quick", "d");
        awaitCompleted("new-1");
        assertThat(client.purgeFinishedBefore(cutoff)).isEqualTo(2);
        assertThat(client.getStatus("old-1")).isEmpty();
        assertThat(client.getStatus("new-1")).isPresent();
        assertThat(client.getStatus("still-running")).isPresent();
    }

    @Test
    void idempotentStartReturnsTheExistingInstanceWhenAsked() {
        start(Registry.builder()
                .orchestration("Waits", (ctx, in) -> ctx.waitForEvent("E").await())
                .orchestration("Other", (ctx, in) -> in)
                .build());
        client.startOrchestration("idem-1", "Waits", "first");
        assertThat(client.startOrchestration("idem-1", "Waits", "second", StartOptions.orReturnExisting())).isEqualTo("idem-1");
        assertThatThrownBy(() -> client.startOrchestration("idem-1", "Waits", "third"))
                .isInstanceOf(InstanceExistsException.class).hasMessageContaining("idem-1");
        assertThatThrownBy(() -> client.startOrchestration("idem-1", "Other", "x", StartOptions.orReturnExisting()))
                .isInstanceOf(InstanceExistsException.class).hasMessageContaining("Waits");
        assertThat(client.getStatus("idem-1").orElseThrow().input(String.class)).isEqualTo("first");
    }

    // ---- failure details across levels ----------------------------------------------------------------

    @Test
    void failureDetailsKeepTheCauseChainFromActivityToClient() {
        start(Registry.builder()
                .activity("Explodes", (actx, in) -> {
                    throw new IllegalStateException("boom at the bottom", new java.io.IOException("disk on fire"));
                })
                .orchestration("Child", (ctx, in) -> ctx.scheduleActivity("Explodes", in).await())
                .orchestration("Parent", (ctx, in) -> ctx.scheduleSubOrchestration("Child", in, String.class).await())
                .build());
        client.startOrchestration("chain-1", "Parent", "x");
        OrchestrationStatus s = awaitFailed("chain-1");
        assertThat(s.failure().type()).isEqualTo(io.duratask.SubOrchestrationFailedException.class.getName());
        assertThat(s.failure().isCausedBy(ActivityFailedException.class)).isTrue();
        assertThat(s.failure().isCausedBy(IllegalStateException.class)).isTrue();
        assertThat(s.failure().isCausedBy(java.io.IOException.class)).isTrue();
        io.duratask.FailureDetails bottom = s.failure();
        while (bottom.cause() != null) {
            bottom = bottom.cause();
        }
        assertThat(bottom.message()).isEqualTo("disk on fire");
        assertThat(s.failure().toString()).contains("Explodes");
    }
}
