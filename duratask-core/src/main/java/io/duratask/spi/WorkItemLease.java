package io.duratask.spi;

/**
 * An activity work item locked for one worker.
 *
 * @param item the work
 * @param lockToken identifies this lock; a provider rejects completion under a stale token
 * @param dequeueCount how many times the item has been fetched, including this one
 * @param receipt provider-private handle (row id, file name, ...)
 */
public record WorkItemLease(ActivityWorkItem item, String lockToken, int dequeueCount, Object receipt) {}
