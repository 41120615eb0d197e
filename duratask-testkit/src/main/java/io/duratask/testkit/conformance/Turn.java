package io.duratask.testkit.conformance;

import static io.duratask.testkit.conformance.Messages.T0;
import static io.duratask.testkit.conformance.Messages.VERSION;

import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.ContinuedAsNew;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.history.HistoryEvent.TimerFired;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.TurnCommit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link TurnCommit} a runtime would make for a fetched item: it appends the fetched messages'
 * events with the next event ids, then whatever the test adds (activities, timers, children, messages),
 * and sets the instance metadata. Status RUNNING unless told otherwise.
 */
final class Turn {
    private final OrchestrationItem item;
    private final List<HistoryEvent> events = new ArrayList<>();
    private final List<ActivityWorkItem> workItems = new ArrayList<>();
    private final List<OrchestratorMessage> messages = new ArrayList<>();
    private final String name;
    private String input;
    private long nextExecutionId;
    private RuntimeStatus status = RuntimeStatus.RUNNING;
    private String output;
    private FailureDetails failure;
    private String customStatus;

    private Turn(OrchestrationItem item) {
        this.item = item;
        this.nextExecutionId = item.executionId();
        String startedName = null;
        String startedInput = null;
        for (OrchestratorMessage m : item.messages()) {
            if (m.event() instanceof OrchestrationStarted s) {
                startedName = s.name();
                startedInput = s.input();
            }
        }
        this.name = item.instance() != null && item.instance().name() != null ? item.instance().name() : startedName;
        this.input = item.instance() != null && item.instance().input() != null ? item.instance().input() : startedInput;
        item.messages().forEach(m -> append(m.event()));
    }

    /** A turn that appends every fetched message to history. */
    static Turn of(OrchestrationItem item) {
        return new Turn(item);
    }

    /** A turn that appends nothing (the runtime's answer to messages it drops). */
    static Turn empty(OrchestrationItem item) {
        Turn turn = new Turn(item);
        turn.events.clear();
        return turn;
    }

    private long nextEventId() {
        return item.historySize() + events.size() + 1;
    }

    /** Appends {@code event} with the next event id (and its own timestamp, or {@code T0} if it has none). */
    Turn append(HistoryEvent event) {
        events.add(event.at(nextEventId(), event.timestamp() == null ? T0 : event.timestamp()));
        return this;
    }

    /** Schedules activity {@code activity}: its event, and its work item. */
    Turn schedule(String activity) {
        long id = nextEventId();
        String activityInput = "\"work for " + activity + "\"";
        events.add(new ActivityScheduled(id, T0, activity, activityInput));
        workItems.add(new ActivityWorkItem(item.instanceId(), item.executionId(), id, activity, activityInput));
        return this;
    }

    /** Starts a timer: its event, and the {@code TimerFired} message visible at {@code fireAt}. */
    Turn timer(Instant fireAt) {
        long id = nextEventId();
        events.add(new TimerCreated(id, T0, fireAt));
        messages.add(new OrchestratorMessage(item.instanceId(), item.executionId(), new TimerFired(0, T0, id, fireAt), fireAt));
        return this;
    }

    /** Starts sub-orchestration {@code childId}: its event, and the child's start message naming this parent. */
    Turn subOrchestration(String childName, String childId) {
        long id = nextEventId();
        events.add(new SubOrchestrationScheduled(id, T0, childName, childId, Messages.inputOf(childId)));
        messages.add(Messages.childStart(childId, childName,
                new HistoryEvent.ParentInstance(item.instanceId(), item.executionId(), id)));
        return this;
    }

    /** Sends {@code message} (to this instance or another) with the commit. */
    Turn send(OrchestratorMessage message) {
        messages.add(message);
        return this;
    }

    /** Ends this execution and starts the next one with {@code newInput}. */
    Turn continueAsNew(String newInput) {
        append(new ContinuedAsNew(0, T0, newInput));
        nextExecutionId = item.executionId() + 1;
        input = newInput;
        messages.add(OrchestratorMessage.of(item.instanceId(), nextExecutionId,
                new OrchestrationStarted(0, T0, name, VERSION, newInput, null, null)));
        return this;
    }

    Turn status(RuntimeStatus value) {
        this.status = value;
        return this;
    }

    Turn output(String value) {
        this.output = value;
        return this;
    }

    Turn failure(FailureDetails value) {
        this.failure = value;
        return this;
    }

    Turn customStatus(String value) {
        this.customStatus = value;
        return this;
    }

    TurnCommit commit() {
        InstanceUpdate update = new InstanceUpdate(name, VERSION, nextExecutionId, status, input, output, failure,
                customStatus);
        return new TurnCommit(item.executionId(), events, workItems, messages, update);
    }
}
