package io.duratask;

/** Thrown by {@link DurableFuture#await()} when a sub-orchestration failed. */
public class SubOrchestrationFailedException extends DurataskException implements DurataskFailure {
    private final String orchestrationName;
    private final String instanceId;
    private final FailureDetails failure;

    public SubOrchestrationFailedException(String orchestrationName, String instanceId, FailureDetails failure) {
        super("sub-orchestration '" + orchestrationName + "' (instance " + instanceId + ") failed: " + failure);
        this.orchestrationName = orchestrationName;
        this.instanceId = instanceId;
        this.failure = failure;
    }

    public String orchestrationName() {
        return orchestrationName;
    }

    public String instanceId() {
        return instanceId;
    }

    /** The child orchestration's own failure. */
    public FailureDetails childFailure() {
        return failure;
    }

    @Override
    public FailureDetails details() {
        return new FailureDetails(getClass().getName(), getMessage(), null, failure, failure.retryable());
    }
}
