package io.duratask;

import org.slf4j.Logger;

/** What an activity knows about the call it is serving. */
public interface ActivityContext {
    /** The orchestration instance that scheduled this activity. */
    String instanceId();

    long executionId();

    /** Event id of the {@code ActivityScheduled} event: unique per instance execution. */
    long scheduledId();

    String activityName();

    /** How many times this work item has been handed to a worker, including this time (1 on the first). */
    int attempt();

    /**
     * True once the orchestration that scheduled this activity was cancelled, or the runtime is shutting
     * down: a long activity should check it and stop early.
     */
    boolean isCancelled();

    Logger logger();
}
