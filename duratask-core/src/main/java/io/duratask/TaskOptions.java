package io.duratask;

import java.time.Duration;

/**
 * Per-call options for activities and sub-orchestrations.
 *
 * @param retryPolicy how failures are retried (null: no retry)
 * @param timeout how long one attempt may take before it fails with {@link TimeoutException} (null: no
 *     limit); the late result of a timed-out attempt is dropped
 */
public record TaskOptions(RetryPolicy retryPolicy, Duration timeout) {
    public TaskOptions {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("TaskOptions.timeout must be positive, was " + timeout);
        }
    }

    public static TaskOptions none() {
        return new TaskOptions(null, null);
    }

    public static TaskOptions retry(RetryPolicy policy) {
        return new TaskOptions(policy, null);
    }

    public static TaskOptions timeout(Duration timeout) {
        return new TaskOptions(null, timeout);
    }

    public TaskOptions withRetry(RetryPolicy policy) {
        return new TaskOptions(policy, timeout);
    }

    public TaskOptions withTimeout(Duration t) {
        return new TaskOptions(retryPolicy, t);
    }
}
