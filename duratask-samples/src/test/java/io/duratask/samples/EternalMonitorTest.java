package io.duratask.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.PayloadCodec;
import io.duratask.RuntimeStatus;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.CustomStatusSet;
import io.duratask.samples.EternalMonitor.Progress;
import io.duratask.samples.EternalMonitor.Report;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EternalMonitorTest {
    private static final String URL = "https://status.example.com/health";

    @TempDir
    Path dir;

    private final FakeEndpoint endpoint = new FakeEndpoint(FakeEndpoint.UP, FakeEndpoint.DOWN);

    @ParameterizedTest
    @EnumSource(Store.class)
    void endsAfterItsIterationsInExecutionNPlusOne(Store store) {
        try (DurableRuntime runtime = store.start(dir, new EternalMonitor(endpoint)::register)) {
            DurableClient client = runtime.client();
            client.startOrchestration("mon", EternalMonitor.ORCHESTRATION,
                    EternalMonitor.State.start(URL, Duration.ofMillis(30), 3));
            OrchestrationStatus status = client.waitForCompletion("mon", Duration.ofSeconds(10));

            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(status.executionId()).isEqualTo(4);
            assertThat(status.output(Report.class)).isEqualTo(new Report(URL, 3, 2));
            assertThat(endpoint.calls()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void eachExecutionKeepsOneIterationOfHistoryAndPublishesItsProgress(Store store) {
        try (DurableRuntime runtime = store.start(dir, new EternalMonitor(endpoint)::register)) {
            DurableClient client = runtime.client();
            client.startOrchestration("mon", EternalMonitor.ORCHESTRATION,
                    EternalMonitor.State.start(URL, Duration.ofMillis(30), 3));
            client.waitForCompletion("mon", Duration.ofSeconds(10));

            for (int execution = 1; execution <= 3; execution++) {
                List<HistoryEvent> history = client.getHistory("mon", execution);
                assertThat(Histories.kinds(history)).as("execution %d", execution).containsExactly(
                        "OrchestrationStarted", "ActivityScheduled:" + EternalMonitor.CHECK_ENDPOINT, "ActivityCompleted",
                        "CustomStatusSet", "TimerCreated", "TimerFired", "ContinuedAsNew");
                CustomStatusSet set = (CustomStatusSet) history.get(3);
                assertThat(new PayloadCodec().decode(set.status(), Progress.class)).as("execution %d", execution)
                        .isEqualTo(new Progress(execution, 3, execution % 2 == 1 ? "UP" : "DOWN", (execution + 1) / 2));
            }
            assertThat(Histories.kinds(client.getHistory("mon", 4)))
                    .containsExactly("OrchestrationStarted", "OrchestrationCompleted");
        }
    }
}
