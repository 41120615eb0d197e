package io.duratask.runtime;

import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.Provider;
import io.duratask.spi.WorkItemLease;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work handed straight to this process instead of going through a fetch: the activities a turn commit
 * leased to it ({@link Provider#commitOrchestrationItemAndLease}), the instance an activity completion
 * locked for it ({@link Provider#completeWorkItemAndLock}), and the activities leased by the turn an activity
 * completion was committed with ({@link Provider#completeWorkItemAndCommit}: the turn runs on the
 * activity's thread, with no lock taken in between).
 *
 * <p>Slots are taken before the provider call, and only those free at that moment, so eager work never
 * waits for a worker and the concurrency bounds hold. A worker that received such work from a fetch starts
 * it on a new virtual thread and goes back to fetching; that thread then runs the continuation chain inline
 * (activity, then the turn its completion locked, then the activity that turn leased, ...) with no thread
 * handoff, until a step hands nothing back. Further leases of a fan-out get threads of their own.
 */
final class EagerDispatch {
    private static final Logger log = LoggerFactory.getLogger(EagerDispatch.class);

    private final Provider provider;
    private final boolean enabled;
    private final Slots turnSlots;
    private final Slots activitySlots;
    private OrchestrationDispatcher orchestrations;
    private ActivityDispatcher activities;
    private volatile boolean open = true;

    /**
     * What a finished step hands back to run next: an instance locked for a turn (holding a turn slot), or
     * activities leased to this process (each holding an activity slot); at most one of them.
     */
    record Next(OrchestrationItem turn, List<WorkItemLease> leases) {
        static final Next NOTHING = new Next(null, List.of());

        static Next turn(OrchestrationItem item) {
            return new Next(item, List.of());
        }

        static Next leases(List<WorkItemLease> leases) {
            return leases.isEmpty() ? NOTHING : new Next(null, leases);
        }
    }

    EagerDispatch(Provider provider, boolean enabled, Slots turnSlots, Slots activitySlots) {
        this.provider = provider;
        this.enabled = enabled;
        this.turnSlots = turnSlots;
        this.activitySlots = activitySlots;
    }

    void wire(OrchestrationDispatcher orchestrations, ActivityDispatcher activities) {
        this.orchestrations = orchestrations;
        this.activities = activities;
    }

    /** Takes up to {@code n} free activity slots for leases of a commit; 0 when eager dispatch is off. */
    int reserveActivities(int n) {
        return enabled && open && n > 0 ? activitySlots.tryAcquireUpTo(n) : 0;
    }

    void releaseActivities(int n) {
        activitySlots.release(n);
    }

    /** See {@link Slots#takeOverCallers}: a lease takes over the slot of the activity whose step leased it. */
    void takeOverActivitySlot() {
        activitySlots.takeOverCallers();
    }

    /** Whether eager work may be handed out now (eager dispatch is on and the runtime is not stopping). */
    boolean enabled() {
        return enabled && open;
    }

    /** Takes a free turn slot for the lock of a completion; false when none is free or eager dispatch is off. */
    boolean reserveTurn() {
        return enabled && open && turnSlots.tryAcquireUpTo(1) == 1;
    }

    void releaseTurn() {
        turnSlots.release();
    }

    /** No more eager leases or locks (the runtime is stopping); work already handed over still runs. */
    void close() {
        open = false;
    }

    /** The eager step of an activity completion; see {@link OrchestrationDispatcher#tryStep}. */
    OrchestrationDispatcher.Step tryStep(WorkItemLease lease, io.duratask.spi.OrchestratorMessage completion) {
        return orchestrations.tryStep(lease, completion);
    }

    /** Starts what a step handed back on threads of its own. */
    void start(Next next) {
        if (next.turn() != null) {
            spawn(next.turn());
        }
        start(next.leases());
    }

    /** Starts leased activities (each holding its slot) on threads of their own. */
    void start(List<WorkItemLease> leases) {
        for (WorkItemLease lease : leases) {
            spawn(lease);
        }
    }

    /** Starts a turn on a locked instance (holding its slot) on a thread of its own. */
    void start(OrchestrationItem item) {
        spawn(item);
    }

    private void spawn(Object work) {
        if (!activities.spawn(() -> drive(work))) {
            giveBack(work);
        }
    }

    /** Runs {@code work} and every continuation it hands back, on this thread. */
    private void drive(Object work) {
        while (work != null) {
            Object next = null;
            try {
                if (work instanceof OrchestrationItem item) {
                    List<WorkItemLease> leases;
                    try {
                        leases = orchestrations.runTurn(item, false);
                    } finally {
                        turnSlots.release();
                    }
                    for (int i = 1; i < leases.size(); i++) {
                        spawn(leases.get(i));
                    }
                    next = leases.isEmpty() ? null : leases.get(0);
                } else {
                    Next after;
                    try {
                        after = activities.run((WorkItemLease) work);
                    } finally {
                        activitySlots.release();
                    }
                    List<WorkItemLease> leases = after.leases();
                    for (int i = 1; i < leases.size(); i++) {
                        spawn(leases.get(i));
                    }
                    next = after.turn() != null ? after.turn() : leases.isEmpty() ? null : leases.get(0);
                }
            } catch (RuntimeException e) {
                // the provider failed; a lease or lock not completed expires and the work is redone
                log.warn("eager dispatch: {}", e.toString(), e);
            }
            work = next;
        }
    }

    /** Hands work that cannot run here any more back to the store at once. */
    private void giveBack(Object work) {
        try {
            if (work instanceof OrchestrationItem item) {
                turnSlots.release();
                provider.abandonOrchestrationItem(item, Duration.ZERO);
            } else {
                activitySlots.release();
                provider.abandonWorkItem((WorkItemLease) work, Duration.ZERO);
            }
        } catch (RuntimeException e) {
            log.warn("eager dispatch: handing work back failed (its lock expires instead): {}", e.toString());
        }
    }
}
