package io.duratask.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.testkit.HistoryFiles;
import io.duratask.testkit.TimeSkippingRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the golden histories: one run of each sample on a {@link TimeSkippingRuntime} (virtual clock
 * from a fixed start, one activity at a time), so that regenerating gives the same files except where
 * the code really changed. Only regenerate for a new sample or a deliberate, incompatible change: the
 * files stand for instances that are running in production on the old code.
 *
 * <pre>
 * ./mvnw -q -pl duratask-samples verify -Dgolden.record=true -Dtest=GoldenHistoryRecorder -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * or run {@link #main} with the target directory as its argument (default {@code src/test/resources/golden},
 * relative to {@code duratask-samples/}).
 */
class GoldenHistoryRecorder {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    @EnabledIfSystemProperty(named = "golden.record", matches = "true")
    void recordGoldenHistories() {
        String dir = System.getProperty("golden.dir");
        List<Path> written = record(dir == null || dir.isBlank() ? GoldenSamples.SOURCE_DIR : Path.of(dir));
        assertThat(written).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(GoldenSamples.FILES);
    }

    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : GoldenSamples.SOURCE_DIR;
        record(dir).forEach(p -> System.out.println("wrote " + p));
    }

    /** Runs every sample once and writes its histories into {@code dir}; returns the files written. */
    static List<Path> record(Path dir) {
        List<Path> written = new ArrayList<>();
        written.addAll(recordOne(dir, GoldenSamples.HELLO, env -> {
            env.client().startOrchestration(GoldenSamples.HELLO, HelloChain.ORCHESTRATION, null);
            finish(env, GoldenSamples.HELLO, RuntimeStatus.COMPLETED);
        }));
        written.addAll(recordOne(dir, GoldenSamples.ORDER_APPROVED, env -> {
            env.pauseSkipping();   // the approval must beat the 24-hour deadline
            env.client().startOrchestration(GoldenSamples.ORDER_APPROVED, OrderProcessing.ORCHESTRATION,
                    GoldenSamples.order("o-approved", "120.00"));
            approve(env, GoldenSamples.ORDER_APPROVED);
            finish(env, GoldenSamples.ORDER_APPROVED, RuntimeStatus.COMPLETED);
        }));
        written.addAll(recordOne(dir, GoldenSamples.ORDER_EXPIRED, env -> {
            env.client().startOrchestration(GoldenSamples.ORDER_EXPIRED, OrderProcessing.ORCHESTRATION,
                    GoldenSamples.order("o-expired", "120.00"));
            finish(env, GoldenSamples.ORDER_EXPIRED, RuntimeStatus.COMPLETED);
        }));
        written.addAll(recordOne(dir, GoldenSamples.ORDER_DECLINED, env -> {
            env.pauseSkipping();
            env.client().startOrchestration(GoldenSamples.ORDER_DECLINED, OrderProcessing.ORCHESTRATION,
                    GoldenSamples.order("o-declined", "5400.00"));
            approve(env, GoldenSamples.ORDER_DECLINED);
            finish(env, GoldenSamples.ORDER_DECLINED, RuntimeStatus.FAILED);
        }));
        written.addAll(recordOne(dir, GoldenSamples.WORD_COUNT, env -> {
            env.client().startOrchestration(GoldenSamples.WORD_COUNT, FanOutFanIn.ORCHESTRATION, "doc-");
            finish(env, GoldenSamples.WORD_COUNT, RuntimeStatus.COMPLETED);
        }));
        written.addAll(recordOne(dir, GoldenSamples.MONITOR, env -> {
            env.client().startOrchestration(GoldenSamples.MONITOR, EternalMonitor.ORCHESTRATION, EternalMonitor.State.start(
                    GoldenSamples.MONITOR_URL, GoldenSamples.MONITOR_INTERVAL, GoldenSamples.MONITOR_ITERATIONS));
            finish(env, GoldenSamples.MONITOR, RuntimeStatus.COMPLETED);
        }));
        return written;
    }

    /**
     * Runs {@code scenario} on a fresh time-skipping runtime (clock at its fixed start, one turn and one
     * activity at a time, so the event order is the same every time) and exports {@code instanceId}.
     */
    private static List<Path> recordOne(Path dir, String instanceId, Consumer<TimeSkippingRuntime> scenario) {
        try (TimeSkippingRuntime env = TimeSkippingRuntime.builder(GoldenSamples.registry())
                .options(o -> o.orchestrationConcurrency(1).activityConcurrency(1))
                .start()) {
            scenario.accept(env);
            return HistoryFiles.export(env.client(), instanceId, dir);
        }
    }

    private static void approve(TimeSkippingRuntime env, String id) {
        Awaitility.await(id + " waits for approval").atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() ->
                env.client().getHistory(id).stream().anyMatch(EventSubscribed.class::isInstance));
        env.awaitQuiescent(WAIT);
        env.client().raiseEvent(id, OrderProcessing.APPROVED, true);
    }

    private static void finish(TimeSkippingRuntime env, String id, RuntimeStatus expected) {
        RuntimeStatus status = env.client().waitForCompletion(id, WAIT).runtimeStatus();
        if (status != expected) {
            throw new IllegalStateException(id + " ended " + status + ", expected " + expected);
        }
    }
}
