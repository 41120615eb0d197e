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
