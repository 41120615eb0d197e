package io.duratask.fs;

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
import io.duratask.testkit.HistoryAssertions;
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
 * A runtime stopped mid-orchestration, with activities running and a timer outstanding, and a new runtime
 * on a newly opened provider for the same directory: the instance completes with the same result as an
 * uninterrupted run, and nothing was scheduled twice. Once after an orderly shutdown, once after a crash
 * (the provider halted without closing: no final checkpoint, the journal is redone at open).
 */
class RestartTest {
    @TempDir
    Path dir;

    /** Activities block on this until the test lets them go; the first runtime never does. */
    private volatile CountDownLatch release = new CountDownLatch(1);
    private final ConcurrentHashMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    private Registry registry() {
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

    private static RuntimeOptions options() {
        return RuntimeOptions.builder().lockTimeout(Duration.ofSeconds(5)).idlePollInterval(Duration.ofMillis(50)).build();
    }

    @Test
    void instanceStoppedMidFlightCompletesAfterRestartWithoutDuplicateScheduling() {
        Path store = dir.resolve("store");
        try (DurableRuntime first = DurableRuntime.start(FsProvider.open(store), registry(), options())) {
            first.client().startOrchestration("r-1", "Restartable", 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == 3); // all three activities are running
            assertThat(first.client().getHistory("r-1")).filteredOn(e -> e instanceof TimerCreated).hasSize(1);
            first.shutdown(Duration.ofMillis(200)); // the activities are still blocked: they are cut short
        }
        assertThat(StoreFiles.segments(store)).as("an orderly close leaves no journal to redo").isEmpty();
        completesAfterRestart(store);
    }

    @Test
    void instanceCompletesAfterACrashWithoutDuplicateScheduling() {
        Path store = dir.resolve("store");
        FsProvider crashing = FsProvider.open(store);
        DurableRuntime first = DurableRuntime.start(new io.duratask.testkit.NonClosingProvider(crashing), registry(),
                options());
        first.client().startOrchestration("r-1", "Restartable", 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == 3);
        crashing.halt(); // the process dies: nothing more is written, the journal stays for the next open
        assertThat(StoreFiles.segments(store)).isNotEmpty();
        first.shutdown(Duration.ofMillis(200));
        completesAfterRestart(store);
    }

    private void completesAfterRestart(Path store) {
        release.countDown();
        try (DurableRuntime second = DurableRuntime.start(FsProvider.open(store), registry(), options())) {
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
}
