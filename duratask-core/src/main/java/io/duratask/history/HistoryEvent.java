package io.duratask.history;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.duratask.FailureDetails;
import java.time.Instant;

/**
 * One fact in an execution's append-only history. Events are past tense and their JSON names
 * ({@code "type"}) are frozen: renaming one breaks every stored history.
 *
 * <p>{@link #eventId()} is the 1-based position in its execution; a completion's {@code scheduledId}
 * is the {@code eventId} of the event that scheduled it. An event travelling as a message (not yet
 * appended) has event id 0.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = HistoryEvent.OrchestrationStarted.class, name = "OrchestrationStarted"),
    @JsonSubTypes.Type(value = HistoryEvent.ActivityScheduled.class, name = "ActivityScheduled"),
    @JsonSubTypes.Type(value = HistoryEvent.ActivityCompleted.class, name = "ActivityCompleted"),
    @JsonSubTypes.Type(value = HistoryEvent.ActivityFailed.class, name = "ActivityFailed"),
    @JsonSubTypes.Type(value = HistoryEvent.TimerCreated.class, name = "TimerCreated"),
    @JsonSubTypes.Type(value = HistoryEvent.TimerFired.class, name = "TimerFired"),
    @JsonSubTypes.Type(value = HistoryEvent.EventSubscribed.class, name = "EventSubscribed"),
    @JsonSubTypes.Type(value = HistoryEvent.EventRaised.class, name = "EventRaised"),
    @JsonSubTypes.Type(value = HistoryEvent.SubOrchestrationScheduled.class, name = "SubOrchestrationScheduled"),
    @JsonSubTypes.Type(value = HistoryEvent.SubOrchestrationCompleted.class, name = "SubOrchestrationCompleted"),
    @JsonSubTypes.Type(value = HistoryEvent.SubOrchestrationFailed.class, name = "SubOrchestrationFailed"),
    @JsonSubTypes.Type(value = HistoryEvent.OrchestrationChained.class, name = "OrchestrationChained"),
    @JsonSubTypes.Type(value = HistoryEvent.SideEffectRecorded.class, name = "SideEffectRecorded"),
    @JsonSubTypes.Type(value = HistoryEvent.CustomStatusSet.class, name = "CustomStatusSet"),
    @JsonSubTypes.Type(value = HistoryEvent.CancelRequested.class, name = "CancelRequested"),
    @JsonSubTypes.Type(value = HistoryEvent.OrchestrationCompleted.class, name = "OrchestrationCompleted"),
    @JsonSubTypes.Type(value = HistoryEvent.OrchestrationFailed.class, name = "OrchestrationFailed"),
    @JsonSubTypes.Type(value = HistoryEvent.ContinuedAsNew.class, name = "ContinuedAsNew"),
    @JsonSubTypes.Type(value = HistoryEvent.Terminated.class, name = "Terminated"),
    @JsonSubTypes.Type(value = HistoryEvent.Suspended.class, name = "Suspended"),
    @JsonSubTypes.Type(value = HistoryEvent.Resumed.class, name = "Resumed"),
})
public sealed interface HistoryEvent {

    long eventId();

    Instant timestamp();

    /** This event placed at {@code eventId} in a history, stamped with {@code timestamp}. */
    HistoryEvent at(long eventId, Instant timestamp);

    /** The parent of a sub-orchestration: where to report its outcome. */
    record ParentInstance(String instanceId, long executionId, long scheduledId) {}

    /** First event of every execution. {@code parent} is null for top-level instances. */
    record OrchestrationStarted(long eventId, Instant timestamp, String name, String version, String input,
                                ParentInstance parent, String traceContext) implements HistoryEvent {
        public OrchestrationStarted at(long id, Instant ts) {
            return new OrchestrationStarted(id, ts, name, version, input, parent, traceContext);
        }
    }

    record ActivityScheduled(long eventId, Instant timestamp, String name, String input) implements HistoryEvent {
        public ActivityScheduled at(long id, Instant ts) {
            return new ActivityScheduled(id, ts, name, input);
        }
    }

    record ActivityCompleted(long eventId, Instant timestamp, long scheduledId, String result) implements HistoryEvent {
        public ActivityCompleted at(long id, Instant ts) {
            return new ActivityCompleted(id, ts, scheduledId, result);
        }
    }

    record ActivityFailed(long eventId, Instant timestamp, long scheduledId, FailureDetails failure) implements HistoryEvent {
        public ActivityFailed at(long id, Instant ts) {
            return new ActivityFailed(id, ts, scheduledId, failure);
        }
    }

    record TimerCreated(long eventId, Instant timestamp, Instant fireAt) implements HistoryEvent {
        public TimerCreated at(long id, Instant ts) {
            return new TimerCreated(id, ts, fireAt);
        }
    }

    record TimerFired(long eventId, Instant timestamp, long scheduledId, Instant fireAt) implements HistoryEvent {
        public TimerFired at(long id, Instant ts) {
            return new TimerFired(id, ts, scheduledId, fireAt);
        }
    }

    record EventSubscribed(long eventId, Instant timestamp, String name) implements HistoryEvent {
        public EventSubscribed at(long id, Instant ts) {
            return new EventSubscribed(id, ts, name);
        }
    }

    record EventRaised(long eventId, Instant timestamp, String name, String data) implements HistoryEvent {
        public EventRaised at(long id, Instant ts) {
            return new EventRaised(id, ts, name, data);
        }
    }

    record SubOrchestrationScheduled(long eventId, Instant timestamp, String name, String instanceId, String input)
            implements HistoryEvent {
        public SubOrchestrationScheduled at(long id, Instant ts) {
            return new SubOrchestrationScheduled(id, ts, name, instanceId, input);
        }
    }

    record SubOrchestrationCompleted(long eventId, Instant timestamp, long scheduledId, String result)
            implements HistoryEvent {
        public SubOrchestrationCompleted at(long id, Instant ts) {
            return new SubOrchestrationCompleted(id, ts, scheduledId, result);
        }
    }

    record SubOrchestrationFailed(long eventId, Instant timestamp, long scheduledId, FailureDetails failure)
            implements HistoryEvent {
        public SubOrchestrationFailed at(long id, Instant ts) {
            return new SubOrchestrationFailed(id, ts, scheduledId, failure);
        }
    }

    /** A detached (fire-and-forget) orchestration started by this one. */
    record OrchestrationChained(long eventId, Instant timestamp, String name, String instanceId, String input)
            implements HistoryEvent {
        public OrchestrationChained at(long id, Instant ts) {
            return new OrchestrationChained(id, ts, name, instanceId, input);
        }
    }

    /** A value produced once and replayed ever after: {@code kind} is now, uuid, random or a user name. */
    record SideEffectRecorded(long eventId, Instant timestamp, String kind, String value) implements HistoryEvent {
        public SideEffectRecorded at(long id, Instant ts) {
            return new SideEffectRecorded(id, ts, kind, value);
        }
    }

    record CustomStatusSet(long eventId, Instant timestamp, String status) implements HistoryEvent {
        public CustomStatusSet at(long id, Instant ts) {
            return new CustomStatusSet(id, ts, status);
        }
    }

    record CancelRequested(long eventId, Instant timestamp, String reason) implements HistoryEvent {
        public CancelRequested at(long id, Instant ts) {
            return new CancelRequested(id, ts, reason);
        }
    }

    record OrchestrationCompleted(long eventId, Instant timestamp, String output) implements HistoryEvent {
        public OrchestrationCompleted at(long id, Instant ts) {
            return new OrchestrationCompleted(id, ts, output);
        }
    }

    record OrchestrationFailed(long eventId, Instant timestamp, FailureDetails failure) implements HistoryEvent {
        public OrchestrationFailed at(long id, Instant ts) {
            return new OrchestrationFailed(id, ts, failure);
        }
    }

    /** Ends this execution; the next one starts with {@code input} and a fresh history. */
    record ContinuedAsNew(long eventId, Instant timestamp, String input) implements HistoryEvent {
        public ContinuedAsNew at(long id, Instant ts) {
            return new ContinuedAsNew(id, ts, input);
        }
    }

    record Terminated(long eventId, Instant timestamp, String reason) implements HistoryEvent {
        public Terminated at(long id, Instant ts) {
            return new Terminated(id, ts, reason);
        }
    }

    record Suspended(long eventId, Instant timestamp, String reason) implements HistoryEvent {
        public Suspended at(long id, Instant ts) {
            return new Suspended(id, ts, reason);
        }
    }

    record Resumed(long eventId, Instant timestamp, String reason) implements HistoryEvent {
        public Resumed at(long id, Instant ts) {
            return new Resumed(id, ts, reason);
        }
    }
}
