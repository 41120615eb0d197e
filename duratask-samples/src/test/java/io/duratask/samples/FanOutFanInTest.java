package io.duratask.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.RuntimeStatus;
import io.duratask.client.OrchestrationStatus;
import io.duratask.samples.FanOutFanIn.Report;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FanOutFanInTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Store.class)
    void addsUpTheWordCountsOfAllDocuments(Store store) {
        FanOutFanIn sample = new FanOutFanIn(DocumentStore.generated(8));
        try (DurableRuntime runtime = store.start(dir, sample::register)) {
            runtime.client().startOrchestration("wc", FanOutFanIn.ORCHESTRATION, "doc-");
            OrchestrationStatus status = runtime.client().waitForCompletion("wc", Duration.ofSeconds(10));

            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(status.output(Report.class)).isEqualTo(new Report(8, 5 * 8 * 9, "doc-08"));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void schedulesEveryCountBeforeTheFirstCompletes(Store store) {
        FanOutFanIn sample = new FanOutFanIn(DocumentStore.generated(4));
        try (DurableRuntime runtime = store.start(dir, sample::register)) {
            runtime.client().startOrchestration("wc", FanOutFanIn.ORCHESTRATION, "doc-");
            runtime.client().waitForCompletion("wc", Duration.ofSeconds(10));

            List<String> kinds = Histories.kinds(runtime.client().getHistory("wc"));
            String count = "ActivityScheduled:" + FanOutFanIn.COUNT_WORDS;
            assertThat(kinds.subList(kinds.indexOf(count), kinds.indexOf(count) + 4)).as("fan-out in %s", kinds)
                    .containsOnly(count);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void noMatchingDocumentsGiveAnEmptyReport(Store store) {
        FanOutFanIn sample = new FanOutFanIn(new DocumentStore(Map.of("a", "one two")));
        try (DurableRuntime runtime = store.start(dir, sample::register)) {
            runtime.client().startOrchestration("wc", FanOutFanIn.ORCHESTRATION, "doc-");
            OrchestrationStatus status = runtime.client().waitForCompletion("wc", Duration.ofSeconds(10));

            assertThat(status.output(Report.class)).isEqualTo(new Report(0, 0, null));
        }
    }
}
