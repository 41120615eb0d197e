package io.duratask.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.DurableFuture;
import io.duratask.DurableRuntime;
import io.duratask.Registry;
import io.duratask.client.OrchestrationStatus;
import io.duratask.memory.InMemoryProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void helloChainFanOutTimerEvent() {
        Registry registry = Registry.builder()
                .activity("Hello", (actx, name) -> "Hello, " + name + "!")
                .orchestration("Chain", (ctx, input) -> {
                    String a = ctx.scheduleActivity("Hello", input).await();
                    ctx.scheduleTimer(Duration.ofMillis(20)).await();
                    List<DurableFuture<String>> fs = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        fs.add(ctx.scheduleActivity("Hello", "n" + i));
                    }
                    List<String> all = ctx.join(fs).await();
                    String ev = ctx.waitForEvent("Go").await();
                    return a + " " + all.size() + " " + ev;
                })
                .build();
        try (DurableRuntime rt = DurableRuntime.start(new InMemoryProvider(), registry)) {
            rt.client().startOrchestration("i1", "Chain", "World");
            rt.client().raiseEvent("i1", "Go", "go!");
            OrchestrationStatus s = rt.client().waitForCompletion("i1", Duration.ofSeconds(10));
            assertThat(s.failure()).isNull();
            assertThat(s.output(String.class)).isEqualTo("Hello, World! 5 go!");
        }
    }
}
