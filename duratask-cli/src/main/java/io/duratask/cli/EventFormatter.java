package io.duratask.cli;

import io.duratask.FailureDetails;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityFailed;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.CancelRequested;
import io.duratask.history.HistoryEvent.ContinuedAsNew;
import io.duratask.history.HistoryEvent.CustomStatusSet;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationChained;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.Resumed;
import io.duratask.history.HistoryEvent.SideEffectRecorded;
import io.duratask.history.HistoryEvent.SubOrchestrationCompleted;
import io.duratask.history.HistoryEvent.SubOrchestrationFailed;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import io.duratask.history.HistoryEvent.Suspended;
import io.duratask.history.HistoryEvent.Terminated;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.history.HistoryEvent.TimerFired;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One line of text per history event: {@code Reserve <- {...}} for a schedule, {@code Reserve -> "R-101"}
 * for its completion, {@code Charge !! PaymentDeclinedException: ...} for a failure. Completions name what
 * they complete by looking up their scheduling event in the same execution's history.
 */
final class EventFormatter {
    private final int maxPayload;

    /** Payloads longer than {@code maxPayload} characters are cut (0: never). */
    EventFormatter(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** The event's type name, as stored in history. */
    static String kind(HistoryEvent event) {
        return event.getClass().getSimpleName();
    }

    /** What the event says, given the {@code history} of its execution (for the names of completions). */
    String details(HistoryEvent event, List<HistoryEvent> history) {
        return switch (event) {
            case OrchestrationStarted e -> e.name() + (e.version() == null || e.version().isEmpty() ? "" : " v" + e.version())
                    + " <- " + payload(e.input())
                    + (e.parent() == null ? "" : " (child of " + e.parent().instanceId() + ")");
            case ActivityScheduled e -> e.name() + " <- " + payload(e.input());
            case ActivityCompleted e -> scheduledName(e.scheduledId(), history) + " -> " + payload(e.result());
            case ActivityFailed e -> scheduledName(e.scheduledId(), history) + " !! " + failure(e.failure());
            case TimerCreated e -> "fires in " + seconds(Duration.between(e.timestamp(), e.fireAt()));
            case TimerFired e -> "timer #" + e.scheduledId();
            case EventSubscribed e -> e.name();
            case EventRaised e -> e.name() + " = " + payload(e.data());
            case SubOrchestrationScheduled e -> e.name() + " as " + e.instanceId() + " <- " + payload(e.input());
            case SubOrchestrationCompleted e -> scheduledName(e.scheduledId(), history) + " -> " + payload(e.result());
            case SubOrchestrationFailed e -> scheduledName(e.scheduledId(), history) + " !! " + failure(e.failure());
            case OrchestrationChained e -> e.name() + " as " + e.instanceId() + " <- " + payload(e.input());
            case SideEffectRecorded e -> e.kind() + " = " + payload(e.value());
            case CustomStatusSet e -> payload(e.status());
            case CancelRequested e -> text(e.reason());
            case OrchestrationCompleted e -> "-> " + payload(e.output());
            case OrchestrationFailed e -> "!! " + failure(e.failure());
            case ContinuedAsNew e -> "<- " + payload(e.input());
            case Terminated e -> text(e.reason());
            case Suspended e -> text(e.reason());
            case Resumed e -> text(e.reason());
        };
    }

    /** Name of the activity or sub-orchestration scheduled as event {@code scheduledId}. */
    private static String scheduledName(long scheduledId, List<HistoryEvent> history) {
        HistoryEvent scheduled = scheduledId >= 1 && scheduledId <= history.size() ? history.get((int) scheduledId - 1) : null;
        if (scheduled instanceof ActivityScheduled s) {
            return s.name();
        }
        if (scheduled instanceof SubOrchestrationScheduled s) {
            return s.name();
        }
        return "#" + scheduledId;
    }

    /**
     * The failure's root cause as short type name and message, and the outer type when it is wrapped:
     * {@code PaymentDeclinedException: amount too high (via ActivityFailedException)}.
     */
    static String failure(FailureDetails f) {
        if (f == null) {
            return "(no details)";
        }
        FailureDetails root = f;
        while (root.cause() != null) {
            root = root.cause();
        }
        String text = shortType(root) + (root.message() == null ? "" : ": " + root.message());
        return root == f ? text : text + " (via " + shortType(f) + ")";
    }

    private static String shortType(FailureDetails f) {
        return f.type().substring(Math.max(f.type().lastIndexOf('.'), f.type().lastIndexOf('$')) + 1);
    }

    private String payload(String json) {
        return json == null ? "null" : cut(json);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private String cut(String s) {
        return maxPayload > 0 && s.length() > maxPayload ? s.substring(0, maxPayload - 3) + "..." : s;
    }

    /** {@code 1.5s}, {@code 250ms}, {@code 24h0m0s}. */
    static String seconds(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            return String.format("%.1fs", d.toMillis() / 1000.0);
        }
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
