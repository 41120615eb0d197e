package io.duratask.spi;

import io.duratask.FailureDetails;
import io.duratask.RuntimeStatus;
import java.time.Instant;

/**
 * Stored metadata of one instance (its current execution).
 *
 * @param input, output and customStatus are JSON text; failure is set when the status is FAILED
 */
public record InstanceInfo(String instanceId, String name, String version, long executionId, RuntimeStatus status,
                           String input, String output, FailureDetails failure, String customStatus,
                           String parentInstanceId, Instant createdAt, Instant updatedAt) {}
