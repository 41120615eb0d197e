package io.duratask.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.client.OrchestrationStatus;
import io.duratask.spi.Provider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A chain on a runtime over the PostgreSQL provider: the activity completions are committed with their turns by
 * eager steps (the instance is idle each time, so no step falls back to storing the completion), and no
 * orchestration fetch finds work but, perhaps, the start's.
 */
class EagerStepRuntimeTest {
    private static final int CHAIN = 10;

    @Test
    void eachActivityOfAChainIsCommittedWithItsTurnInOneStep() {
        AtomicInteger committedSteps = new AtomicInteger();
        AtomicInteger storedSteps = new AtomicInteger();
        AtomicInteger fetchedItems = new AtomicInteger();
        try (PostgresProvider pg = PgServer.get().open()) {
            Provider counting = (Provider) Proxy.newProxyInstance(Provider.class.getClassLoader(),
                    new Class<?>[] {Provider.class}, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(pg, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("completeWorkItemAndCommit")) {
                            (((Optional<?>) result).isPresent() ? committedSteps : storedSteps).incrementAndGet();
                        } else if (method.getName().equals("fetchOrchestrationItem") && ((Optional<?>) result).isPresent()) {
                            fetchedItems.incrementAndGet();
                        }
                        return result;
                    });
            Registry registry = Registry.builder()
                    .activity("Inc", Integer.class, (actx, x) -> x + 1)
                    .orchestration("Chain", Integer.class, (ctx, n) -> {
                        int x = 0;
                        for (int i = 0; i < n; i++) {
                            x = ctx.scheduleActivity("Inc", x, Integer.class).await();
                        }
                        return x;
                    })
                    .build();
            RuntimeOptions options = RuntimeOptions.builder().idlePollInterval(Duration.ofMinutes(5)).build();
            try (DurableRuntime runtime = DurableRuntime.start(counting, registry, options)) {
                runtime.client().startOrchestration("chain", "Chain", CHAIN);
                OrchestrationStatus status = runtime.client().waitForCompletion("chain", Duration.ofSeconds(30));
                assertThat(status.isCompleted()).as("%s", status).isTrue();
                assertThat(status.output(Integer.class)).isEqualTo(CHAIN);
            }
        }
        // the runtime tries a step only when its cached execution already waits for that completion (nearly
        // always here; not if an activity finished before its turn's bookkeeping): the others take the usual way
        assertThat(committedSteps.get()).as("steps that committed their turn").isGreaterThan(CHAIN / 2);
        assertThat(storedSteps.get()).as("steps that only stored the completion: the instance is always idle")
                .isZero();
        assertThat(fetchedItems.get()).as("orchestration fetches that found work: at most the start's")
                .isLessThanOrEqualTo(1);
    }
}
