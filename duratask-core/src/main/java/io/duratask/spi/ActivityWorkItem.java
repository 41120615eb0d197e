package io.duratask.spi;

/**
 * A request to run one activity, on the worker queue.
 *
 * @param instanceId the orchestration instance that scheduled it
 * @param executionId the execution that scheduled it
 * @param scheduledId the event id of its {@code ActivityScheduled} event
 * @param name the activity name
 * @param input the JSON input
 */
public record ActivityWorkItem(String instanceId, long executionId, long scheduledId, String name, String input) {}
