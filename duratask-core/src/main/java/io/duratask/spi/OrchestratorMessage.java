package io.duratask.spi;

import io.duratask.history.HistoryEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * A message on the orchestrator queue: a history event on its way into an instance's history
 * (start, completion, timer fired, event raised, ...).
 *
 * @param instanceId the target instance
 * @param executionId the target execution; {@link #ANY_EXECUTION} delivers to whichever is current
 * @param event the event to append (its event id is 0 until it is appended)
 * @param visibleAt the message may not be fetched before this time (timers); null means at once
 */
public record OrchestratorMessage(String instanceId, long executionId, HistoryEvent event, Instant visibleAt) {
    public static final long ANY_EXECUTION = 0;

    public OrchestratorMessage {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(event, "event");
    }

    public static OrchestratorMessage of(String instanceId, long executionId, HistoryEvent event) {
        return new OrchestratorMessage(instanceId, executionId, event, null);
    }

    /** True if this message starts an execution (and so may create its instance). */
    public boolean isStart() {
        return event instanceof HistoryEvent.OrchestrationStarted;
    }
}
