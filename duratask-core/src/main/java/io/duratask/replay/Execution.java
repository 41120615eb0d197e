package io.duratask.replay;

import io.duratask.FailureDetails;
import io.duratask.NonDeterminismException;
import io.duratask.PayloadCodec;
import io.duratask.Registry.OrchestrationDefinition;
import io.duratask.RuntimeStatus;
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
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.OrchestratorMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One execution of one orchestration instance, driven by history: the pure replay engine.
 *
 * <p>{@link #replay} rebuilds the code's state from stored history; {@link #apply} appends new
 * messages as events and lets the code react. Both deliver events one at a time in history order: a
 * completion settles its future, and if the code was blocked on that future it runs until it blocks
 * again, recording (or, on replay, matching) each call it makes. No I/O, no clock, no threads but the
 * code's own: the caller passes the time and persists the {@link TurnResult}.
 *
 * <p>Not thread-safe: one driver at a time (the runtime's instance lock guarantees it).
 */
public final class Execution {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Execution.class);

    private final String instanceId;
    private final long executionId;
    private final OrchestrationDefinition definition;
    private final PayloadCodec codec;
    private final boolean relaxedInputMatching;
    private final Context context;

    private final List<HistoryEvent> history = new ArrayList<>();
    private int cursor;
    private boolean replaying;
    private Instant currentTime = Instant.EPOCH;
    private OrchestrationStarted started;

    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<String, ArrayDeque<EventRaised>> unconsumedEvents = new HashMap<>();
    private final Map<String, ArrayDeque<CompletionFuture<?>>> eventWaiters = new HashMap<>();
    private final Map<String, Boolean> patches = new HashMap<>();

    private Handoff handoff;
    private EngineFuture<?> blockedOn;
    private volatile boolean aborted;
    private boolean codeFinished;

    // steering from outside
    private boolean suspended;
    private final List<HistoryEvent> deferredWhileSuspended = new ArrayList<>();
    private boolean cancelRequested;
    private boolean cancelDelivered;
    private String cancelReason;
    private boolean cancelRequestedThisTurn;

    // outcome
    private RuntimeStatus status = RuntimeStatus.RUNNING;
    private String output;
    private FailureDetails failure;
    private String customStatus;
    private boolean continuedAsNew;
    private RuntimeException nondeterminism;

    // this turn's delta
    private List<HistoryEvent> newEvents = new ArrayList<>();
    private List<ActivityWorkItem> workItems = new ArrayList<>();
    private List<OrchestratorMessage> messages = new ArrayList<>();

    /** What a scheduled call waits for, keyed by its scheduling event id; childInstanceId for sub-orchestrations. */
    private record Pending(Class<? extends HistoryEvent> completes, String childInstanceId, CompletionFuture<?> future) {}

    public Execution(String instanceId, long executionId, OrchestrationDefinition definition, PayloadCodec codec,
                     boolean relaxedInputMatching) {
        this.instanceId = instanceId;
        this.executionId = executionId;
        this.definition = definition;
        this.codec = codec;
        this.relaxedInputMatching = relaxedInputMatching;
        this.context = new Context(this);
    }

    // ---- driver API ----------------------------------------------------------------------------

    /**
     * Rebuilds state from a stored history (the whole current execution). Afterwards the code is
     * parked where it was; a mismatch between code and history leaves the execution failed with a
     * {@link NonDeterminismException}, to be committed by the next {@link #apply}.
     */
    public void replay(List<HistoryEvent> stored) {
        if (!history.isEmpty()) {
            throw new IllegalStateException("replay on an execution that already has history");
        }
        history.addAll(stored);
        replaying = true;
        try {
            while (cursor < history.size() && !isEnded() && nondeterminism == null) {
                HistoryEvent e = history.get(cursor++);
                currentTime = e.timestamp();
                deliver(e);
            }
            if (!isEnded() && nondeterminism == null && cursor < history.size()) {
                HistoryEvent e = history.get(cursor);
                nondeterminism(e.eventId(), describe(e), "made no further call", null);
            }
        } finally {
            replaying = false;
        }
        resetDelta();
    }

    /**
     * Appends {@code incoming} (message events, ids not yet assigned) at time {@code now}, lets the code
     * react and returns the turn's delta and the execution's state. Messages that settle nothing
     * (duplicate or stray completions) are dropped, not appended.
     */
    public TurnResult apply(List<HistoryEvent> incoming, Instant now) {
        currentTime = now;
        if (nondeterminism != null && status == RuntimeStatus.RUNNING) {
            end(RuntimeStatus.FAILED, null, FailureDetails.nonRetryable(nondeterminism));
            recordNew(new OrchestrationFailed(0, null, failure));
        }
        for (HistoryEvent message : incoming) {
            if (isEnded()) {
                afterEnd(message);
            } else if (accepts(message)) {
                deliver(recordNew(message));
            }
        }
        if (nondeterminism != null && status == RuntimeStatus.RUNNING) {
            end(RuntimeStatus.FAILED, null, FailureDetails.nonRetryable(nondeterminism));
            recordNew(new OrchestrationFailed(0, null, failure));
        }
        if (isEnded()) {
            abort();
        }
        RuntimeStatus reported = status == RuntimeStatus.RUNNING && suspended && !continuedAsNew
                ? RuntimeStatus.SUSPENDED : status;
        TurnResult result = new TurnResult(newEvents, workItems, messages, reported, output, failure, customStatus,
                continuedAsNew, cancelRequestedThisTurn);
        cancelRequestedThisTurn = false;
        resetDelta();
        return result;
    }

    /** Stops the code thread (if parked) so the execution can be dropped. Idempotent. */
    public void abort() {
        if (handoff != null && handoff.started() && !codeFinished) {
            aborted = true;
            handoff.runCode();
        }
    }

    public String instanceId() {
        return instanceId;
    }

    public long executionId() {
        return executionId;
    }

    /** Events in this execution's history, including this turn's. */
    public int historySize() {
        return history.size();
    }

    /**
     * Whether the code waits for the completion of {@code scheduledId} and for nothing else: no other call,
     * timer or event wait outstanding, running, not suspended, no cancellation pending. A runtime uses it
     * to guess that this completion will be the instance's only message (see
     * {@link io.duratask.spi.Provider#completeWorkItemAndCommit}); the provider checks that for certain.
     */
    public boolean awaitsOnly(long scheduledId) {
        return !aborted && !isEnded() && !suspended && !cancelRequested && nondeterminism == null
                && pending.size() == 1 && pending.containsKey(scheduledId)
                && eventWaiters.values().stream().allMatch(ArrayDeque::isEmpty);
    }

    public boolean isEnded() {
        return status != RuntimeStatus.RUNNING || continuedAsNew;
    }

    public OrchestrationStarted startedEvent() {
        return started;
    }

    public String customStatus() {
        return customStatus;
    }

    // ---- delivery ---------------------------------------------------------------------------------

    private boolean accepts(HistoryEvent message) {
        return switch (message) {
            case OrchestrationStarted s -> started == null;
            case ActivityCompleted c -> awaits(c.scheduledId(), ActivityCompleted.class);
            case ActivityFailed f -> awaits(f.scheduledId(), ActivityCompleted.class);
            case TimerFired t -> awaits(t.scheduledId(), TimerFired.class);
            case SubOrchestrationCompleted c -> awaits(c.scheduledId(), SubOrchestrationCompleted.class);
            case SubOrchestrationFailed f -> awaits(f.scheduledId(), SubOrchestrationCompleted.class);
            case EventRaised r -> started != null;
            case CancelRequested c -> started != null && !cancelRequested;
            case Terminated t -> started != null;
            case Suspended s -> started != null && !suspended;
            case Resumed r -> started != null && suspended;
            case ActivityScheduled a -> false;
            case TimerCreated t -> false;
            case EventSubscribed e -> false;
            case SubOrchestrationScheduled s -> false;
            case OrchestrationChained c -> false;
            case SideEffectRecorded s -> false;
            case CustomStatusSet c -> false;
            case OrchestrationCompleted c -> false;
            case OrchestrationFailed f -> false;
            case ContinuedAsNew c -> false;
        };
    }

    /**
     * A message fetched with the one that ended the execution: after continue-as-new an external event
     * goes on to the next execution (never lost); anything else belongs to a finished execution.
     */
    private void afterEnd(HistoryEvent message) {
        if (continuedAsNew && message instanceof EventRaised r) {
            messages.add(OrchestratorMessage.of(instanceId, executionId + 1, new EventRaised(0, null, r.name(), r.data())));
        } else if (message instanceof EventRaised r) {
            LOG.info("instance {} has finished: ignoring event '{}'", instanceId, r.name());
        }
    }

    private boolean awaits(long scheduledId, Class<? extends HistoryEvent> completion) {
        Pending p = pending.get(scheduledId);
        return p != null && p.completes() == completion;
    }

    /** Hands one history event to the code (or, while suspended, holds it until resumed). */
    private void deliver(HistoryEvent e) {
        if (suspended && holdsWhileSuspended(e)) {
            deferredWhileSuspended.add(e);
            return;
        }
        switch (e) {
            case OrchestrationStarted s -> start(s);
            case ActivityCompleted c -> succeed(c.scheduledId(), c.result(), c.eventId());
            case ActivityFailed f -> fail(f.scheduledId(), f.failure(), f.eventId());
            case TimerFired t -> succeed(t.scheduledId(), null, t.eventId());
            case SubOrchestrationCompleted c -> succeed(c.scheduledId(), c.result(), c.eventId());
            case SubOrchestrationFailed f -> fail(f.scheduledId(), f.failure(), f.eventId());
            case EventRaised r -> eventRaised(r);
            case Terminated t -> terminate(t.reason());
            case CancelRequested c -> cancel(c.reason());
            case Suspended s -> suspended = true;
            case Resumed r -> resume();
            case ActivityScheduled a -> unmatched(a);
            case TimerCreated t -> unmatched(t);
            case EventSubscribed s -> unmatched(s);
            case SubOrchestrationScheduled s -> unmatched(s);
            case OrchestrationChained c -> unmatched(c);
            case SideEffectRecorded s -> unmatched(s);
            case CustomStatusSet c -> unmatched(c);
            case OrchestrationCompleted c -> unmatched(c);
            case OrchestrationFailed f -> unmatched(f);
            case ContinuedAsNew c -> unmatched(c);
        }
    }

    private static boolean holdsWhileSuspended(HistoryEvent e) {
        return e instanceof ActivityCompleted || e instanceof ActivityFailed || e instanceof TimerFired
                || e instanceof SubOrchestrationCompleted || e instanceof SubOrchestrationFailed
                || e instanceof EventRaised || e instanceof CancelRequested;
    }

    private void resume() {
        suspended = false;
        List<HistoryEvent> held = new ArrayList<>(deferredWhileSuspended);
        deferredWhileSuspended.clear();
        for (HistoryEvent e : held) {
            if (isEnded() || suspended) {
                deferredWhileSuspended.add(e);
                continue;
            }
            deliver(e);
        }
    }

    /** Forced end: the code stops where it is; running children are terminated too. */
    private void terminate(String reason) {
        for (Pending p : pending.values()) {
            if (p.childInstanceId() != null) {
                messages.add(OrchestratorMessage.of(p.childInstanceId(), OrchestratorMessage.ANY_EXECUTION,
                        new Terminated(0, null, "parent '" + instanceId + "' terminated" + (reason == null ? "" : ": " + reason))));
            }
        }
        end(RuntimeStatus.TERMINATED, null, FailureDetails.of("io.duratask.Terminated",
                "terminated" + (reason == null ? "" : ": " + reason)));
    }

    /** Cooperative: the next await throws; children are asked to cancel; running activities are told. */
    private void cancel(String reason) {
        cancelRequested = true;
        cancelReason = reason;
        cancelRequestedThisTurn = true;
        for (Pending p : pending.values()) {
            if (p.childInstanceId() != null) {
                messages.add(OrchestratorMessage.of(p.childInstanceId(), OrchestratorMessage.ANY_EXECUTION,
                        new CancelRequested(0, null, "parent '" + instanceId + "' cancelled" + (reason == null ? "" : ": " + reason))));
            }
        }
        resumeIfUnblocked();
    }

    /** A decision in history that the code, now blocked, did not make. */
    private void unmatched(HistoryEvent e) {
        String where = null;
        if (handoff != null && handoff.started() && !codeFinished) {
            where = SourceLocation.of(handoff.codeStack());
        }
        String did = codeFinished ? "finished" : "waited" + (blockedOn == null ? "" : " for " + blockedOn);
        nondeterminism(e.eventId(), describe(e), did, where);
    }

    private void start(OrchestrationStarted s) {
        started = s;
        handoff = new Handoff(this::runCodeBody);
        runCode();
    }

    private void succeed(long scheduledId, String json, long eventId) {
        Pending p = pending.remove(scheduledId);
        if (p != null) {
            p.future().succeed(json, eventId);
            resumeIfUnblocked();
        }
    }

    private void fail(long scheduledId, FailureDetails details, long eventId) {
        Pending p = pending.remove(scheduledId);
        if (p != null) {
            p.future().fail(details, eventId);
            resumeIfUnblocked();
        }
    }

    private void eventRaised(EventRaised r) {
        ArrayDeque<CompletionFuture<?>> waiters = eventWaiters.get(r.name());
        if (waiters != null && !waiters.isEmpty()) {
            waiters.poll().succeed(r.data(), r.eventId());
            resumeIfUnblocked();
        } else {
            unconsumedEvents.computeIfAbsent(r.name(), n -> new ArrayDeque<>()).add(r);
        }
    }

    private void resumeIfUnblocked() {
        if (!codeFinished && blockedOn != null && (blockedOn.isDone() || cancelPending()) && !isEnded()) {
            runCode();
        }
    }

    private void runCode() {
        blockedOn = null;
        handoff.runCode();
    }

    // ---- the code thread ----------------------------------------------------------------------------

    private void runCodeBody() {
        try {
            Object input = codec.decode(started.input(), definition.inputType());
            Object result = definition.code().run(context, input);
            String json = codec.encode(result);
            checkNotAborted();
            matchOrRecord(h -> h instanceof OrchestrationCompleted, "completed the orchestration",
                    () -> new OrchestrationCompleted(0, null, json));
            if (nondeterminism == null) {
                end(RuntimeStatus.COMPLETED, json, null);
            }
        } catch (ExecutionAborted a) {
            // discarded by the engine
        } catch (ContinueAsNewSignal can) {
            if (!aborted) {
                continueAsNew(can.input, can.version);
            }
        } catch (Throwable t) {
            if (!aborted && nondeterminism == null) {
                FailureDetails details = FailureDetails.of(t);
                try {
                    matchOrRecord(h -> h instanceof OrchestrationFailed, "failed the orchestration with " + details,
                            () -> new OrchestrationFailed(0, null, details));
                    if (nondeterminism == null) {
                        end(details.isCausedBy(io.duratask.OrchestrationCancelledException.class)
                                ? RuntimeStatus.CANCELED : RuntimeStatus.FAILED, null, details);
                    }
                } catch (RuntimeException ignored) {
                    // nondeterminism recorded by matchOrRecord
                }
            }
        } finally {
            codeFinished = true;
            handoff.finish();
        }
    }

    private void continueAsNew(String input, String version) {
        matchOrRecord(h -> h instanceof ContinuedAsNew, "continued as new",
                () -> new ContinuedAsNew(0, null, input));
        if (nondeterminism != null) {
            return;
        }
        continuedAsNew = true;
        long next = executionId + 1;
        messages.add(OrchestratorMessage.of(instanceId, next, new OrchestrationStarted(0, null, started.name(),
                version, input, started.parent(), started.traceContext())));
        unconsumedEvents.values().stream()
                .flatMap(ArrayDeque::stream)
                .sorted(Comparator.comparingLong(EventRaised::eventId))
                .forEach(r -> messages.add(OrchestratorMessage.of(instanceId, next,
                        new EventRaised(0, null, r.name(), r.data()))));
    }

    private void end(RuntimeStatus s, String out, FailureDetails f) {
        status = s;
        output = out;
        failure = f;
        if (started != null && started.parent() != null) {
            HistoryEvent.ParentInstance p = started.parent();
            HistoryEvent note = s == RuntimeStatus.COMPLETED
                    ? new SubOrchestrationCompleted(0, null, p.scheduledId(), out)
                    : new SubOrchestrationFailed(0, null, p.scheduledId(), f);
            messages.add(OrchestratorMessage.of(p.instanceId(), p.executionId(), note));
        }
    }

    private boolean cancelPending() {
        return cancelRequested && !cancelDelivered;
    }

    /** Called by {@link EngineFuture#await()}. */
    void awaitOnCodeThread(EngineFuture<?> future) {
        checkCodeThread();
        while (!future.isDone() && !cancelPending()) {
            checkNotAborted();
            blockedOn = future;
            handoff.yieldToDriver();
        }
        checkNotAborted();
        if (cancelPending()) {
            cancelDelivered = true;
            throw new io.duratask.OrchestrationCancelledException(cancelReason);
        }
    }

    void checkCodeThread() {
        if (handoff == null || !handoff.isCodeThread()) {
            throw new IllegalStateException("orchestration context used outside the orchestration's own thread;"
                    + " call the context and await futures only from the orchestration code itself");
        }
    }

    private void checkNotAborted() {
        if (aborted) {
            throw new ExecutionAborted();
        }
    }

    // ---- recording decisions (code thread) -------------------------------------------------------

    /**
     * On replay, the next history event must be the one the code now makes; in a new turn the event is
     * appended. Returns the event as it stands in history.
     */
    HistoryEvent matchOrRecord(Predicate<HistoryEvent> sameDecision, String actual,
                               java.util.function.Supplier<HistoryEvent> decision) {
        checkNotAborted();
        if (nondeterminism != null) {
            throw nondeterminism;
        }
        if (replaying) {
            if (cursor >= history.size()) {
                throw nondeterminism(history.size() + 1, "no further event", actual, SourceLocation.caller());
            }
            HistoryEvent h = history.get(cursor);
            if (!sameDecision.test(h)) {
                throw nondeterminism(h.eventId(), describe(h), actual, SourceLocation.caller());
            }
            cursor++;
            return h;
        }
        return recordNew(decision.get());
    }

    private HistoryEvent recordNew(HistoryEvent e) {
        HistoryEvent placed = e.at(history.size() + 1, currentTime);
        history.add(placed);
        newEvents.add(placed);
        cursor = history.size();
        return placed;
    }

    private RuntimeException nondeterminism(long eventId, String expected, String actual, String where) {
        if (nondeterminism == null) {
            nondeterminism = new NonDeterminismException(instanceId, executionId, eventId, expected, actual, where);
        }
        return nondeterminism;
    }

    boolean inputsMatch(String recorded, String actual) {
        return relaxedInputMatching || java.util.Objects.equals(recorded, actual);
    }

    <T> CompletionFuture<T> awaitCompletion(long scheduledId, Class<? extends HistoryEvent> completes,
                                            String childInstanceId, CompletionFuture<T> future) {
        pending.put(scheduledId, new Pending(completes, childInstanceId, future));
        return future;
    }

    /** A durable timer {@code delay} after the current time; from the code thread or, for retries, the driver. */
    CompletionFuture<Void> internalTimer(Duration delay) {
        Instant fireAt = currentTime.plus(delay);
        HistoryEvent e = matchOrRecord(h -> h instanceof TimerCreated, "called scheduleTimer(" + delay + ")",
                () -> new TimerCreated(0, null, fireAt));
        TimerCreated t = (TimerCreated) e;
        addMessage(new OrchestratorMessage(instanceId, executionId, new TimerFired(0, null, t.eventId(), t.fireAt()),
                t.fireAt()));
        return awaitCompletion(t.eventId(), TimerFired.class, null, new CompletionFuture<>(this, Void.class,
                f -> new IllegalStateException("timer failed: " + f), "timer (event " + t.eventId() + ")"));
    }

    /**
     * Stops waiting for {@code future}'s completion (its call timed out or lost a race that decides it): a
     * late completion is then dropped instead of appended, and an event wait no longer takes an event.
     */
    void forget(CompletionFuture<?> future) {
        pending.values().removeIf(p -> p.future() == future);
        eventWaiters.values().forEach(q -> q.remove(future));
    }

    void addWorkItem(ActivityWorkItem item) {
        if (!replaying) {
            workItems.add(item);
        }
    }

    void addMessage(OrchestratorMessage message) {
        if (!replaying) {
            messages.add(message);
        }
    }

    /** Takes the oldest unconsumed event named {@code name}, or queues {@code future} for the next one. */
    void subscribe(String name, CompletionFuture<?> future) {
        ArrayDeque<EventRaised> buffered = unconsumedEvents.get(name);
        if (buffered != null && !buffered.isEmpty()) {
            EventRaised r = buffered.poll();
            future.succeed(r.data(), r.eventId());
        } else {
            eventWaiters.computeIfAbsent(name, n -> new ArrayDeque<>()).add(future);
        }
    }

    /**
     * The patch decision for {@code changeId}: replaying history recorded without the marker keeps the old
     * branch; anywhere else the marker is recorded and the new branch taken. Decided once per execution.
     */
    boolean patched(String changeId) {
        Boolean known = patches.get(changeId);
        if (known != null) {
            return known;
        }
        String kind = "patch:" + changeId;
        boolean result;
        if (replaying) {
            result = cursor < history.size() && history.get(cursor) instanceof SideEffectRecorded s && s.kind().equals(kind);
            if (result) {
                cursor++;
            }
        } else {
            recordNew(new SideEffectRecorded(0, null, kind, "true"));
            result = true;
        }
        patches.put(changeId, result);
        return result;
    }

    void customStatus(String json) {
        this.customStatus = json;
    }

    boolean replaying() {
        return replaying;
    }

    Instant currentTime() {
        return currentTime;
    }

    PayloadCodec codec() {
        return codec;
    }

    OrchestrationDefinition definition() {
        return definition;
    }

    OrchestrationStarted started() {
        return started;
    }

    private void resetDelta() {
        newEvents = new ArrayList<>();
        workItems = new ArrayList<>();
        messages = new ArrayList<>();
    }

    /** Short human description of a history event, for error messages. */
    static String describe(HistoryEvent e) {
        return switch (e) {
            case ActivityScheduled a -> "ActivityScheduled(name=" + a.name() + ", input=" + a.input() + ")";
            case TimerCreated t -> "TimerCreated(fireAt=" + t.fireAt() + ")";
            case EventSubscribed s -> "EventSubscribed(name=" + s.name() + ")";
            case SubOrchestrationScheduled s -> "SubOrchestrationScheduled(name=" + s.name() + ", instanceId="
                    + s.instanceId() + ", input=" + s.input() + ")";
            case OrchestrationChained c -> "OrchestrationChained(name=" + c.name() + ", instanceId=" + c.instanceId() + ")";
            case SideEffectRecorded s -> "SideEffectRecorded(kind=" + s.kind() + ")";
            default -> e.getClass().getSimpleName();
        };
    }
}
