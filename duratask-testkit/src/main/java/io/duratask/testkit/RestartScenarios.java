package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.duratask.DurableFuture;
import io.duratask.DurableRuntime;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.spi.Provider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For a provider that keeps its state on disk: a runtime stopped mid-orchestration, with activities running
 * and a timer outstanding, and a new runtime on a newly opened provider for the same place: the instance
 * completes with the same result as an uninterrupted run, and nothing was scheduled twice. A subclass says
 * how to open its provider at a place under {@link #dir}; it may add tests that stop the first runtime
 * otherwise (a crash), using {@link #startAndWaitForTheActivities} and {@link #completesAfterRestart}.
 */
public abstract class RestartScenarios {
    @TempDir
    protected Path dir;

    /** Activities block on this until the test lets them go; the first runtime never does. */
    private volatile CountDownLatch release = new CountDownLatch(1);
    private final ConcurrentHashMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    /** Opens (creating it if need be) the provider kept at {@code place}, a path under {@link #dir}. */
    protected abstract Provider open(Path place);

    /** Checks the store after the first runtime stopped in order and before it is opened again. */
    protected void afterOrderlyStop(Path place) {
    }

    @Test
    void instanceStoppedMidFlightCompletesAfterRestartWithoutDuplicateScheduling() {
        Path place = dir.resolve("store");
        try (DurableRuntime first = DurableRuntime.start(open(place), registry(), options())) {
            startAndWaitForTheActivities(first);
            assertThat(first.client().getHistory("r-1")).filteredOn(e -> e instanceof TimerCreated).hasSize(1);
            first.shutdown(Duration.ofMillis(200)); // the activities are still blocked: they are cut short
        }
        afterOrderlyStop(place);
        completesAfterRestart(place);
    }

    /** Starts the instance on {@code first} and returns once its three activities are running (blocked). */
    protected void startAndWaitForTheActivities(DurableRuntime first) {
        first.client().startOrchestration("r-1", "Restartable", 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == 3);
    }

    /** Lets the activities go, opens {@code place} again and checks that the instance completes cleanly. */
    protected void completesAfterRestart(Path place) {
        release.countDown();
        try (DurableRuntime second = DurableRuntime.start(open(place), registry(), options())) {
            OrchestrationStatus status = second.client().waitForCompletion("r-1", Duration.ofSeconds(60));
            assertThat(status.isCompleted()).as("status after restart: %s", status).isTrue();
            assertThat(status.output(String.class)).isEqualTo("sum=60");

            List<HistoryEvent> history = second.client().getHistory("r-1");
            HistoryAssertions.assertCompletedCleanly(history);
            assertThat(history).filteredOn(e -> e instanceof ActivityScheduled a && a.name().equals("Slow")).hasSize(3);
            assertThat(history).filteredOn(e -> e instanceof ActivityScheduled a && a.name().equals("Sum")).hasSize(1);
            assertThat(history).filteredOn(e -> e instanceof TimerCreated).hasSize(1);
        }
        // each cut-short activity ran again after the restart (at least once in all), the rest exactly once
        assertThat(runs.get("Slow-1").get()).isGreaterThanOrEqualTo(2);
        assertThat(runs.get("Sum").get()).isEqualTo(1);
    }

    protected Registry registry() {
        return Registry.builder()
                .activity("Slow", Integer.class, (actx, x) -> {
                    runs.computeIfAbsent("Slow-" + x, k -> new AtomicInteger()).incrementAndGet();
                    release.await();
                    return x * 10;
                })
                .activity("Sum", String.class, (actx, s) -> {
                    runs.computeIfAbsent("Sum", k -> new AtomicInteger()).incrementAndGet();
                    return "sum=" + s;
                })
                .orchestration("Restartable", Integer.class, (ctx, n) -> {
                    List<DurableFuture<Integer>> parts = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        parts.add(ctx.scheduleActivity("Slow", i, Integer.class));
                    }
                    DurableFuture<Void> pause = ctx.scheduleTimer(Duration.ofMillis(300));
                    int total = ctx.join(parts).await().stream().mapToInt(Integer::intValue).sum();
                    pause.await();
                    return ctx.scheduleActivity("Sum", Integer.toString(total), String.class).await();
                })
                .build();
    }

    protected static RuntimeOptions options() {
        return RuntimeOptions.builder().lockTimeout(Duration.ofSeconds(5)).idlePollInterval(Duration.ofMillis(50)).build();
    }
}
