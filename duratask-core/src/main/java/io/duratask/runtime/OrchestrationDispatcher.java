package io.duratask.runtime;

import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.history.HistoryEvent;
import io.duratask.replay.Execution;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.CommitOutcome;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.TurnCommit;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Runs orchestration turns: fetch a locked instance, run the turn, commit, wake whoever has new work. */
final class OrchestrationDispatcher {
    private static final Logger log = LoggerFactory.getLogger(OrchestrationDispatcher.class);

    private final Provider provider;
    private final RuntimeOptions options;
    private final ExecutionCache cache;
    private final TurnProcessor processor;
    private final WorkerLoop<OrchestrationItem> loop;
    private final Wakeups wakeups;
    private final CompletionWaiters waiters;
    private final java.util.function.Consumer<String> onCancel;
    private final EagerDispatch eager;

    OrchestrationDispatcher(Provider provider, Registry registry, RuntimeOptions options, Wakeups wakeups,
                            CompletionWaiters waiters, java.util.function.Consumer<String> onCancel, Slots slots,
                            EagerDispatch eager) {
        this.onCancel = onCancel;
        this.provider = provider;
        this.options = options;
        this.eager = eager;
        this.cache = new ExecutionCache(options.cacheSize());
        this.processor = new TurnProcessor(provider, registry, options, cache);
        this.wakeups = wakeups;
        this.waiters = waiters;
        this.loop = new WorkerLoop<>("duratask-orchestrator", options.orchestrationConcurrency(),
                () -> provider.fetchOrchestrationItem(options.lockTimeout()),
                item -> eager.start(runTurn(item, true)), wakeups.orchestrations(), slots, options.idlePollInterval());
    }

    void start() {
        loop.start();
    }

    boolean stop(Duration timeout) {
        boolean clean = loop.stop(timeout);
        cache.clear();
        return clean;
    }

    ExecutionCache cache() {
        return cache;
    }

    /**
     * Runs one turn on a locked instance and commits it. Returns the work items the commit leased to this
     * process (eager dispatch), each holding an activity slot, for the caller to run.
     *
     * @param fetched whether a worker fetched the item (it fetches again afterwards) or it was handed over by
     *     an activity completion (then a message that arrived during the turn needs a wake-up)
     */
    List<WorkItemLease> runTurn(OrchestrationItem item, boolean fetched) {
        MDC.put("instanceId", item.instanceId());
        MDC.put("executionId", Long.toString(item.executionId()));
        TurnProcessor.Turn turn = null;
        CommitOutcome outcome;
        try {
            turn = processor.process(item);
            // Cached before the commit: the moment the commit releases the lock, the next turn of this instance
            // may start on another thread, and it must find the execution (or else replay the whole history).
            // Nobody can take it before then: a turn needs the lock and the matching history size.
            if (turn.execution() != null && !turn.ended()) {
                cache.put(turn.execution());
            }
            outcome = commit(item, turn.commit());
        } catch (LockLostException e) {
            log.warn("instance {}: {}; the turn will be redone", item.instanceId(), e.getMessage());
            discard(turn);
            // A no-op if the lock went to another worker; if the lock still held but something the turn consumed
            // was lost with it (a completion held with an eager lock), this frees the instance at once.
            abandonQuietly(item, Duration.ZERO);
            return List.of();
        } catch (RuntimeException | Error e) {
            discard(turn);
            log.error("instance {}: turn failed, abandoning it for a retry", item.instanceId(), e);
            abandonQuietly(item, Duration.ofMillis(Math.min(5000, 50L * item.maxDequeueCount())));
            return List.of();
        } finally {
            MDC.remove("instanceId");
            MDC.remove("executionId");
        }
        afterCommit(item, turn, outcome, fetched);
        return outcome.leases();
    }

    /** What happened to an activity completion offered to {@link #tryStep}. */
    enum StepKind {
        /** Not tried (no cached execution waiting for it alone, or the provider cannot); nothing stored. */
        NOT_TRIED,
        /** The instance was not idle: the completion was stored as a message, the turn discarded. */
        COMPLETION_STORED,
        /** The completion and its turn were committed together. */
        COMMITTED
    }

    /** The outcome of {@link #tryStep}; {@code leases} are the work items leased to this process. */
    record Step(StepKind kind, List<WorkItemLease> leases) {
        static final Step NOT_TRIED = new Step(StepKind.NOT_TRIED, List.of());
        static final Step COMPLETION_STORED = new Step(StepKind.COMPLETION_STORED, List.of());
    }

    /**
     * The eager step after an activity completion ({@link Provider#completeWorkItemAndCommit}): if this
     * process has the instance's execution cached and it waits for this completion alone, runs the turn on it
     * right here, before any lock, and commits the completion with the turn in one durable step; the provider
     * applies it only if the instance is idle at exactly that history. The turn runs on the caller's thread
     * and activity slot (it takes no turn slot: it is short, and it replaces the turn a worker would run).
     *
     * @throws LockLostException if the activity's lease was lost (nothing stored)
     */
    Step tryStep(WorkItemLease lease, OrchestratorMessage completion) {
        if (!provider.supportsEagerTurnCommits()) {
            return Step.NOT_TRIED;
        }
        ActivityWorkItem work = lease.item();
        Execution ex = cache.takeIfAwaitingOnly(work.instanceId(), work.executionId(), work.scheduledId());
        if (ex == null) {
            return Step.NOT_TRIED;
        }
        long historySize = ex.historySize();
        OrchestrationItem item = new OrchestrationItem(work.instanceId(), null, work.executionId(), historySize,
                List.of(completion), 1, null, null);
        MDC.put("instanceId", item.instanceId());
        MDC.put("executionId", Long.toString(item.executionId()));
        TurnProcessor.Turn turn;
        try {
            try {
                turn = processor.process(item, ex);
            } catch (RuntimeException | Error e) {
                ex.abort();
                log.warn("instance {}: an eager turn failed ({}); the completion goes the usual way", item.instanceId(),
                        e.toString());
                return Step.NOT_TRIED;
            }
            if (turn.execution() != null && !turn.ended()) {
                cache.put(turn.execution()); // before the commit, as in runTurn
            }
            TurnCommit commit = turn.commit();
            int wanted = commit.workItems().size();
            int slots = eager.reserveActivities(wanted);
            // the calling activity's slot is free once this step returns: one more lease can run on it, so a
            // chain goes on without a fetch even when every other slot is busy
            int offered = slots < wanted && eager.enabled() ? slots + 1 : slots;
            Optional<CommitOutcome> committed;
            try {
                committed = provider.completeWorkItemAndCommit(lease, completion, historySize, commit, offered,
                        options.lockTimeout());
            } catch (RuntimeException | Error e) {
                eager.releaseActivities(slots);
                discard(turn);
                throw e;
            }
            if (committed.isEmpty()) {
                eager.releaseActivities(slots);
                discard(turn);
                return Step.COMPLETION_STORED;
            }
            CommitOutcome outcome = committed.get();
            int leased = outcome.leases().size();
            if (leased > slots) {
                eager.takeOverActivitySlot(); // the caller releases its slot when this returns
            } else {
                eager.releaseActivities(slots - leased);
            }
            afterCommit(item, turn, outcome, false);
            return new Step(StepKind.COMMITTED, outcome.leases());
        } finally {
            MDC.remove("instanceId");
            MDC.remove("executionId");
        }
    }

    /** After a committed turn: stops an ended execution, wakes whoever has new work, tells waiters. */
    private void afterCommit(OrchestrationItem item, TurnProcessor.Turn turn, CommitOutcome outcome, boolean fetched) {
        if (turn.execution() != null && turn.ended()) {
            turn.execution().abort();
        }
        if (turn.cancelRequested()) {
            onCancel.accept(item.instanceId());
        }
        wakeups.activities().signal(turn.commit().workItems().size() - outcome.leases().size());
        Instant now = options.clock().instant();
        int ready = !fetched && outcome.instanceHasMessages() ? 1 : 0;
        for (OrchestratorMessage m : turn.commit().messages()) {
            if (m.visibleAt() != null && m.visibleAt().isAfter(now)) {
                wakeups.at(m.visibleAt());
            } else {
                ready++;
            }
        }
        wakeups.orchestrations().signal(ready);
        if (turn.commit().update().status().isTerminal()
                || turn.commit().newEvents().stream().anyMatch(e -> e instanceof HistoryEvent.ContinuedAsNew)) {
            waiters.notifyChanged(item.instanceId());
        }
    }

    private void abandonQuietly(OrchestrationItem item, Duration delay) {
        try {
            provider.abandonOrchestrationItem(item, delay);
        } catch (LockLostException e) {
            log.debug("instance {}: nothing to abandon, the lock is gone", item.instanceId());
        } catch (RuntimeException e) {
            log.warn("instance {}: abandon failed (the lock expires instead): {}", item.instanceId(), e.toString());
        }
    }

    /**
     * Stops the execution of a turn that was not committed, unless another turn already took it out of the
     * cache (then that turn owns it: it is stale for the store's history, so that turn drops it).
     */
    private void discard(TurnProcessor.Turn turn) {
        if (turn == null || turn.execution() == null) {
            return;
        }
        if (turn.ended() || cache.remove(turn.execution())) {
            turn.execution().abort();
        }
    }

    /** Commits, leasing as many of the turn's work items as this process has idle activity slots for. */
    private CommitOutcome commit(OrchestrationItem item, TurnCommit commit) {
        int slots = eager.reserveActivities(commit.workItems().size());
        CommitOutcome outcome;
        try {
            outcome = provider.commitOrchestrationItemAndLease(item, commit, slots, options.lockTimeout());
        } catch (RuntimeException | Error e) {
            eager.releaseActivities(slots);
            throw e;
        }
        eager.releaseActivities(slots - outcome.leases().size());
        return outcome;
    }
}
