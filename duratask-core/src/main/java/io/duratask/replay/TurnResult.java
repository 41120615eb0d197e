package io.duratask.replay;

import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.OrchestratorMessage;
import java.util.List;

/**
 * What one turn decided: the history delta, the work to enqueue and the execution's state after it.
 *
 * @param newEvents events appended this turn, ids assigned
 * @param workItems activities to run
 * @param messages orchestrator messages (timers, child starts, parent notifications, next execution)
 * @param status RUNNING, COMPLETED or FAILED (RUNNING after continue-as-new, with {@code continuedAsNew})
 * @param output JSON output when completed
 * @param failure when failed
 * @param customStatus JSON custom status, or null
 * @param continuedAsNew true if this turn ended the execution with continue-as-new
 * @param cancelRequested true if a cancellation reached the execution this turn (running activities of
 *     the instance should be told)
 */
public record TurnResult(List<HistoryEvent> newEvents, List<ActivityWorkItem> workItems,
                         List<OrchestratorMessage> messages, RuntimeStatus status, String output,
                         FailureDetails failure, String customStatus, boolean continuedAsNew,
                         boolean cancelRequested) {

    /** True if the execution ended this turn (completed, failed or continued as new). */
    public boolean executionEnded() {
        return status.isTerminal() || continuedAsNew;
    }
}
