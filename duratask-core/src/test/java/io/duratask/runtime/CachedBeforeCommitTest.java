package io.duratask.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The next turn of an instance may start on another worker the moment a commit releases the lock, before
 * the committing worker has returned from the provider call. The execution must already be in the cache
 * then, or that turn replays the whole history (for a fan-in of 1,000 activities, a read of thousands of
 * events, again and again).
 */
@Timeout(60)
class CachedBeforeCommitTest {

    @Test
    void aTurnThatStartsWhileThePreviousCommitIsReturningUsesTheCachedExecution() throws Exception {
        InMemoryProvider store = new InMemoryProvider();
        AtomicBoolean holdNext = new AtomicBoolean(true);
        CountDownLatch committed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger historyReads = new AtomicInteger();
        Provider provider = (Provider) Proxy.newProxyInstance(Provider.class.getClassLoader(),
                new Class<?>[] {Provider.class}, (self, method, args) -> {
                    if (method.getName().equals("readHistory")) {
                        historyReads.incrementAndGet();
                    }
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().startsWith("commitOrchestrationItem") && holdNext.getAndSet(false)) {
                        committed.countDown(); // stored and unlocked, but the worker has not returned yet
                        release.await(10, TimeUnit.SECONDS);
                    }
                    return result;
                });
        Registry registry = Registry.builder()
                .orchestration("TwoEvents", (ctx, in) -> ctx.waitForEvent("a").await() + ctx.waitForEvent("b").await())
                .build();
        RuntimeHost host = new RuntimeHost(provider, registry, RuntimeOptions.defaults());
        host.start();
        try {
            host.client().startOrchestration("i", "TwoEvents", "x");
            assertThat(committed.await(30, TimeUnit.SECONDS)).isTrue();

            host.client().raiseEvent("i", "a", "1");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    store.readHistory("i", 0).stream().anyMatch(e -> e instanceof EventRaised));
            release.countDown();
            host.client().raiseEvent("i", "b", "2");

            assertThat(host.client().waitForCompletion("i", Duration.ofSeconds(30)).output(String.class))
                    .isEqualTo("12");
            assertThat(historyReads).as("turns that had to replay the history").hasValue(0);
        } finally {
            release.countDown();
            host.stop(Duration.ofSeconds(5));
        }
    }
}
