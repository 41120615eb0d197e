package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.completion;
import static io.duratask.testkit.conformance.Messages.event;
import static io.duratask.testkit.conformance.Messages.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Executions (continue-as-new): each has its own history, readable by its id, 0 meaning the current one;
 * an item reports the current execution and the size of its history; messages keep the execution they
 * were sent for, so that the runtime can drop those for an older execution (the provider must neither
 * drop nor re-address them).
 */
public abstract class ExecutionContract extends ContractSupport {

    protected ExecutionContract(ProviderConformanceKit kit) {
        super(kit);
    }

    @Test
    void continueAsNewStartsAFreshHistoryAndKeepsTheOldOneReadable() {
        provider().createInstance(start("e1", "Eternal"));
        OrchestrationItem first = fetch("e1");
        TurnCommit firstCommit = Turn.of(first).schedule("A").continueAsNew("\"next\"").commit();
        provider().commitOrchestrationItem(first, firstCommit);

        InstanceInfo info = provider().getInstance("e1").orElseThrow();
        assertThat(info.executionId()).as("current execution after continue-as-new").isEqualTo(2);
        assertThat(info.input()).isEqualTo("\"next\"");
        assertThat(info.status()).isEqualTo(RuntimeStatus.RUNNING);

        OrchestrationItem second = fetch("e1");
        assertThat(second.executionId()).as("the execution of the next item").isEqualTo(2);
        assertThat(second.historySize()).as("history size of the fresh execution").isZero();
        assertThat(second.messages()).as("the start message of execution 2").hasSize(1);
        assertThat(second.messages().getFirst().executionId()).isEqualTo(2);
        assertThat(second.messages().getFirst().event()).isInstanceOf(OrchestrationStarted.class);
        TurnCommit secondCommit = Turn.of(second).append(new EventSubscribed(0, null, "go")).commit();
        provider().commitOrchestrationItem(second, secondCommit);

        assertThat(provider().readHistory("e1", 1)).as("history of execution 1").isEqualTo(firstCommit.newEvents());
        assertThat(provider().readHistory("e1", 2)).as("history of execution 2").isEqualTo(secondCommit.newEvents());
        assertThat(provider().readHistory("e1", 0)).as("execution 0 means the current one")
                .isEqualTo(secondCommit.newEvents());
        assertThat(provider().readHistory("e1", 3)).as("an execution that does not exist").isEmpty();
        assertThat(provider().readHistory("nobody", 0)).as("an instance that does not exist").isEmpty();
        assertThat(provider().readHistory("nobody", 1)).as("an instance that does not exist").isEmpty();

        provider().enqueue(event("e1", "go", "1"));
        OrchestrationItem third = fetch("e1");
        assertThat(third.executionId()).isEqualTo(2);
        assertThat(third.historySize()).as("history size counts the current execution only").isEqualTo(2);
    }

    @Test
    void aMessageForAnOlderExecutionIsDeliveredAsSentForTheRuntimeToDrop() {
        provider().createInstance(start("e1", "Eternal"));
        OrchestrationItem first = fetch("e1");
        provider().commitOrchestrationItem(first, Turn.of(first).schedule("Slow").continueAsNew("\"next\"").commit());
        OrchestrationItem second = fetch("e1");
        provider().commitOrchestrationItem(second, Turn.of(second).commit());

        WorkItemLease oldActivity = fetchWork();
        assertThat(oldActivity.item().executionId()).as("the work item keeps the execution that scheduled it").isEqualTo(1);
        OrchestratorMessage late = completion("e1", 1, oldActivity.item().scheduledId(), "\"late\"");
        provider().completeWorkItem(oldActivity, late);

        OrchestrationItem item = fetch("e1");
        assertThat(item.executionId()).as("the current execution").isEqualTo(2);
        assertThat(item.messages()).as("the late completion, still addressed to execution 1").containsExactly(late);

        List<HistoryEvent> before = provider().readHistory("e1", 1);
        provider().commitOrchestrationItem(item, Turn.empty(item).commit());
        assertThat(provider().readHistory("e1", 1)).as("execution 1 is never written again").isEqualTo(before);
        assertNothingToFetch("the late completion was consumed");
    }

    @Test
    void aFreshInstanceReportsExecutionOneAndAnEmptyHistory() {
        provider().createInstance(start("i1", "Greet"));

        OrchestrationItem item = fetch("i1");

        assertThat(item.executionId()).isEqualTo(1);
        assertThat(item.historySize()).isZero();
        assertThat(provider().readHistory("i1", 0)).isEmpty();
        assertThat(provider().readHistory("i1", 1)).isEmpty();
    }
}
