package io.duratask.spi;

import io.duratask.history.HistoryEvent;
import java.util.List;

/**
 * Everything one orchestration turn changes, committed in one atomic step by
 * {@link Provider#commitOrchestrationItem}.
 *
 * @param executionId the execution {@code newEvents} belong to
 * @param newEvents events to append to that execution's history, ids already assigned
 * @param workItems activities to enqueue on the worker queue
 * @param messages orchestrator messages to enqueue, to this instance or others; a start message for an
 *     instance that does not exist creates it
 * @param update the instance's metadata after the turn
 */
public record TurnCommit(long executionId, List<HistoryEvent> newEvents, List<ActivityWorkItem> workItems,
                         List<OrchestratorMessage> messages, InstanceUpdate update) {
    public TurnCommit {
        newEvents = List.copyOf(newEvents);
        workItems = List.copyOf(workItems);
        messages = List.copyOf(messages);
    }
}
