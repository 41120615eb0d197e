package io.duratask.spi;

/**
 * Message counts. {@code orchestratorVisible} counts messages fetchable now; {@code orchestratorDelayed}
 * those waiting for their time (timers).
 */
public record QueueDepths(long orchestratorVisible, long orchestratorDelayed, long workItems) {}
