package io.duratask.spi;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable storage for histories, instance metadata and the two queues (orchestrator messages and
 * activity work items). A runtime turns orchestration code into {@link TurnCommit}s; the provider
 * stores each one atomically.
 *
 * <p>The model is peek-lock: a fetch locks an instance (or a work item) for a lease time; the commit
 * or completion names the lock and is rejected with {@link LockLostException} if the lock expired and
 * somebody else took it. Unfinished locks simply expire, so a crashed worker's work is redone.
 *
 * <p>Implementations are thread-safe. Every method may throw {@link ProviderException}.
 */
public interface Provider extends AutoCloseable {

    // ---- orchestrator queue -------------------------------------------------------------------

    /**
     * Locks one instance that has visible messages and is not locked, and returns it with those
     * messages. Returns empty at once when there is none (never blocks waiting for work).
     */
    Optional<OrchestrationItem> fetchOrchestrationItem(Duration lockTimeout);

    /**
     * In one atomic step: check the lock, append {@code commit.newEvents()} to the execution's history,
     * enqueue the work items and messages (creating instances for start messages to unknown ids),
     * write the instance metadata, delete the item's fetched messages, release the lock.
     *
     * @throws LockLostException if the lock is no longer held; nothing is applied
     */
    void commitOrchestrationItem(OrchestrationItem item, TurnCommit commit);

    /**
     * Eager activity dispatch (optional): {@link #commitOrchestrationItem} and, in the same atomic step, lease
     * the first {@code maxLeases} of {@code commit.workItems()} to the caller for {@code lockTimeout}, exactly
     * as if it had fetched them: a lease counts as a fetch (dequeue count 1), can be completed, renewed or
     * abandoned, and if its holder dies it expires and the work item becomes visible to every fetcher again.
     * Work items not leased are enqueued as usual. This saves the runtime a fetch round trip when it has an
     * idle activity worker at hand (like Temporal's eager activity execution).
     *
     * <p>The default commits, leases nothing and reports that messages may be waiting; the runtime then
     * falls back to fetching.
     *
     * @param maxLeases how many work items the caller can run at once now (0: lease none)
     * @throws LockLostException if the lock is no longer held; nothing is applied and nothing leased
     */
    default CommitOutcome commitOrchestrationItemAndLease(OrchestrationItem item, TurnCommit commit, int maxLeases,
                                                          Duration lockTimeout) {
        commitOrchestrationItem(item, commit);
        return CommitOutcome.NOTHING_LEASED;
    }

    /**
     * Releases the lock without consuming the messages; they become visible again after {@code delay}.
     * Until then the instance is not fetched at all, so messages that arrived during the turn or the delay
     * cannot overtake the abandoned ones (an event must not be delivered before its instance's start).
     */
    void abandonOrchestrationItem(OrchestrationItem item, Duration delay);

    /** Extends the lock; false if it was lost. */
    boolean renewOrchestrationLock(OrchestrationItem item, Duration lockTimeout);

    /**
     * The history of one execution, oldest first ({@code executionId} 0 means the current one); empty
     * if the instance or execution does not exist.
     */
    List<HistoryEvent> readHistory(String instanceId, long executionId);

    // ---- worker queue ------------------------------------------------------------------------------

    /** Locks one visible work item; empty at once when there is none. */
    Optional<WorkItemLease> fetchWorkItem(Duration lockTimeout);

    /**
     * In one atomic step: delete the work item and enqueue {@code completion} for its instance.
     *
     * @throws LockLostException if the lease expired and was taken; nothing is applied
     */
    void completeWorkItem(WorkItemLease lease, OrchestratorMessage completion);

    /**
     * Eager turn dispatch (optional): {@link #completeWorkItem} and, in the same atomic step, lock the
     * completion's instance for the caller if nobody holds its lock, returning it with its visible messages
     * (the completion among them) exactly as {@link #fetchOrchestrationItem} would have: the lock expires
     * after {@code lockTimeout} if its holder dies, and the messages become visible again. Empty if the
     * instance is locked by someone else or does not exist; the completion is stored either way. This saves
     * the runtime a fetch round trip when it has an idle orchestration worker at hand.
     *
     * <p>The default completes and returns empty; the runtime then falls back to fetching.
     *
     * @throws LockLostException if the lease expired and was taken; nothing is applied and nothing locked
     */
    default Optional<OrchestrationItem> completeWorkItemAndLock(WorkItemLease lease, OrchestratorMessage completion,
                                                                Duration lockTimeout) {
        completeWorkItem(lease, completion);
        return Optional.empty();
    }

    /**
     * Whether this provider implements {@link #completeWorkItemAndCommit}, which stores a turn computed
     * before any lock was taken. Default false.
     */
    default boolean supportsEagerTurnCommits() {
        return false;
    }

    /**
     * Eager step (optional; see {@link #supportsEagerTurnCommits}): an activity completion and the turn that
     * consumes it, in one atomic step, without locking the instance in between. The caller computed
     * {@code commit} by delivering {@code completion}, alone, to its own copy of the instance's current
     * execution ({@code commit.executionId()}), whose history held {@code historySize} events.
     *
     * <p>If the instance is idle, meaning nobody holds its lock (an abandon's delay counts as held), it has no
     * visible message, and its current execution and history size are exactly those, the provider deletes
     * the work item and applies {@code commit} exactly as {@link #commitOrchestrationItemAndLease} applies it
     * for a lock whose only message is {@code completion}, leasing up to {@code maxLeases} of its work items
     * to the caller; it returns that outcome. This is durable like a turn commit. Otherwise it applies
     * nothing of {@code commit}, stores the completion exactly as {@link #completeWorkItem} does, and returns
     * empty: the caller discards its turn.
     *
     * @throws LockLostException if the lease expired and was taken; nothing is applied
     * @throws UnsupportedOperationException if {@link #supportsEagerTurnCommits} is false
     */
    default Optional<CommitOutcome> completeWorkItemAndCommit(WorkItemLease lease, OrchestratorMessage completion,
                                                              long historySize, TurnCommit commit, int maxLeases,
                                                              Duration lockTimeout) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement completeWorkItemAndCommit");
    }

    /** Releases the work item; it becomes visible again after {@code delay}. */
    void abandonWorkItem(WorkItemLease lease, Duration delay);

    /** Extends the lease; false if it was lost. */
    boolean renewWorkItemLock(WorkItemLease lease, Duration lockTimeout);

    // ---- client operations ----------------------------------------------------------------------

    /**
     * Creates an instance in state PENDING and enqueues its start message, atomically.
     *
     * @throws io.duratask.InstanceExistsException if an instance with that id exists
     */
    void createInstance(OrchestratorMessage startMessage);

    /**
     * Eager start (optional): {@link #createInstance} and, in the same atomic step, lock the new instance for
     * the caller, returning it with its start message exactly as {@link #fetchOrchestrationItem} would (the
     * lock expires after {@code lockTimeout} if its holder dies, and the start message becomes visible
     * again). Durable like {@code createInstance}. This saves the runtime a fetch round trip for the first
     * turn when it has an idle orchestration worker at hand.
     *
     * <p>The default creates the instance and returns empty; the runtime then falls back to fetching.
     *
     * @throws io.duratask.InstanceExistsException if an instance with that id exists; nothing is locked
     */
    default Optional<OrchestrationItem> createInstanceAndLock(OrchestratorMessage startMessage, Duration lockTimeout) {
        createInstance(startMessage);
        return Optional.empty();
    }

    /**
     * Eager start without waiting for the disk (optional): {@link #createInstanceAndLock}, except that the
     * creation need not be durable yet when this returns; it is once {@link #awaitDurable} returns, which
     * the caller must call before it acknowledges the start. Meanwhile the runtime runs the first turn, whose
     * durable commit usually makes the creation durable too, so a start costs no durable write of its own.
     * The default is {@link #createInstanceAndLock}, durable at once.
     */
    default Optional<OrchestrationItem> createInstanceAndLockDeferred(OrchestratorMessage startMessage,
                                                                      Duration lockTimeout) {
        return createInstanceAndLock(startMessage, lockTimeout);
    }

    /**
     * Returns once everything the calling thread committed through this provider is as durable as the
     * provider is configured to make it: at once for a provider that makes every commit durable when it
     * returns (the default); otherwise after the next durable commit, waiting at most {@code maxWait} for one
     * to come by itself before forcing one.
     */
    default void awaitDurable(Duration maxWait) {
    }

    /**
     * Enqueues a message for an existing instance.
     *
     * @throws io.duratask.InstanceNotFoundException if the instance does not exist
     */
    void enqueue(OrchestratorMessage message);

    /**
     * Starts a finished instance again, atomically: the instance moves to execution {@code current + 1}
     * in state PENDING with the start message's input, earlier executions' histories stay readable, and
     * the start message is enqueued for the new execution.
     *
     * @throws io.duratask.InstanceNotFoundException if there is no such instance
     * @throws IllegalStateException if the instance has not finished
     */
    void restartInstance(OrchestratorMessage startMessage);

    // ---- management ------------------------------------------------------------------------------

    /**
     * Deletes a finished instance with every execution's history, its messages and work items, and,
     * recursively, every instance whose parent it is (its sub-orchestrations, whatever their state).
     * Returns how many instances were deleted (0 if there was none).
     *
     * @throws IllegalStateException if the instance has not finished (terminate it first)
     */
    int purgeInstance(String instanceId);

    /**
     * Purges (as {@link #purgeInstance}) every finished instance last updated before {@code finishedBefore}
     * whose status is in {@code statuses} (empty: every final status). Returns how many were deleted,
     * children included.
     */
    int purgeInstances(Instant finishedBefore, Set<RuntimeStatus> statuses);

    Optional<InstanceInfo> getInstance(String instanceId);

    InstancePage listInstances(InstanceQuery query);

    QueueDepths queueDepths();

    // ---- notifications (optional) -------------------------------------------------------------------

    /**
     * Asks the provider to call {@code listener} when it learns that work arrived from another process
     * sharing the store. Optional: the default never calls it, and the runtime's idle poll finds such work.
     * Work enqueued through this provider object is not reported (its caller wakes its own workers).
     */
    default void addWorkListener(WorkListener listener) {}

    /** Stops calling {@code listener}; nothing happens if it was not added. */
    default void removeWorkListener(WorkListener listener) {}

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
