package io.duratask.spi;

import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;

/**
 * The instance metadata as it stands after a turn.
 *
 * @param executionId the instance's current execution after this turn (one more than the turn's own
 *     execution after continue-as-new)
 * @param customStatus JSON, or null when never set
 */
public record InstanceUpdate(String name, String version, long executionId, RuntimeStatus status, String input,
                             String output, FailureDetails failure, String customStatus) {}
