package io.duratask.runtime;

import io.duratask.FailureDetails;
import io.duratask.InstanceExistsException;
import io.duratask.Registry;
import io.duratask.Registry.OrchestrationDefinition;
import io.duratask.RuntimeOptions;
import io.duratask.RuntimeStatus;
import io.duratask.UnknownNameException;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.OrchestrationFailed;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.history.HistoryEvent.SubOrchestrationFailed;
import io.duratask.replay.Execution;
import io.duratask.replay.TurnResult;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.TurnCommit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one fetched {@link OrchestrationItem} into one {@link TurnCommit}: picks the execution (cached
 * or rebuilt by replay), feeds it the messages, and describes the outcome for the provider. Handles the
 * cases the engine does not: stale and poison messages, unknown orchestration names, starts aimed at an
 * instance that already runs, messages for finished instances.
 */
final class TurnProcessor {
    private static final Logger log = LoggerFactory.getLogger(TurnProcessor.class);

    private final Provider provider;
    private final Registry registry;
    private final RuntimeOptions options;
    private final ExecutionCache cache;

    TurnProcessor(Provider provider, Registry registry, RuntimeOptions options, ExecutionCache cache) {
        this.provider = provider;
        this.registry = registry;
        this.options = options;
        this.cache = cache;
    }

    /** The commit for {@code item}, and the execution to cache afterwards (null if none). */
    record Turn(TurnCommit commit, Execution execution, boolean ended, boolean cancelRequested) {
        Turn(TurnCommit commit, Execution execution, boolean ended) {
            this(commit, execution, ended, false);
        }
    }

    Turn process(OrchestrationItem item) {
        return process(item, null);
    }

    /**
     * The commit for {@code item}, on {@code taken} if not null: an execution the caller took out of the
     * cache itself, at the item's execution and history size.
     */
    Turn process(OrchestrationItem item, Execution taken) {
        String id = item.instanceId();
        Instant now = options.clock().instant();
        List<OrchestratorMessage> replies = new ArrayList<>();
        List<HistoryEvent> incoming = new ArrayList<>();
        for (OrchestratorMessage m : item.messages()) {
            if (m.executionId() == OrchestratorMessage.ANY_EXECUTION || m.executionId() == item.executionId()) {
                incoming.add(m.event());
            } else {
                log.debug("instance {}: dropping {} for execution {} (current is {})", id,
                        m.event().getClass().getSimpleName(), m.executionId(), item.executionId());
            }
        }
        InstanceInfo info = item.instance();
        if (info != null && info.status().isTerminal()) {
            for (HistoryEvent e : incoming) {
                rejectStart(e, id, replies);
                if (!(e instanceof OrchestrationStarted)) {
                    log.info("instance {} is {}: ignoring {}", id, info.status(), e.getClass().getSimpleName());
                }
            }
            return new Turn(unchanged(item, info, replies), null, true);
        }
        if (item.maxDequeueCount() > options.maxDequeueCount()) {
            // before any replay: reading or replaying the history may be what keeps failing
            return new Turn(poisoned(item, incoming, replies, now), null, true);
        }

        Execution ex = taken != null ? taken : cache.take(id, item.executionId(), item.historySize());
        if (ex == null) {
            List<HistoryEvent> history = item.historySize() == 0 ? List.of() : provider.readHistory(id, item.executionId());
            OrchestrationStarted started = history.isEmpty() ? firstStart(incoming) : (OrchestrationStarted) history.get(0);
            if (started == null) {
                log.warn("instance {}: no start message and no history; dropping {} message(s)", id, incoming.size());
                return new Turn(unchanged(item, info, replies), null, true);
            }
            Optional<OrchestrationDefinition> def = registry.orchestration(started.name(), started.version());
            if (def.isEmpty()) {
                return new Turn(failUnknown(item, history, started, incoming, replies, now), null, true);
            }
            if (history.isEmpty()) {
                OrchestrationStarted resolved = new OrchestrationStarted(0, null, started.name(),
                        def.get().version(), started.input(), started.parent(), started.traceContext());
                incoming.set(incoming.indexOf(started), resolved);
                incoming.removeIf(e -> e instanceof OrchestrationStarted s && s != resolved && rejectStart(s, id, replies));
            }
            ex = new Execution(id, item.executionId(), def.get(), options.payloadCodec(), options.relaxedInputMatching());
            ex.replay(history);
        }
        if (ex.startedEvent() != null) {
            incoming.removeIf(e -> rejectStart(e, id, replies));
        }

        TurnResult r = ex.apply(incoming, now);
        List<OrchestratorMessage> messages = new ArrayList<>(r.messages());
        messages.addAll(replies);
        OrchestrationStarted s = ex.startedEvent();
        String input = s == null ? null : s.input();
        long nextExecution = item.executionId();
        if (r.continuedAsNew()) {
            nextExecution++;
            for (OrchestratorMessage m : r.messages()) {
                if (m.instanceId().equals(id) && m.event() instanceof OrchestrationStarted next) {
                    input = next.input();
                }
            }
        }
        InstanceUpdate update = new InstanceUpdate(s == null ? nameOf(info) : s.name(), s == null ? null : s.version(),
                nextExecution, r.status(), input, r.output(), r.failure(), r.customStatus());
        TurnCommit commit = new TurnCommit(item.executionId(), r.newEvents(), r.workItems(), messages, update);
        return new Turn(commit, ex, r.executionEnded(), r.cancelRequested());
    }

    /** Answers a start aimed at an instance that already runs; true if {@code e} was such a start. */
    private static boolean rejectStart(HistoryEvent e, String id, List<OrchestratorMessage> replies) {
        if (!(e instanceof OrchestrationStarted s)) {
            return false;
        }
        if (s.parent() != null) {
            HistoryEvent.ParentInstance p = s.parent();
            replies.add(OrchestratorMessage.of(p.instanceId(), p.executionId(), new SubOrchestrationFailed(0, null,
                    p.scheduledId(), FailureDetails.nonRetryable(new InstanceExistsException(id)))));
        }
        log.warn("instance {} already exists: ignoring a second start of '{}'", id, s.name());
        return true;
    }

    private static OrchestrationStarted firstStart(List<HistoryEvent> incoming) {
        for (HistoryEvent e : incoming) {
            if (e instanceof OrchestrationStarted s) {
                return s;
            }
        }
        return null;
    }

    private TurnCommit failUnknown(OrchestrationItem item, List<HistoryEvent> history, OrchestrationStarted started,
                                   List<HistoryEvent> incoming, List<OrchestratorMessage> replies, Instant now) {
        String what = started.version() == null
                ? started.name() : started.name() + "' version '" + started.version();
        FailureDetails failure = FailureDetails.nonRetryable(
                new UnknownNameException("orchestration", what, registry.orchestrationNames()));
        log.error("instance {}: {}", item.instanceId(), failure.message());
        List<HistoryEvent> events = new ArrayList<>();
        if (history.isEmpty()) {
            events.add(started.at(1, now));
        }
        events.add(new OrchestrationFailed(history.size() + events.size() + 1, now, failure));
        incoming.forEach(e -> {
            if (e != started) {
                rejectStart(e, item.instanceId(), replies);
            }
        });
        notifyParent(started, failure, replies);
        return new TurnCommit(item.executionId(), events, List.of(), replies, new InstanceUpdate(started.name(),
                started.version(), item.executionId(), RuntimeStatus.FAILED, started.input(), null, failure, null));
    }

    /**
     * Fails the instance of an item whose messages were fetched too often. Needs no replay (a turn that
     * keeps failing may fail in the replay): the start event comes from a cached execution, the history's
     * first event or the incoming messages, whichever is at hand; without it the parent cannot be told.
     */
    private TurnCommit poisoned(OrchestrationItem item, List<HistoryEvent> incoming, List<OrchestratorMessage> replies,
                                Instant now) {
        FailureDetails failure = FailureDetails.of("io.duratask.PoisonMessage", "instance '" + item.instanceId()
                + "': a message was fetched " + item.maxDequeueCount() + " times without a successful turn (limit "
                + options.maxDequeueCount() + "); failing the instance instead of retrying forever");
        log.error(failure.message());
        InstanceInfo info = item.instance();
        String customStatus = info == null ? null : info.customStatus();
        OrchestrationStarted s;
        Execution cached = cache.take(item.instanceId(), item.executionId(), item.historySize());
        if (cached != null) {
            s = cached.startedEvent();
            customStatus = cached.customStatus();
            cached.abort();
        } else {
            s = item.historySize() == 0 ? firstStart(incoming) : startedInHistory(item);
        }
        for (HistoryEvent e : incoming) {
            if (e != s) {
                rejectStart(e, item.instanceId(), replies);
            }
        }
        if (s != null) {
            notifyParent(s, failure, replies);
        }
        List<HistoryEvent> events = item.historySize() == 0
                ? List.of() : List.of(new OrchestrationFailed(item.historySize() + 1, now, failure));
        return new TurnCommit(item.executionId(), events, List.of(), replies, new InstanceUpdate(
                s == null ? nameOf(info) : s.name(), s == null ? (info == null ? null : info.version()) : s.version(),
                item.executionId(), RuntimeStatus.FAILED, s == null ? (info == null ? null : info.input()) : s.input(),
                null, failure, customStatus));
    }

    /** The start event of the item's execution, or null if its history cannot be read. */
    private OrchestrationStarted startedInHistory(OrchestrationItem item) {
        try {
            List<HistoryEvent> history = provider.readHistory(item.instanceId(), item.executionId());
            return !history.isEmpty() && history.get(0) instanceof OrchestrationStarted s ? s : null;
        } catch (RuntimeException e) {
            log.warn("instance {}: cannot read its history to notify a parent of the poison failure: {}",
                    item.instanceId(), e.toString());
            return null;
        }
    }

    private static void notifyParent(OrchestrationStarted s, FailureDetails failure, List<OrchestratorMessage> replies) {
        if (s.parent() != null) {
            HistoryEvent.ParentInstance p = s.parent();
            replies.add(OrchestratorMessage.of(p.instanceId(), p.executionId(),
                    new SubOrchestrationFailed(0, null, p.scheduledId(), failure)));
        }
    }

    private static TurnCommit unchanged(OrchestrationItem item, InstanceInfo info, List<OrchestratorMessage> replies) {
        InstanceUpdate update = info == null
                ? new InstanceUpdate(null, null, item.executionId(), RuntimeStatus.PENDING, null, null, null, null)
                : new InstanceUpdate(info.name(), info.version(), info.executionId(), info.status(), info.input(),
                        info.output(), info.failure(), info.customStatus());
        return new TurnCommit(item.executionId(), List.of(), List.of(), replies, update);
    }

    private static String nameOf(InstanceInfo info) {
        return info == null ? null : info.name();
    }
}
