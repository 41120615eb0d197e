package io.duratask.testkit.conformance;

import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.testkit.VirtualClock;
import java.time.Instant;

/** Orchestrator messages as a runtime or a client builds them. */
final class Messages {
    /** Where the kit's clock starts, and the timestamp of every event the kit builds. */
    static final Instant T0 = VirtualClock.DEFAULT_START;
    static final String VERSION = "1.0";

    private Messages() {}

    static String inputOf(String instanceId) {
        return "\"input of " + instanceId + "\"";
    }

    /** The start message of a new top-level instance, as {@code createInstance} takes it. */
    static OrchestratorMessage start(String instanceId, String name) {
        return OrchestratorMessage.of(instanceId, 1,
                new OrchestrationStarted(0, T0, name, VERSION, inputOf(instanceId), null, null));
    }

    /** The start message of a sub-orchestration, as a parent's turn sends it. */
    static OrchestratorMessage childStart(String instanceId, String name, HistoryEvent.ParentInstance parent) {
        return OrchestratorMessage.of(instanceId, 1,
                new OrchestrationStarted(0, T0, name, VERSION, inputOf(instanceId), parent, null));
    }

    /** An external event, for whichever execution is current. */
    static OrchestratorMessage event(String instanceId, String name, String data) {
        return OrchestratorMessage.of(instanceId, OrchestratorMessage.ANY_EXECUTION, new EventRaised(0, T0, name, data));
    }

    /** An external event that may not be fetched before {@code visibleAt}. */
    static OrchestratorMessage eventAt(String instanceId, String name, String data, Instant visibleAt) {
        return new OrchestratorMessage(instanceId, OrchestratorMessage.ANY_EXECUTION, new EventRaised(0, T0, name, data),
                visibleAt);
    }

    /** An activity completion for {@code executionId}, as an activity worker sends it. */
    static OrchestratorMessage completion(String instanceId, long executionId, long scheduledId, String result) {
        return OrchestratorMessage.of(instanceId, executionId, new ActivityCompleted(0, T0, scheduledId, result));
    }
}
