package io.duratask.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableRuntime;
import io.duratask.RuntimeStatus;
import io.duratask.client.OrchestrationStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HelloChainTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Store.class)
    void greetsTheDefaultCitiesInOrder(Store store) {
        try (DurableRuntime runtime = store.start(dir, HelloChain::register)) {
            runtime.client().startOrchestration("hello", HelloChain.ORCHESTRATION, null);
            OrchestrationStatus status = runtime.client().waitForCompletion("hello", Duration.ofSeconds(10));

            assertThat(status.runtimeStatus()).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(status.output(String[].class)).containsExactly("Hello, Tokyo!", "Hello, Seattle!", "Hello, London!");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void schedulesOneActivityAfterTheOther(Store store) {
        try (DurableRuntime runtime = store.start(dir, HelloChain::register)) {
            runtime.client().startOrchestration("hello", HelloChain.ORCHESTRATION, new String[] {"Oslo", "Lima"});
            OrchestrationStatus status = runtime.client().waitForCompletion("hello", Duration.ofSeconds(10));

            assertThat(status.output(String[].class)).containsExactly("Hello, Oslo!", "Hello, Lima!");
            assertThat(Histories.kinds(runtime.client().getHistory("hello"))).containsExactly(
                    "OrchestrationStarted",
                    "ActivityScheduled:SayHello", "ActivityCompleted",
                    "ActivityScheduled:SayHello", "ActivityCompleted",
                    "OrchestrationCompleted");
        }
    }
}
