package io.duratask.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eager dispatch and wake-ups, observed through the provider calls a runtime makes (never through timing):
 * a chain on an idle runtime runs without fetching its activities or its completions, the fallback paths
 * (eager dispatch off, a provider without the optional methods) give the same result, and eager work in
 * progress at shutdown is handed back.
 */
@Timeout(60)
class EagerDispatchTest {
    private static final int CHAIN = 20;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Registry chain(CountDownLatch started, CountDownLatch release) {
        return Chains.registry((actx, x) -> {
            started.countDown();
            release.await();
            return x + 1;
        }).build();
    }

    private static Registry chain() {
        return chain(new CountDownLatch(0), new CountDownLatch(0));
    }

    /** Two workers each and no idle polling during the test, so that every fetch is accounted for. */
    private static RuntimeOptions.Builder quiet() {
        return RuntimeOptions.builder().orchestrationConcurrency(2).activityConcurrency(2)
                .idlePollInterval(Duration.ofMinutes(5));
    }

    /** Runs one chain; {@code counting} is frozen when it completed, before the runtime stops. */
    private static int runChain(CountingProvider counting, RuntimeOptions options) {
        RuntimeHost host = new RuntimeHost(counting.provider(), chain(), options);
        host.start();
        try {
            DurableClient client = host.client();
            client.startOrchestration("c", "Chain", CHAIN);
            OrchestrationStatus status = client.waitForCompletion("c", WAIT);
            counting.freeze();
            assertThat(status.isCompleted()).as("%s", status).isTrue();
            return status.output(Integer.class);
        } finally {
            host.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aChainOnAnIdleRuntimeIsHandedStepToStepWithoutAnyFetch() {
        CountingProvider counting = new CountingProvider(new InMemoryProvider(), true);

        assertThat(runChain(counting, quiet().build())).isEqualTo(CHAIN);

        assertThat(counting.count("fetchWorkItem")).as("activities fetched: %s", counting).isZero();
        assertThat(counting.count("fetchOrchestrationItem")).as("turns fetched: %s", counting).isZero();
        assertThat(counting.count("createInstanceAndLockDeferred")).isEqualTo(1);
        assertThat(counting.count("awaitDurable")).isEqualTo(1);
        assertThat(counting.count("completeWorkItemAndCommit")).as("each completion committed with its turn: %s",
                counting).isEqualTo(CHAIN);
        assertThat(counting.count("completeWorkItemAndLock")).isZero();
        assertThat(counting.count("completeWorkItem")).isZero();
        assertThat(counting.count("commitOrchestrationItemAndLease")).as("only the first turn").isEqualTo(1);
    }

    @Test
    void withEveryActivitySlotBusyAStepLeasesItsSuccessorOnTheSlotOfTheActivityItFollows() {
        CountingProvider counting = new CountingProvider(new InMemoryProvider(), true);

        // one activity slot, held by the activity whose completion each step commits: no slot is free during
        // the step, but the finishing activity's slot is free once it returns, and the next activity takes it
        assertThat(runChain(counting, quiet().activityConcurrency(1).build())).isEqualTo(CHAIN);

        assertThat(counting.count("fetchWorkItem")).as("activities fetched: %s", counting).isZero();
        assertThat(counting.count("completeWorkItemAndCommit")).isEqualTo(CHAIN);
    }

    @Test
    void withoutACachedExecutionEachCompletionLocksItsInstanceForTheTurn() {
        CountingProvider counting = new CountingProvider(new InMemoryProvider(), true);

        assertThat(runChain(counting, quiet().cacheSize(0).build())).isEqualTo(CHAIN);

        assertThat(counting.count("fetchWorkItem")).as("activities fetched: %s", counting).isZero();
        assertThat(counting.count("fetchOrchestrationItem")).as("turns fetched: %s", counting).isZero();
        assertThat(counting.count("completeWorkItemAndCommit")).as("nothing to compute the turn on").isZero();
        assertThat(counting.count("completeWorkItemAndLock")).isEqualTo(CHAIN);
    }

    @Test
    void withEagerDispatchOffEveryStepGoesThroughTheStore() {
        CountingProvider counting = new CountingProvider(new InMemoryProvider(), true);

        assertThat(runChain(counting, quiet().eagerDispatch(false).build())).isEqualTo(CHAIN);

        assertThat(counting.count("fetchWorkItem")).as("%s", counting).isEqualTo(CHAIN);
        assertThat(counting.count("fetchOrchestrationItem")).isEqualTo(CHAIN + 1);
        assertThat(counting.count("completeWorkItemAndLock")).isZero();
        assertThat(counting.count("createInstanceAndLockDeferred")).isZero();
    }

    @Test
    void aProviderWithoutTheEagerMethodsRunsThroughTheStore() {
        CountingProvider counting = new CountingProvider(new InMemoryProvider(), false);

        assertThat(runChain(counting, quiet().build())).isEqualTo(CHAIN);

        assertThat(counting.count("fetchWorkItem")).as("%s", counting).isEqualTo(CHAIN);
        assertThat(counting.count("fetchOrchestrationItem")).isEqualTo(CHAIN + 1);
    }

    @Test
    void chainStepsNeedNoFreeTurnSlot() throws Exception {
        CountDownLatch firstStepStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstStep = new CountDownLatch(1);
        CountDownLatch blockerInTurn = new CountDownLatch(1);
        CountDownLatch releaseBlocker = new CountDownLatch(1);
        Registry registry = Chains.registry((actx, x) -> {
                    if (x == 0) {
                        firstStepStarted.countDown();
                        releaseFirstStep.await();
                    }
                    return x + 1;
                })
                .orchestration("Blocker", (ctx, in) -> {
                    String e = ctx.waitForEvent("go").await();
                    blockerInTurn.countDown();
                    releaseBlocker.await(); // holds the only turn slot (orchestration code must not block; a test may)
                    return e;
                })
                .build();
        CountingProvider counting = new CountingProvider(new InMemoryProvider(), true);
        RuntimeHost host = new RuntimeHost(counting.provider(), registry,
                quiet().orchestrationConcurrency(1).build());
        host.start();
        try {
            DurableClient client = host.client();
            client.startOrchestration("b", "Blocker", "x");
            client.startOrchestration("c", "Chain", CHAIN);
            assertThat(firstStepStarted.await(30, TimeUnit.SECONDS)).isTrue();
            client.raiseEvent("b", "go", "1");
            assertThat(blockerInTurn.await(30, TimeUnit.SECONDS)).as("the blocker holds the only turn slot").isTrue();

            releaseFirstStep.countDown();

            assertThat(client.waitForCompletion("c", WAIT).output(Integer.class)).isEqualTo(CHAIN);
            assertThat(counting.count("completeWorkItemAndCommit")).as("%s", counting).isEqualTo(CHAIN);
        } finally {
            releaseBlocker.countDown();
            host.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void eagerWorkInProgressAtShutdownIsHandedBackAtOnce() throws Exception {
        InMemoryProvider store = new InMemoryProvider();
        CountingProvider counting = new CountingProvider(store, true);
        CountDownLatch started = new CountDownLatch(1);
        RuntimeHost first = new RuntimeHost(counting.provider(), chain(started, new CountDownLatch(1)), quiet().build());
        first.start();
        first.client().startOrchestration("c", "Chain", 2);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(counting.count("fetchWorkItem")).as("the activity was leased by the commit").isZero();

        assertThat(first.stop(Duration.ofMillis(100))).as("the activity never finishes by itself").isFalse();

        // abandoned on interrupt: visible at once, not after the 30 s lease
        WorkItemLease lease = store.fetchWorkItem(Duration.ofSeconds(30)).orElseThrow();
        assertThat(lease.dequeueCount()).isEqualTo(2);
        store.abandonWorkItem(lease, Duration.ZERO);
        RuntimeHost second = new RuntimeHost(store, chain(), quiet().build());
        second.start();
        try {
            assertThat(second.client().waitForCompletion("c", WAIT).output(Integer.class)).isEqualTo(2);
        } finally {
            second.stop(Duration.ofSeconds(5));
        }
    }
}
