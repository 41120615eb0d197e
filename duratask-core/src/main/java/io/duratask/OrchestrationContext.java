package io.duratask;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What orchestration code uses to act. Every method records a decision in history (or replays it), so
 * call these, not the JDK's clock, random or UUID, and do no I/O in orchestration code.
 *
 * <p>Names map 1:1 to the seed design's calls: {@code schedule_activity} → {@link #scheduleActivity},
 * {@code schedule_timer} → {@link #scheduleTimer}, {@code schedule_wait} → {@link #waitForEvent},
 * {@code schedule_sub_orchestration} → {@link #scheduleSubOrchestration}, {@code schedule_orchestration}
 * (detached) → {@link #startOrchestration}, {@code continue_as_new} → {@link #continueAsNew},
 * {@code select}/{@code join} → {@link #select}/{@link #join}, {@code system_now_ms} → {@link #now},
 * {@code system_new_guid} → {@link #newUuid}.
 */
public interface OrchestrationContext {

    String instanceId();

    /** 1 for the first execution, +1 for each continue-as-new. */
    long executionId();

    String orchestrationName();

    String orchestrationVersion();

    /** The version of the orchestration this execution runs (fixed for the execution's life). */
    default String version() {
        return orchestrationVersion();
    }

    /**
     * Lets code change in place: true for executions that reach this point on code that knows
     * {@code changeId} (new executions, and old ones past the end of their history), false for an
     * execution replaying history recorded before the change. The decision is a marker in history, so
     * it stays the same on every replay.
     *
     * <pre>{@code
     * if (ctx.isPatched("charge-with-tax")) {
     *     ctx.scheduleActivity("ChargeWithTax", order).await();
     * } else {
     *     ctx.scheduleActivity("Charge", order).await();
     * }
     * }</pre>
     */
    boolean isPatched(String changeId);

    /** Schedules an activity whose result is read as {@code resultType}. */
    <T> DurableFuture<T> scheduleActivity(String name, Object input, Class<T> resultType);

    /**
     * Schedules an activity with a retry policy and/or a per-attempt timeout. Retries wait on durable
     * timers; a timed-out attempt's late result is dropped; the last failure is thrown by {@code await()}
     * ({@link TimeoutException} if the last attempt timed out).
     */
    <T> DurableFuture<T> scheduleActivity(String name, Object input, Class<T> resultType, TaskOptions options);

    /** Schedules an activity with string result (JSON text when the result is not a string). */
    default DurableFuture<String> scheduleActivity(String name, Object input) {
        return scheduleActivity(name, input, String.class);
    }

    /** A durable timer that fires {@code delay} after the orchestration's current time. */
    DurableFuture<Void> scheduleTimer(Duration delay);

    /**
     * Waits for the oldest not-yet-consumed external event named {@code name}, whether it was raised
     * before or after this call.
     */
    <T> DurableFuture<T> waitForEvent(String name, Class<T> dataType);

    /**
     * Like {@link #waitForEvent(String, Class)}, but {@code await()} throws {@link TimeoutException} if no
     * such event arrives within {@code timeout}; an event arriving later stays for the next wait.
     */
    <T> DurableFuture<T> waitForEvent(String name, Class<T> dataType, Duration timeout);

    default DurableFuture<String> waitForEvent(String name) {
        return waitForEvent(name, String.class);
    }

    /** Starts a child orchestration with a generated instance id; its outcome completes the future. */
    <T> DurableFuture<T> scheduleSubOrchestration(String name, Object input, Class<T> resultType);

    /**
     * Starts a child orchestration with an explicit instance id. If that id is already in use the future
     * fails with {@link SubOrchestrationFailedException} caused by {@link InstanceExistsException}.
     */
    <T> DurableFuture<T> scheduleSubOrchestration(String name, String instanceId, Object input, Class<T> resultType);

    /**
     * Starts a child orchestration with options ({@code instanceId} null: generated). Retries of a child
     * with an explicit id run under {@code "<id>#<attempt>"}, since a failed child keeps its id.
     */
    <T> DurableFuture<T> scheduleSubOrchestration(String name, String instanceId, Object input, Class<T> resultType,
                                                  TaskOptions options);

    /** Starts an independent (detached) orchestration and returns its instance id at once. */
    String startOrchestration(String name, Object input);

    /** Starts an independent orchestration with an explicit id. */
    String startOrchestration(String name, String instanceId, Object input);

    /**
     * Ends this execution and starts a new one of the same orchestration with {@code input} and an empty
     * history; external events not yet consumed carry over. Does not return normally; its return type
     * lets code write {@code return ctx.continueAsNew(next);}.
     */
    <T> T continueAsNew(Object input);

    /**
     * {@link #continueAsNew(Object)} onto another version of this orchestration ({@code null}: the latest
     * registered). A running execution never changes version; this is how an eternal orchestration
     * upgrades.
     */
    <T> T continueAsNew(Object input, String version);

    /** Completes with the first of {@code futures} to complete, in history order. */
    DurableFuture<Selected> select(DurableFuture<?>... futures);

    /** Completes when all complete, with their values in argument order; fails with the first failure (history order). */
    <T> DurableFuture<List<T>> join(List<? extends DurableFuture<T>> futures);

    /** {@link #join(List)} over futures of mixed types. */
    DurableFuture<List<Object>> joinAll(DurableFuture<?>... futures);

    /** The current time, recorded in history on first execution and replayed afterwards. */
    Instant now();

    /** A random UUID, recorded in history. */
    UUID newUuid();

    /** A {@link Random} whose seed is recorded in history: the same numbers on every replay. */
    Random random();

    /** Runs {@code producer} once and records its value; replays return the recorded value. */
    <T> T sideEffect(String name, Class<T> type, Supplier<T> producer);

    /** Publishes a status object (JSON) that clients can read while the instance runs. */
    void setCustomStatus(Object status);

    /** True while the code is re-running decisions that history already holds. */
    boolean isReplaying();

    /** A logger that writes nothing while {@link #isReplaying()}. */
    Logger logger();
}
