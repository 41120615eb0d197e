package io.duratask.client;

import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Starts, signals and inspects orchestration instances. Thread-safe. */
public interface DurableClient {

    /**
     * A client over {@code provider} with no runtime in this process (for tools and other services):
     * no registry checks at start, and waits poll the store.
     */
    static DurableClient of(io.duratask.spi.Provider provider) {
        return io.duratask.runtime.LocalClient.standalone(provider, new io.duratask.PayloadCodec());
    }

    /** Starts {@code name} (latest version) under a new random instance id, which it returns. */
    String startOrchestration(String name, Object input);

    /**
     * Starts {@code name} (latest version) under {@code instanceId}.
     *
     * @throws io.duratask.InstanceExistsException if the id is in use
     * @throws io.duratask.UnknownNameException if this client knows its registry and the name is not in it
     */
    String startOrchestration(String instanceId, String name, Object input);


    /**
     * Starts {@code name} under {@code instanceId} with options: a version ({@code null}: the latest
     * registered) and, with {@link StartOptions#returnExisting()},
     * returning an existing instance of the same orchestration instead of failing (an existing instance
     * of another orchestration is still an {@link io.duratask.InstanceExistsException}).
     */
    String startOrchestration(String instanceId, String name, Object input, StartOptions options);

    /**
     * Sends an external event. It is appended to the instance's history and handed to the oldest
     * {@code waitForEvent(name)}, now or later.
     *
     * @throws io.duratask.InstanceNotFoundException if the instance does not exist
     */
    void raiseEvent(String instanceId, String eventName, Object data);

    /**
     * Asks the instance to cancel: its code sees {@link io.duratask.OrchestrationCancelledException} at its
     * next {@code await()} and may clean up; running sub-orchestrations are cancelled too and running
     * activities of the instance see {@code ActivityContext.isCancelled()}. An instance whose code lets the
     * exception escape ends as CANCELED.
     *
     * @throws io.duratask.InstanceNotFoundException if there is no such instance
     */
    void cancel(String instanceId, String reason);

    /** Ends the instance at once as TERMINATED, and its running sub-orchestrations with it. */
    void terminate(String instanceId, String reason);

    /** Holds the instance: messages keep arriving and are kept in order, the code does not run until {@link #resume}. */
    void suspend(String instanceId, String reason);

    /** Releases a suspended instance; what arrived meanwhile is delivered in order. */
    void resume(String instanceId, String reason);

    /**
     * Runs a finished instance again under the same id, with the latest version of its orchestration and
     * {@code input}, as a new execution; earlier executions' histories stay readable.
     *
     * @throws IllegalStateException if the instance has not finished
     */
    void restart(String instanceId, Object input);

    /** {@link #restart(String, Object)} with the input of the instance's last execution. */
    void restart(String instanceId);

    /**
     * Deletes a finished instance, its histories and, recursively, its sub-orchestrations. Returns how many
     * instances were deleted.
     *
     * @throws IllegalStateException if the instance has not finished
     */
    int purge(String instanceId);

    /** Purges every instance that finished (in any final state) before {@code finishedBefore}. */
    int purgeFinishedBefore(java.time.Instant finishedBefore);

    /** Current status, or empty if there is no such instance. */
    Optional<OrchestrationStatus> getStatus(String instanceId);

    /**
     * Blocks until the instance is completed, failed or terminated.
     *
     * @throws io.duratask.WaitTimeoutException when {@code timeout} passes first
     * @throws io.duratask.InstanceNotFoundException if there is no such instance
     */
    OrchestrationStatus waitForCompletion(String instanceId, Duration timeout);

    /** One page of instances. */
    InstancePage listInstances(InstanceQuery query);

    /** The history of the current execution. */
    List<HistoryEvent> getHistory(String instanceId);

    /** The history of execution {@code executionId} (1-based). */
    List<HistoryEvent> getHistory(String instanceId, long executionId);
}
