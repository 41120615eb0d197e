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

    /** Starts a specific version. */
    String startOrchestration(String instanceId, String name, String version, Object input);

    /**
     * Sends an external event. It is appended to the instance's history and handed to the oldest
     * {@code waitForEvent(name)}, now or later.
     *
     * @throws io.duratask.InstanceNotFoundException if the instance does not exist
     */
    void raiseEvent(String instanceId, String eventName, Object data);

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
