package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.T0;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.FailureDetails;
import io.duratask.InstanceNotFoundException;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.TurnCommit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Restarting: a finished instance moves to its next execution in state PENDING with the new input,
 * earlier histories stay readable, and the start message is enqueued. An unfinished or unknown instance
 * is refused and nothing changes.
 */
public abstract class RestartContract extends ContractSupport {

    protected RestartContract(ProviderConformanceKit kit) {
        super(kit);
    }

    /** A restart request as the client builds it: for whichever execution comes next. */
    private static OrchestratorMessage restart(String instanceId, String name, String input) {
        return OrchestratorMessage.of(instanceId, OrchestratorMessage.ANY_EXECUTION,
                new OrchestrationStarted(0, null, name, Messages.VERSION, input, null, null));
    }


    @Test
    void restartStartsAFinishedInstanceAgainAsItsNextExecution() {
        provider().createInstance(start("r1", "Greet"));
        OrchestrationItem first = fetch("r1");
        provider().commitOrchestrationItem(first, Turn.of(first).status(RuntimeStatus.COMPLETED).output("\"first\"")
                .customStatus("\"cs\"").commit());
        List<HistoryEvent> firstHistory = provider().readHistory("r1", 1);
        clock.advance(Duration.ofSeconds(5));
        OrchestratorMessage request = restart("r1", "Greet", "\"second\"");

        provider().restartInstance(request);

        assertThat(provider().getInstance("r1")).as("metadata after the restart").contains(new InstanceInfo("r1",
                "Greet", Messages.VERSION, 2, RuntimeStatus.PENDING, "\"second\"", null, null, null, null, T0,
                clock.instant()));
        assertThat(provider().readHistory("r1", 1)).as("history of execution 1").isEqualTo(firstHistory);
        assertThat(provider().readHistory("r1", 0)).as("history of the new current execution").isEmpty();

        OrchestrationItem item = fetch("r1");
        assertThat(item.executionId()).isEqualTo(2);
        assertThat(item.historySize()).isZero();
        assertThat(item.messages()).hasSize(1);
        assertThat(item.messages().getFirst().event()).as("the start message").isEqualTo(request.event());
        assertThat(item.messages().getFirst().executionId()).as("the start message is for the new execution")
                .isIn(2L, OrchestratorMessage.ANY_EXECUTION);
        TurnCommit second = Turn.of(item).status(RuntimeStatus.COMPLETED).commit();
        provider().commitOrchestrationItem(item, second);
        assertThat(provider().readHistory("r1", 2)).isEqualTo(second.newEvents());
        assertThat(provider().readHistory("r1", 0)).isEqualTo(second.newEvents());
        assertThat(provider().readHistory("r1", 1)).isEqualTo(firstHistory);
    }

    @Test
    void restartOfAFailedInstanceClearsItsFailure() {
        provider().createInstance(start("f1", "Flaky"));
        OrchestrationItem item = fetch("f1");
        provider().commitOrchestrationItem(item, Turn.of(item).status(RuntimeStatus.FAILED)
                .failure(FailureDetails.of("io.example.Boom", "boom")).commit());

        provider().restartInstance(restart("f1", "Flaky", "\"retry\""));

        InstanceInfo info = provider().getInstance("f1").orElseThrow();
        assertThat(info.status()).isEqualTo(RuntimeStatus.PENDING);
        assertThat(info.failure()).isNull();
        assertThat(info.executionId()).isEqualTo(2);
    }

    @Test
    void restartOfAnUnfinishedInstanceIsRefusedAndChangesNothing() {
        provider().createInstance(start("p1", "Job"));
        InstanceInfo pending = provider().getInstance("p1").orElseThrow();
        assertThatThrownBy(() -> provider().restartInstance(restart("p1", "Job", "\"x\"")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("p1");
        assertThat(provider().getInstance("p1")).contains(pending);
        OrchestrationItem item = fetch("p1");
        assertThat(item.messages()).as("only the original start").containsExactly(start("p1", "Job"));
        provider().commitOrchestrationItem(item, Turn.of(item).commit());
        InstanceInfo running = provider().getInstance("p1").orElseThrow();

        assertThatThrownBy(() -> provider().restartInstance(restart("p1", "Job", "\"x\"")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("p1");

        assertThat(provider().getInstance("p1")).contains(running);
        assertNothingToFetch("a refused restart enqueues nothing");
    }

    @Test
    void restartOfAnUnknownInstanceIsRefused() {
        assertThatThrownBy(() -> provider().restartInstance(restart("nobody", "Job", "\"x\"")))
                .isInstanceOfSatisfying(InstanceNotFoundException.class, e -> assertThat(e.instanceId()).isEqualTo("nobody"));

        assertThat(provider().getInstance("nobody")).isEmpty();
        assertNothingToFetch("a refused restart enqueues nothing");
    }
}
