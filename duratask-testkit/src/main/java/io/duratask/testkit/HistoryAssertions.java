package io.duratask.testkit;

import io.duratask.FailureDetails;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityFailed;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.ContinuedAsNew;
import io.duratask.history.HistoryEvent.CancelRequested;
import io.duratask.history.HistoryEvent.CustomStatusSet;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.history.HistoryEvent.OrchestrationChained;
import io.duratask.history.HistoryEvent.OrchestrationCompleted;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.ParentInstance;
import io.duratask.history.HistoryEvent.Resumed;
import io.duratask.history.HistoryEvent.SideEffectRecorded;
import io.duratask.history.HistoryEvent.SubOrchestrationCompleted;
import io.duratask.history.HistoryEvent.SubOrchestrationFailed;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import io.duratask.history.HistoryEvent.Suspended;
import io.duratask.history.HistoryEvent.Terminated;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.history.HistoryEvent.TimerFired;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Reusable checks over one execution's history ({@code List<HistoryEvent>}, oldest first). Every
 * failure message quotes the whole history, one event a line, so a broken scenario shows what the
 * store actually holds.
 */
public final class HistoryAssertions {

    private HistoryAssertions() {}

    // ---- reading -------------------------------------------------------------------------------------

    /** The simple type names of the events, in order ("OrchestrationStarted", "ActivityScheduled", ...). */
    public static List<String> types(List<HistoryEvent> history) {
        return history.stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    /** The events of one type, in history order. */
    public static <T extends HistoryEvent> List<T> eventsOf(List<HistoryEvent> history, Class<T> type) {
        return history.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The single event of {@code type}; fails if there is none or more than one. */
    public static <T extends HistoryEvent> T single(List<HistoryEvent> history, Class<T> type) {
        List<T> found = eventsOf(history, type);
        if (found.size() != 1) {
            throw failure("expected exactly one " + type.getSimpleName() + " but found " + found.size(), history);
        }
        return found.get(0);
    }

    /** Position (0-based) of the first event matching {@code p}, or -1. */
    public static int indexOf(List<HistoryEvent> history, Predicate<HistoryEvent> p) {
        for (int i = 0; i < history.size(); i++) {
            if (p.test(history.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The scheduling event id a completion refers to, or empty if {@code e} is not a completion. */
    public static OptionalLong scheduledIdOf(HistoryEvent e) {
        return switch (e) {
            case ActivityCompleted c -> OptionalLong.of(c.scheduledId());
            case ActivityFailed f -> OptionalLong.of(f.scheduledId());
            case TimerFired t -> OptionalLong.of(t.scheduledId());
            case SubOrchestrationCompleted c -> OptionalLong.of(c.scheduledId());
            case SubOrchestrationFailed f -> OptionalLong.of(f.scheduledId());
            default -> OptionalLong.empty();
        };
    }

    /** One event a line: {@code "  3 ActivityCompleted(scheduledId=2, result=\"x\")"}. */
    public static String format(List<HistoryEvent> history) {
        StringBuilder b = new StringBuilder();
        for (HistoryEvent e : history) {
            b.append(String.format("  %3d %s%n", e.eventId(), describe(e)));
        }
        return b.length() == 0 ? "  (empty history)\n" : b.toString();
    }

    /** A short description of one event (payloads included, timestamps left out). */
    public static String describe(HistoryEvent e) {
        return switch (e) {
            case OrchestrationStarted s -> "OrchestrationStarted(name=" + s.name() + ", input=" + s.input()
                    + (s.parent() == null ? "" : ", parent=" + s.parent().instanceId()) + ")";
            case ActivityScheduled a -> "ActivityScheduled(name=" + a.name() + ", input=" + a.input() + ")";
            case ActivityCompleted c -> "ActivityCompleted(scheduledId=" + c.scheduledId() + ", result=" + c.result() + ")";
            case ActivityFailed f -> "ActivityFailed(scheduledId=" + f.scheduledId() + ", failure=" + f.failure() + ")";
            case TimerCreated t -> "TimerCreated(fireAt=" + t.fireAt() + ")";
            case TimerFired t -> "TimerFired(scheduledId=" + t.scheduledId() + ")";
            case EventSubscribed s -> "EventSubscribed(name=" + s.name() + ")";
            case EventRaised r -> "EventRaised(name=" + r.name() + ", data=" + r.data() + ")";
            case SubOrchestrationScheduled s -> "SubOrchestrationScheduled(name=" + s.name() + ", instanceId="
                    + s.instanceId() + ", input=" + s.input() + ")";
            case SubOrchestrationCompleted c -> "SubOrchestrationCompleted(scheduledId=" + c.scheduledId() + ", result="
                    + c.result() + ")";
            case SubOrchestrationFailed f -> "SubOrchestrationFailed(scheduledId=" + f.scheduledId() + ", failure="
                    + f.failure() + ")";
            case OrchestrationChained c -> "OrchestrationChained(name=" + c.name() + ", instanceId=" + c.instanceId() + ")";
            case SideEffectRecorded s -> "SideEffectRecorded(kind=" + s.kind() + ", value=" + s.value() + ")";
            case CustomStatusSet c -> "CustomStatusSet(" + c.status() + ")";
            case OrchestrationCompleted c -> "OrchestrationCompleted(output=" + c.output() + ")";
            case OrchestrationFailed f -> "OrchestrationFailed(failure=" + f.failure() + ")";
            case ContinuedAsNew c -> "ContinuedAsNew(input=" + c.input() + ")";
            case Terminated t -> "Terminated(reason=" + t.reason() + ")";
            default -> e.getClass().getSimpleName();
        };
    }

    // ---- checks --------------------------------------------------------------------------------------

    /** The event types are exactly {@code expected}, in this order. */
    @SafeVarargs
    public static void assertTypes(List<HistoryEvent> history, Class<? extends HistoryEvent>... expected) {
        List<String> want = new ArrayList<>(expected.length);
        for (Class<? extends HistoryEvent> type : expected) {
            want.add(type.getSimpleName());
        }
        if (!types(history).equals(want)) {
            throw failure("history event types differ\n  expected: " + want + "\n  actual:   " + types(history), history);
        }
    }

    /** Event ids are exactly 1, 2, ..., n. */
    public static void assertEventIdsContiguous(List<HistoryEvent> history) {
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).eventId() != i + 1) {
                throw failure("event ids must be 1..n without gaps: position " + (i + 1) + " holds event id "
                        + history.get(i).eventId(), history);
            }
        }
    }

    /** No scheduling event is completed (or failed) more than once. */
    public static void assertNoCompletionTwice(List<HistoryEvent> history) {
        Map<Long, HistoryEvent> seen = new HashMap<>();
        for (HistoryEvent e : history) {
            OptionalLong id = scheduledIdOf(e);
            if (id.isPresent()) {
                HistoryEvent earlier = seen.putIfAbsent(id.getAsLong(), e);
                if (earlier != null) {
                    throw failure("scheduled id " + id.getAsLong() + " is completed twice: by event " + earlier.eventId()
                            + " and by event " + e.eventId(), history);
                }
            }
        }
    }

    /**
     * Every completion names an earlier scheduling event of the matching kind: activity completions an
     * {@code ActivityScheduled}, {@code TimerFired} a {@code TimerCreated}, sub-orchestration outcomes a
     * {@code SubOrchestrationScheduled}.
     */
    public static void assertCompletionsMatchSchedules(List<HistoryEvent> history) {
        Map<Long, HistoryEvent> byId = new HashMap<>();
        for (HistoryEvent e : history) {
            OptionalLong id = scheduledIdOf(e);
            if (id.isPresent()) {
                HistoryEvent s = byId.get(id.getAsLong());
                Class<?> want = switch (e) {
                    case TimerFired t -> TimerCreated.class;
                    case SubOrchestrationCompleted c -> SubOrchestrationScheduled.class;
                    case SubOrchestrationFailed f -> SubOrchestrationScheduled.class;
                    default -> ActivityScheduled.class;
                };
                if (s == null || !want.isInstance(s)) {
                    throw failure("event " + e.eventId() + " (" + describe(e) + ") completes scheduled id " + id.getAsLong()
                            + ", which is not an earlier " + want.getSimpleName(), history);
                }
            }
            byId.put(e.eventId(), e);
        }
    }

    /** Every {@code ActivityScheduled} has exactly one {@code ActivityCompleted} or {@code ActivityFailed}. */
    public static void assertEveryActivityCompletedOnce(List<HistoryEvent> history) {
        Map<Long, Integer> completions = new HashMap<>();
        for (HistoryEvent e : history) {
            if (e instanceof ActivityCompleted c) {
                completions.merge(c.scheduledId(), 1, Integer::sum);
            } else if (e instanceof ActivityFailed f) {
                completions.merge(f.scheduledId(), 1, Integer::sum);
            }
        }
        for (ActivityScheduled a : eventsOf(history, ActivityScheduled.class)) {
            int n = completions.getOrDefault(a.eventId(), 0);
            if (n != 1) {
                throw failure("activity '" + a.name() + "' scheduled as event " + a.eventId() + " has " + n
                        + " completions; expected exactly one", history);
            }
        }
    }

    /**
     * The structural invariants of any history: it starts with {@code OrchestrationStarted}, event ids
     * are contiguous, no completion repeats, every completion matches its schedule, and an ending event
     * (completed, failed, continued-as-new, terminated) appears at most once and only last.
     */
    public static void assertWellFormed(List<HistoryEvent> history) {
        if (history.isEmpty() || !(history.get(0) instanceof OrchestrationStarted)) {
            throw failure("a history must start with OrchestrationStarted", history);
        }
        assertEventIdsContiguous(history);
        assertNoCompletionTwice(history);
        assertCompletionsMatchSchedules(history);
        List<Integer> endings = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            HistoryEvent e = history.get(i);
            if (e instanceof OrchestrationCompleted || e instanceof OrchestrationFailed || e instanceof ContinuedAsNew
                    || e instanceof Terminated) {
                endings.add(i);
            }
        }
        if (endings.size() > 1 || (endings.size() == 1 && endings.get(0) != history.size() - 1)) {
            throw failure("an ending event must appear at most once and be the last event", history);
        }
    }

    /** {@link #assertWellFormed}, ends with {@code OrchestrationCompleted}, and every activity completed once. */
    public static void assertCompletedCleanly(List<HistoryEvent> history) {
        assertWellFormed(history);
        if (!(history.get(history.size() - 1) instanceof OrchestrationCompleted)) {
            throw failure("expected the history to end with OrchestrationCompleted", history);
        }
        assertEveryActivityCompletedOnce(history);
    }

    /** Event {@code before} (first match) comes earlier in history than event {@code after} (first match). */
    public static void assertOrder(List<HistoryEvent> history, String beforeName, Predicate<HistoryEvent> before,
                                   String afterName, Predicate<HistoryEvent> after) {
        int b = indexOf(history, before);
        int a = indexOf(history, after);
        if (b < 0 || a < 0 || b >= a) {
            throw failure("expected " + beforeName + " (position " + (b + 1) + ") before " + afterName + " (position "
                    + (a + 1) + ")", history);
        }
    }

    // ---- comparing histories of two runs ------------------------------------------------------------------

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * {@code e} without what legitimately differs between two runs of the same deterministic code: the
     * timestamp, timer fire times, the values recorded by {@code ctx.now()}, {@code ctx.newUuid()} and
     * {@code ctx.random()}, stack traces of failures, and any UUID inside ids and payloads (random instance
     * ids, for instance), which reads {@code <uuid>}. Event ids, kinds, names and other payloads stay.
     */
    public static HistoryEvent normalized(HistoryEvent e) {
        return switch (e) {
            case OrchestrationStarted s -> new OrchestrationStarted(s.eventId(), null, s.name(), s.version(),
                    mask(s.input()), s.parent() == null ? null : new ParentInstance(mask(s.parent().instanceId()),
                            s.parent().executionId(), s.parent().scheduledId()), null);
            case ActivityScheduled a -> new ActivityScheduled(a.eventId(), null, a.name(), mask(a.input()));
            case ActivityCompleted c -> new ActivityCompleted(c.eventId(), null, c.scheduledId(), mask(c.result()));
            case ActivityFailed f -> new ActivityFailed(f.eventId(), null, f.scheduledId(), normalized(f.failure()));
            case TimerCreated t -> new TimerCreated(t.eventId(), null, null);
            case TimerFired t -> new TimerFired(t.eventId(), null, t.scheduledId(), null);
            case EventSubscribed s -> new EventSubscribed(s.eventId(), null, s.name());
            case EventRaised r -> new EventRaised(r.eventId(), null, r.name(), mask(r.data()));
            case SubOrchestrationScheduled s -> new SubOrchestrationScheduled(s.eventId(), null, s.name(),
                    mask(s.instanceId()), mask(s.input()));
            case SubOrchestrationCompleted c -> new SubOrchestrationCompleted(c.eventId(), null, c.scheduledId(),
                    mask(c.result()));
            case SubOrchestrationFailed f -> new SubOrchestrationFailed(f.eventId(), null, f.scheduledId(),
                    normalized(f.failure()));
            case OrchestrationChained c -> new OrchestrationChained(c.eventId(), null, c.name(), mask(c.instanceId()),
                    mask(c.input()));
            case SideEffectRecorded s -> new SideEffectRecorded(s.eventId(), null, s.kind(),
                    switch (s.kind()) {
                        case "now", "uuid", "random" -> "<" + s.kind() + ">";
                        default -> mask(s.value());
                    });
            case CustomStatusSet c -> new CustomStatusSet(c.eventId(), null, mask(c.status()));
            case CancelRequested c -> new CancelRequested(c.eventId(), null, c.reason());
            case OrchestrationCompleted c -> new OrchestrationCompleted(c.eventId(), null, mask(c.output()));
            case OrchestrationFailed f -> new OrchestrationFailed(f.eventId(), null, normalized(f.failure()));
            case ContinuedAsNew c -> new ContinuedAsNew(c.eventId(), null, mask(c.input()));
            case Terminated t -> new Terminated(t.eventId(), null, t.reason());
            case Suspended s -> new Suspended(s.eventId(), null, s.reason());
            case Resumed r -> new Resumed(r.eventId(), null, r.reason());
        };
    }

    /** Every event {@link #normalized(HistoryEvent)}. */
    public static List<HistoryEvent> normalized(List<HistoryEvent> history) {
        return history.stream().map(HistoryAssertions::normalized).toList();
    }

    private static FailureDetails normalized(FailureDetails f) {
        return f == null ? null
                : new FailureDetails(f.type(), mask(f.message()), null, normalized(f.cause()), f.retryable());
    }

    private static String mask(String s) {
        return s == null ? null : UUID_TEXT.matcher(s).replaceAll("<uuid>");
    }

    /**
     * The two histories hold the same events in the same order, event by event, once
     * {@link #normalized(HistoryEvent) normalized}. The failure names the first differing position and
     * quotes both histories.
     */
    public static void assertSameHistory(String what, List<HistoryEvent> expected, List<HistoryEvent> actual) {
        List<HistoryEvent> want = normalized(expected);
        List<HistoryEvent> got = normalized(actual);
        int n = Math.min(want.size(), got.size());
        for (int i = 0; i < n; i++) {
            if (!want.get(i).equals(got.get(i))) {
                throw new AssertionError(what + ": histories differ at position " + (i + 1) + "\n  expected: "
                        + want.get(i) + "\n  actual:   " + got.get(i) + "\nexpected history:\n" + format(expected)
                        + "actual history:\n" + format(actual));
            }
        }
        if (want.size() != got.size()) {
            throw new AssertionError(what + ": histories have " + want.size() + " and " + got.size()
                    + " events (the first " + n + " agree)\nexpected history:\n" + format(expected)
                    + "actual history:\n" + format(actual));
        }
    }

    private static AssertionError failure(String message, List<HistoryEvent> history) {
        return new AssertionError(message + "\nhistory:\n" + format(history));
    }
}
