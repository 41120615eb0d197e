package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.Registry;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import org.junit.jupiter.api.Test;

/** The kit's own waiting helpers. */
class ScenarioSupportTest extends ScenarioSupport {
    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }

    @Test
    void awaitingTheHistoryOfAnInstanceThatDoesNotExistYetWaitsForIt() throws Exception {
        start(Registry.builder().orchestration("Waiter", (ctx, in) -> ctx.waitForEvent("Go").await()).build());
        // like a sub-orchestration whose parent has not started it yet when the test begins to wait
        Thread late = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.startOrchestration("late", "Waiter", "x");
        });

        assertThat(awaitSubscribed("late", "Go")).anyMatch(e -> e instanceof EventSubscribed s && s.name().equals("Go"));
        late.join();
    }
}
