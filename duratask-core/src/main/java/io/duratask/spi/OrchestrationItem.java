package io.duratask.spi;

import java.util.List;

/**
 * One instance locked for one turn, with the messages visible to it at fetch time.
 *
 * @param instanceId the locked instance
 * @param instance its stored metadata; null if the instance row was created by a message alone
 * @param executionId the instance's current execution
 * @param historySize how many events that execution's history holds (lets a runtime reuse a cached
 *     execution instead of reading the history)
 * @param messages the fetched messages, oldest first; the commit deletes exactly these
 * @param maxDequeueCount the highest number of times any of these messages has been fetched
 * @param lockToken identifies this lock
 * @param receipt provider-private handle
 */
public record OrchestrationItem(String instanceId, InstanceInfo instance, long executionId, long historySize,
                                List<OrchestratorMessage> messages, int maxDequeueCount, String lockToken,
                                Object receipt) {}
