package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.InstanceNotFoundException;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.RuntimeStatus;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.spi.Provider;
import io.duratask.spi.QueueDepths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * Base of every scenario class: the provider factory, the runtime lifecycle and the waiting helpers.
 *
 * <p>A provider module runs the kit by subclassing each scenario class and implementing
 * {@link #createProvider()}. Scenarios never depend on the execution cache: they must pass with
 * {@code RuntimeOptions.builder().cacheSize(0)} as well as with the default, and every provider runs
 * each scenario class twice: once as is, once with {@link #runtimeOptions()} returning
 * {@code withCacheSize(RuntimeOptions.defaults(), 0)} (every turn then rebuilds its execution by a
 * full replay).
 *
 * <p>Waiting rules: a scenario waits for an outcome ({@link #awaitCompleted}), or with Awaitility for a
 * fact in history ({@link #awaitHistory}); it never sleeps. "Slow" activities wait at a {@link Gates}
 * gate the test opens. Timers that must fire are at most 200 ms ({@link #SHORT_TIMER}); a timer that
 * must lose a race is {@link #NEVER_FIRES}, so a slow machine cannot flip the outcome (it costs no time:
 * the orchestration ends first and the timer never fires while the test runs).
 */
@Timeout(120)
public abstract class ScenarioSupport {
    /** How long any single wait may take before the scenario fails. */
    protected static final Duration WAIT = Duration.ofSeconds(30);
    /** A timer that fires during the scenario. */
    protected static final Duration SHORT_TIMER = Duration.ofMillis(50);
    /** A timer meant to lose a race: it never fires while the scenario runs. */
    protected static final Duration NEVER_FIRES = Duration.ofHours(1);

    /** Gates for "slow" activities; all are opened before the runtimes stop. */
    protected final Gates gates = new Gates();

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private DurableRuntime runtime;
    /** The client of the most recently started runtime. */
    protected DurableClient client;

    /** A fresh, empty store. Called once per runtime started with {@link #start(Registry)}. */
    protected abstract Provider createProvider();

    /** Options for every runtime the scenarios start (default: {@link RuntimeOptions#defaults()}). */
    protected RuntimeOptions runtimeOptions() {
        return RuntimeOptions.defaults();
    }

    // ---- lifecycle -----------------------------------------------------------------------------------

    /** Starts a runtime over a fresh store; returns its client (also in {@link #client}). */
    protected DurableClient start(Registry registry) {
        return start(createProvider(), registry);
    }

    /** Starts a runtime over {@code provider} (which the runtime closes when it stops). */
    protected DurableClient start(Provider provider, Registry registry) {
        return start(provider, registry, runtimeOptions());
    }

    /**
     * Starts a runtime over {@code provider} with {@code options} instead of {@link #runtimeOptions()} (for
     * scenarios that compare runtime settings, see {@link #withCacheSize}).
     */
    protected DurableClient start(Provider provider, Registry registry, RuntimeOptions options) {
        runtime = DurableRuntime.start(provider, registry, options);
        toClose.push(runtime);
        client = runtime.client();
        return client;
    }

    /** A copy of {@code options} with another execution cache size (0 turns the cache off). */
    public static RuntimeOptions withCacheSize(RuntimeOptions options, int cacheSize) {
        return RuntimeOptions.builder()
                .orchestrationConcurrency(options.orchestrationConcurrency())
                .activityConcurrency(options.activityConcurrency())
                .lockTimeout(options.lockTimeout())
                .idlePollInterval(options.idlePollInterval())
                .maxDequeueCount(options.maxDequeueCount())
                .relaxedInputMatching(options.relaxedInputMatching())
                .eagerDispatch(options.eagerDispatch())
                .clock(options.clock())
                .payloadCodec(options.payloadCodec())
                .cacheSize(cacheSize)
                .build();
    }

    /**
     * A fresh store that survives runtime shutdowns: pass it to {@link #start(Provider, Registry)} as many
     * times as needed (stop the previous runtime first with {@link #stopRuntime()}). Closed at teardown.
     */
    protected Provider survivingProvider() {
        Provider store = createProvider();
        toClose.push(store);
        return new NonClosingProvider(store);
    }

    /** The most recently started runtime. */
    protected DurableRuntime runtime() {
        assertThat(runtime).as("no runtime started yet").isNotNull();
        return runtime;
    }

    /** Stops the current runtime (as a process exit would), leaving a surviving store intact. */
    protected void stopRuntime() {
        runtime().close();
    }

    @AfterEach
    void closeRuntimesAndStores() throws Exception {
        gates.openAll();
        Exception first = null;
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // ---- waiting for outcomes ------------------------------------------------------------------------

    /** Waits until {@code instanceId} reaches a final state. */
    protected OrchestrationStatus awaitFinished(String instanceId) {
        return client.waitForCompletion(instanceId, WAIT);
    }

    /** Waits for {@code instanceId} to finish and checks that it COMPLETED (the message shows why not). */
    protected OrchestrationStatus awaitCompleted(String instanceId) {
        OrchestrationStatus status = awaitFinished(instanceId);
        assertThat(status.runtimeStatus())
                .as("instance '%s' should have COMPLETED but is %s (failure: %s)\nhistory:\n%s", instanceId,
                        status.runtimeStatus(), status.failure(), HistoryAssertions.format(history(instanceId)))
                .isEqualTo(RuntimeStatus.COMPLETED);
        return status;
    }

    /** Waits for {@code instanceId} to finish and checks that it FAILED. */
    protected OrchestrationStatus awaitFailed(String instanceId) {
        OrchestrationStatus status = awaitFinished(instanceId);
        assertThat(status.runtimeStatus())
                .as("instance '%s' should have FAILED but is %s (output: %s)\nhistory:\n%s", instanceId,
                        status.runtimeStatus(), status.output(), HistoryAssertions.format(history(instanceId)))
                .isEqualTo(RuntimeStatus.FAILED);
        assertThat(status.failure()).as("failure details of failed instance '%s'", instanceId).isNotNull();
        return status;
    }

    /** The current execution's history. */
    protected List<HistoryEvent> history(String instanceId) {
        return client.getHistory(instanceId);
    }

    /** The history of execution {@code executionId} (1-based). */
    protected List<HistoryEvent> history(String instanceId, long executionId) {
        return client.getHistory(instanceId, executionId);
    }

    /**
     * Waits until the current execution's history of {@code instanceId} satisfies {@code condition}. The
     * instance need not exist yet (a sub-orchestration is created by its parent's turn commit).
     */
    protected List<HistoryEvent> awaitHistory(String instanceId, String description,
                                              Predicate<List<HistoryEvent>> condition) {
        Awaitility.await("history of '" + instanceId + "': " + description)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(5))
                .ignoreException(InstanceNotFoundException.class)
                .until(() -> condition.test(history(instanceId)));
        return history(instanceId);
    }

    /** Waits until history holds at least one event of {@code type} matching {@code p}. */
    protected <T extends HistoryEvent> List<HistoryEvent> awaitEvent(String instanceId, Class<T> type, Predicate<T> p) {
        return awaitHistory(instanceId, "an event " + type.getSimpleName(),
                h -> h.stream().anyMatch(e -> type.isInstance(e) && p.test(type.cast(e))));
    }

    /** Waits until history holds at least one event of {@code type}. */
    protected List<HistoryEvent> awaitEvent(String instanceId, Class<? extends HistoryEvent> type) {
        return awaitEvent(instanceId, type, e -> true);
    }

    /** Waits until the orchestration has subscribed to event {@code name} at least {@code count} times. */
    protected List<HistoryEvent> awaitSubscribed(String instanceId, String name, int count) {
        return awaitHistory(instanceId, count + " x EventSubscribed(" + name + ")",
                h -> h.stream().filter(e -> e instanceof EventSubscribed s && s.name().equals(name)).count() >= count);
    }

    /** Waits until the orchestration waits for event {@code name}. */
    protected List<HistoryEvent> awaitSubscribed(String instanceId, String name) {
        return awaitSubscribed(instanceId, name, 1);
    }

    /** Waits until {@code instanceId} has reached execution {@code executionId} (continue-as-new). */
    protected void awaitExecution(String instanceId, long executionId) {
        Awaitility.await("'" + instanceId + "' reaches execution " + executionId)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> client.getStatus(instanceId).map(s -> s.executionId() >= executionId).orElse(false));
    }

    /**
     * Waits until the store holds no visible orchestrator message and at most {@code workItems} activity
     * work items: everything enqueued so far has been processed (timers not yet due excepted).
     */
    protected void awaitQuiet(long workItems) {
        Awaitility.await("no visible orchestrator messages and at most " + workItems + " work item(s)")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    QueueDepths d = runtime().provider().queueDepths();
                    return d.orchestratorVisible() == 0 && d.workItems() <= workItems;
                });
    }
}
