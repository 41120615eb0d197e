package io.duratask.runtime;

import io.duratask.ActivityContext;
import io.duratask.FailureDetails;
import io.duratask.PayloadException;
import io.duratask.Registry;
import io.duratask.Registry.ActivityDefinition;
import io.duratask.RuntimeOptions;
import io.duratask.UnknownNameException;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityFailed;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import io.duratask.spi.ProviderException;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Runs activities: fetch a work item, run it on this virtual thread, complete it with its result. */
final class ActivityDispatcher {
    private static final Logger log = LoggerFactory.getLogger(ActivityDispatcher.class);
    /** How often storing an activity's result is tried while the store fails retryably. */
    private static final int COMPLETION_ATTEMPTS = 4;

    private final Provider provider;
    private final Registry registry;
    private final RuntimeOptions options;
    private final Wakeups wakeups;
    private final LockRenewer renewer;
    private final WorkerLoop<WorkItemLease> loop;
    private final EagerDispatch eager;
    private volatile boolean stopping;
    /** Activities running now, by instance, so a cancellation can reach them. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.Set<Ctx>> running =
            new java.util.concurrent.ConcurrentHashMap<>();

    ActivityDispatcher(Provider provider, Registry registry, RuntimeOptions options, Wakeups wakeups, Slots slots,
                       EagerDispatch eager) {
        this.provider = provider;
        this.registry = registry;
        this.options = options;
        this.wakeups = wakeups;
        this.eager = eager;
        this.renewer = new LockRenewer(options.lockTimeout());
        this.loop = new WorkerLoop<>("duratask-activity", options.activityConcurrency(),
                () -> provider.fetchWorkItem(options.lockTimeout()), lease -> eager.start(run(lease)),
                wakeups.activities(), slots, options.idlePollInterval());
    }

    /** Runs eager work on a thread that {@link #stop} waits for; false if stopping. */
    boolean spawn(Runnable work) {
        return loop.spawn("duratask-eager", work);
    }

    void start() {
        loop.start();
    }

    boolean stop(Duration timeout) {
        stopping = true;
        boolean clean = loop.stop(timeout);
        renewer.stop();
        return clean;
    }

    /** Tells the running activities of {@code instanceId} (in this process) that their orchestration was cancelled. */
    void cancelInstance(String instanceId) {
        java.util.Set<Ctx> ctxs = running.get(instanceId);
        if (ctxs != null) {
            ctxs.forEach(c -> c.cancelled = true);
        }
    }

    /**
     * Runs one leased activity and completes it. Returns what the completion handed to this process (eager
     * dispatch) for the caller to run: the instance it locked, holding a turn slot, or the activities leased
     * by the turn it was committed with, each holding an activity slot.
     */
    EagerDispatch.Next run(WorkItemLease lease) {
        ActivityWorkItem item = lease.item();
        MDC.put("instanceId", item.instanceId());
        MDC.put("activity", item.name());
        renewer.hold(lease, () -> provider.renewWorkItemLock(lease, options.lockTimeout()));
        try {
            HistoryEvent outcome;
            try {
                outcome = execute(lease);
            } finally {
                // no renewal from here on: one racing the completion below would find the item gone
                renewer.release(lease);
            }
            if (stopping && Thread.interrupted()) {
                // cut short by shutdown: not a failure of the activity; it runs again after restart
                provider.abandonWorkItem(lease, Duration.ZERO);
                return EagerDispatch.Next.NOTHING;
            }
            return completeRetrying(lease, OrchestratorMessage.of(item.instanceId(), item.executionId(), outcome));
        } catch (LockLostException e) {
            log.warn("activity {} of {}: {}; another worker will run it", item.name(), item.instanceId(), e.getMessage());
            return EagerDispatch.Next.NOTHING;
        } finally {
            MDC.remove("instanceId");
            MDC.remove("activity");
        }
    }

    /**
     * {@link #complete}, tried again (after 50, 100, 200 ms) while the store fails retryably, so that a passing
     * fault (a fail-over, a lost connection) does not throw the activity's result away and make it run again
     * once its lease expired. An attempt whose outcome was unknown and that did apply leaves the work item
     * gone: the next attempt fails with {@link LockLostException} and nothing is stored twice.
     */
    private EagerDispatch.Next completeRetrying(WorkItemLease lease, OrchestratorMessage completion) {
        for (int attempt = 1; ; attempt++) {
            try {
                return complete(lease, completion);
            } catch (ProviderException e) {
                if (!e.isRetryable() || attempt >= COMPLETION_ATTEMPTS || stopping) {
                    throw e;
                }
                log.debug("activity {} of {}: storing its result failed ({}); trying again", lease.item().name(),
                        lease.item().instanceId(), e.getMessage());
                try {
                    Thread.sleep(50L << (attempt - 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Completes. First tries the eager step (the completion committed with its turn, see
     * {@link OrchestrationDispatcher#tryStep}); its turn runs on this activity's thread and slot, so it needs
     * no turn slot and happens under load too. Failing that, with a free turn slot, asks for the instance's
     * lock with the completion so that this process runs the turn.
     */
    private EagerDispatch.Next complete(WorkItemLease lease, OrchestratorMessage completion) {
        if (eager.enabled()) {
            OrchestrationDispatcher.Step step = eager.tryStep(lease, completion);
            switch (step.kind()) {
                case COMMITTED -> {
                    return EagerDispatch.Next.leases(step.leases());
                }
                case COMPLETION_STORED -> {
                    wakeups.orchestrations().signal();
                    return EagerDispatch.Next.NOTHING;
                }
                case NOT_TRIED -> {
                    // the lock below
                }
            }
        }
        if (eager.reserveTurn()) {
            Optional<OrchestrationItem> locked;
            try {
                locked = provider.completeWorkItemAndLock(lease, completion, options.lockTimeout());
            } catch (RuntimeException | Error e) {
                eager.releaseTurn();
                throw e;
            }
            if (locked.isPresent()) {
                return EagerDispatch.Next.turn(locked.get());
            }
            eager.releaseTurn();
        } else {
            provider.completeWorkItem(lease, completion);
        }
        wakeups.orchestrations().signal();
        return EagerDispatch.Next.NOTHING;
    }

    private HistoryEvent execute(WorkItemLease lease) {
        ActivityWorkItem item = lease.item();
        Optional<ActivityDefinition> def = registry.activity(item.name());
        if (def.isEmpty()) {
            UnknownNameException e = new UnknownNameException("activity", item.name(), registry.activityNames());
            log.error("instance {}: {}", item.instanceId(), e.getMessage());
            return new ActivityFailed(0, null, item.scheduledId(), FailureDetails.nonRetryable(e));
        }
        Object input;
        try {
            input = options.payloadCodec().decode(item.input(), def.get().inputType());
        } catch (PayloadException e) {
            PayloadException named = new PayloadException("input of activity '" + item.name() + "': " + e.getMessage(), e);
            return new ActivityFailed(0, null, item.scheduledId(), FailureDetails.nonRetryable(named));
        }
        Ctx ctx = new Ctx(lease);
        java.util.Set<Ctx> ctxs = running.computeIfAbsent(item.instanceId(),
                k -> java.util.concurrent.ConcurrentHashMap.newKeySet());
        ctxs.add(ctx);
        try {
            Object result = def.get().code().run(ctx, input);
            return new ActivityCompleted(0, null, item.scheduledId(), options.payloadCodec().encode(result));
        } catch (Throwable t) {
            if (t instanceof InterruptedException || t.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new ActivityFailed(0, null, item.scheduledId(), FailureDetails.of(t));
        } finally {
            ctxs.remove(ctx);
            running.computeIfPresent(item.instanceId(), (k, set) -> set.isEmpty() ? null : set);
        }
    }

    private final class Ctx implements ActivityContext {
        private final WorkItemLease lease;
        private volatile boolean cancelled;

        Ctx(WorkItemLease lease) {
            this.lease = lease;
        }

        @Override
        public String instanceId() {
            return lease.item().instanceId();
        }

        @Override
        public long executionId() {
            return lease.item().executionId();
        }

        @Override
        public long scheduledId() {
            return lease.item().scheduledId();
        }

        @Override
        public String activityName() {
            return lease.item().name();
        }

        @Override
        public int attempt() {
            return lease.dequeueCount();
        }

        @Override
        public boolean isCancelled() {
            return stopping || cancelled;
        }

        @Override
        public Logger logger() {
            return LoggerFactory.getLogger("io.duratask.activity." + lease.item().name());
        }
    }
}
