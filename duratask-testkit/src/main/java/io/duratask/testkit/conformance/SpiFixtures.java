package io.duratask.testkit.conformance;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.TurnCommit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Messages and commits as a runtime would build them. */
public final class SpiFixtures {
    private SpiFixtures() {}

    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");


    public static OrchestratorMessage start(String instanceId, String name) {
        return start(instanceId, name, null);
    }

    public static OrchestratorMessage start(String instanceId, String name, HistoryEvent.ParentInstance parent) {
        return OrchestratorMessage.of(instanceId, 1,
                new OrchestrationStarted(0, T0, name, "1.0", "\"input of " + instanceId + "\"", parent, null));
    }

    public static OrchestratorMessage event(String instanceId, String name, String data) {
        return OrchestratorMessage.of(instanceId, OrchestratorMessage.ANY_EXECUTION, new EventRaised(0, T0, name, data));
    }

    public static OrchestratorMessage completion(String instanceId, long scheduledId, String result) {
        return OrchestratorMessage.of(instanceId, 1, new ActivityCompleted(0, T0, scheduledId, result));
    }

    public static InstanceUpdate running(OrchestrationItem item) {
        String name = item.instance() == null ? "unknown" : item.instance().name();
        return new InstanceUpdate(name, "1.0", item.executionId(), RuntimeStatus.RUNNING, "\"in\"", null, null, null);
    }

    /** Appends the fetched messages to history and schedules one activity per message. */
    public static TurnCommit appendAndSchedule(OrchestrationItem item, String activity) {
        List<HistoryEvent> events = new ArrayList<>();
        List<ActivityWorkItem> work = new ArrayList<>();
        long next = item.historySize() + 1;
        for (OrchestratorMessage m : item.messages()) {
            events.add(m.event().at(next++, T0));
        }
        if (activity != null) {
            long scheduledId = next;
            events.add(new ActivityScheduled(next, T0, activity, "\"work\""));
            work.add(new ActivityWorkItem(item.instanceId(), item.executionId(), scheduledId, activity, "\"work\""));
        }
        return new TurnCommit(item.executionId(), events, work, List.of(), running(item));
    }

    /** Appends the fetched messages to history and nothing else. */
    public static TurnCommit appendOnly(OrchestrationItem item) {
        return appendAndSchedule(item, null);
    }

    /**
     * A turn of the "Loop" test orchestration: appends the fetched message as the next event; sends the
     * instance another "next" event until {@code rounds} events are in its history, then completes it.
     */
    public static TurnCommit nextLoopRound(OrchestrationItem item, int rounds) {
        long eventId = item.historySize() + 1;
        List<HistoryEvent> events = new ArrayList<>();
        events.add(item.messages().getFirst().event().at(eventId, T0));
        List<OrchestratorMessage> messages = List.of();
        RuntimeStatus status = RuntimeStatus.RUNNING;
        if (eventId < rounds) {
            messages = List.of(event(item.instanceId(), "next", String.valueOf(eventId)));
        } else {
            events.add(new HistoryEvent.OrchestrationCompleted(eventId + 1, T0, "\"done\""));
            status = RuntimeStatus.COMPLETED;
        }
        InstanceUpdate update = new InstanceUpdate("Loop", "1.0", 1, status, null, null, null, null);
        return new TurnCommit(1, events, List.of(), messages, update);
    }
}
