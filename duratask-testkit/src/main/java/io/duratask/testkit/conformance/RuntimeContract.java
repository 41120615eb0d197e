package io.duratask.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.FailureDetails;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.RuntimeStatus;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.spi.Provider;
import io.duratask.spi.QueueDepths;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The contracts that live in the runtime but depend on the provider, checked with a real runtime on it
 * (and the system clock): poison messages end their instance instead of looping, and a completion for an
 * older execution is dropped. The provider's share is counting fetches ({@link DequeueCountContract}) and
 * delivering messages with their execution id ({@link ExecutionContract}).
 */
public abstract class RuntimeContract extends ContractSupport {
    private static final int MAX_DEQUEUE_COUNT = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String POISON_TYPE = "io.duratask.PoisonMessage";

    protected RuntimeContract(ProviderConformanceKit kit) {
        super(kit);
    }

    private DurableClient startRuntime(Provider store, Registry registry, int cacheSize) {
        RuntimeOptions options = RuntimeOptions.builder().maxDequeueCount(MAX_DEQUEUE_COUNT).cacheSize(cacheSize).build();
        return closeAfterTest(DurableRuntime.start(store, registry, options)).client();
    }

    private static void awaitQueuesEmpty(Provider store) {
        Awaitility.await("no orchestrator message left").atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    QueueDepths d = store.queueDepths();
                    return d.orchestratorVisible() + d.orchestratorDelayed() == 0;
                });
    }

    private static void assertPoisoned(OrchestrationStatus status, String instanceId) {
        assertThat(status.runtimeStatus()).as("status of '%s' (failure: %s)", instanceId, status.failure())
                .isEqualTo(RuntimeStatus.FAILED);
        FailureDetails failure = status.failure();
        assertThat(failure.type()).isEqualTo(POISON_TYPE);
        assertThat(failure.message()).as("the poison failure names the instance and the limit")
                .contains("'" + instanceId + "'").contains("limit " + MAX_DEQUEUE_COUNT);
    }

    @Test
    void aTurnWhoseCommitKeepsFailingEndsItsInstanceAsPoisonedInsteadOfLooping() {
        FaultyProvider store = new FaultyProvider(newStore(Clock.systemUTC()));
        store.rejectCommitsWithWorkItemsOf("poison-1");
        DurableClient client = startRuntime(store, Registry.builder()
                .activity("Huge", (actx, input) -> input)
                .orchestration("SchedulesHuge", (ctx, input) -> ctx.scheduleActivity("Huge", input).await())
                .build(), RuntimeOptions.defaults().cacheSize());

        client.startOrchestration("poison-1", "SchedulesHuge", "x");

        assertPoisoned(client.waitForCompletion("poison-1", WAIT), "poison-1");
        awaitQueuesEmpty(store);
        assertThat(store.rejectedCommits()).as("turns tried before the message counted as poison")
                .isEqualTo(MAX_DEQUEUE_COUNT);
    }

    @Test
    void aTurnWhoseHistoryCannotBeReadEndsItsInstanceAsPoisonedInsteadOfLooping() {
        FaultyProvider store = new FaultyProvider(newStore(Clock.systemUTC()));
        DurableClient client = startRuntime(store, Registry.builder()
                .orchestration("WaitsForGo", (ctx, input) -> ctx.waitForEvent("go").await())
                .build(), 0);
        client.startOrchestration("unreadable-1", "WaitsForGo", "");
        Awaitility.await("'unreadable-1' waits for 'go'").atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> store.readHistory("unreadable-1", 0).stream().anyMatch(e -> e instanceof EventSubscribed));
        store.failHistoryReadsOf("unreadable-1");

        client.raiseEvent("unreadable-1", "go", "now");

        assertPoisoned(client.waitForCompletion("unreadable-1", WAIT), "unreadable-1");
        awaitQueuesEmpty(store);
        assertThat(store.failedReads()).as("history reads tried").isBetween(MAX_DEQUEUE_COUNT, MAX_DEQUEUE_COUNT + 1);
        store.failHistoryReadsOf(null);
        List<HistoryEvent> history = store.readHistory("unreadable-1", 0);
        assertThat(history.getLast()).as("the last event of the poisoned instance")
                .isInstanceOfSatisfying(OrchestrationFailed.class, f -> assertThat(f.failure().type()).isEqualTo(POISON_TYPE));
        assertThat(history.getLast().eventId()).isEqualTo(history.size());
    }

    @Test
    void anEventRaisedWhileTheFirstTurnIsRetriedIsNotLost() {
        FaultyProvider store = new FaultyProvider(newStore(Clock.systemUTC()));
        DurableClient client = startRuntime(store, Registry.builder()
                .orchestration("WaitsForGo", (ctx, input) -> "got:" + ctx.waitForEvent("go").await())
                .build(), RuntimeOptions.defaults().cacheSize());
        store.failNextCommitOf("retried-1", () -> store.enqueue(Messages.event("retried-1", "go", "\"now\"")));

        client.startOrchestration("retried-1", "WaitsForGo", "");

        OrchestrationStatus status = client.waitForCompletion("retried-1", WAIT);
        assertThat(status.runtimeStatus()).as("status (failure: %s)", status.failure()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(status.output(String.class)).as("the event that arrived during the failed first turn")
                .isEqualTo("got:now");
    }

    @Test
    void aCompletionForAnOlderExecutionIsDroppedByTheRuntime() {
        Provider store = newStore(Clock.systemUTC());
        DurableClient client = startRuntime(store, Registry.builder()
                .orchestration("Cycler", Integer.class, (ctx, generation) -> {
                    if (generation == 1) {
                        return ctx.continueAsNew(2);
                    }
                    return "done:" + ctx.waitForEvent("go").await();
                })
                .build(), RuntimeOptions.defaults().cacheSize());
        client.startOrchestration("cycler-1", "Cycler", 1);
        Awaitility.await("'cycler-1' waits for 'go' in execution 2").atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> store.readHistory("cycler-1", 2).stream().anyMatch(e -> e instanceof EventSubscribed));
        long subscribedId = store.readHistory("cycler-1", 2).stream().filter(e -> e instanceof EventSubscribed)
                .findFirst().orElseThrow().eventId();

        store.enqueue(Messages.completion("cycler-1", 1, subscribedId, "\"stale\""));
        client.raiseEvent("cycler-1", "go", "now");

        OrchestrationStatus status = client.waitForCompletion("cycler-1", WAIT);
        assertThat(status.runtimeStatus()).as("status (failure: %s)", status.failure()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(status.output(String.class)).isEqualTo("done:now");
        assertThat(store.readHistory("cycler-1", 2)).as("execution 2 never sees the completion for execution 1")
                .noneMatch(e -> e instanceof ActivityCompleted);
        assertThat(store.readHistory("cycler-1", 1)).noneMatch(e -> e instanceof ActivityCompleted);
        awaitQueuesEmpty(store);
    }
}
