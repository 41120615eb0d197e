package io.duratask.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.client.OrchestrationStatus;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import io.duratask.spi.ProviderException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Storing an activity's result fails retryably once per activity (before anything is applied): the runtime
 * stores it again at once instead of dropping it, so each activity runs once and the chain completes long
 * before a lease could expire.
 */
class CompletionRetryTest {
    private static final Set<String> COMPLETIONS = Set.of("completeWorkItem", "completeWorkItemAndLock",
            "completeWorkItemAndCommit");

    @Test
    void aRetryableFailureToStoreAnActivityResultIsRetriedAndTheActivityRunsOnce() {
        InMemoryProvider store = new InMemoryProvider();
        Set<Object> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger failures = new AtomicInteger();
        Provider flaky = (Provider) Proxy.newProxyInstance(Provider.class.getClassLoader(),
                new Class<?>[] {Provider.class}, (self, method, args) -> {
                    // the first attempt to store each activity's result fails, as a lost connection would
                    if (COMPLETIONS.contains(method.getName()) && failedOnce.add(args[0])) {
                        failures.incrementAndGet();
                        throw new ProviderException("connection lost (injected)", true);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        AtomicInteger runs = new AtomicInteger();
        Registry registry = Chains.registry((actx, x) -> {
            runs.incrementAndGet();
            return x + 1;
        }).build();
        RuntimeOptions options = RuntimeOptions.builder().lockTimeout(Duration.ofMinutes(5)).build();
        try (DurableRuntime runtime = DurableRuntime.start(flaky, registry, options)) {
            runtime.client().startOrchestration("c", "Chain", 5);
            OrchestrationStatus status = runtime.client().waitForCompletion("c", Duration.ofSeconds(30));
            assertThat(status.isCompleted()).as("%s", status).isTrue();
            assertThat(status.output(Integer.class)).isEqualTo(5);
        }
        assertThat(failures.get()).as("one injected failure per activity").isEqualTo(5);
        assertThat(runs.get()).as("no activity ran twice").isEqualTo(5);
    }
}
