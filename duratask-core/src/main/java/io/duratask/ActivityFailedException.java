package io.duratask;

/**
 * Thrown by {@link DurableFuture#await()} when the activity failed. Catch it in orchestration code to
 * compensate; its {@link #details()} hold the activity exception's type, message and stack trace.
 */
public class ActivityFailedException extends DurataskException implements DurataskFailure {
    private final String activityName;
    private final long scheduledId;
    private final FailureDetails details;

    public ActivityFailedException(String activityName, long scheduledId, FailureDetails details) {
        super("activity '" + activityName + "' (scheduled as event " + scheduledId + ") failed: " + details);
        this.activityName = activityName;
        this.scheduledId = scheduledId;
        this.details = details;
    }

    public String activityName() {
        return activityName;
    }

    public long scheduledId() {
        return scheduledId;
    }

    @Override
    public FailureDetails details() {
        return new FailureDetails(getClass().getName(), getMessage(), null, details, details.retryable());
    }

    /** The activity's own failure. */
    public FailureDetails activityFailure() {
        return details;
    }
}
