package io.duratask.runtime;

import io.duratask.replay.Execution;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently active executions, parked in memory between turns (sticky execution), so that a new turn
 * costs O(new events) instead of a full replay. Bounded LRU; an evicted execution's thread is stopped and
 * its instance is rebuilt by replay on its next turn. An entry is taken out for the length of a turn,
 * so two turns never share one.
 */
final class ExecutionCache {
    private final int capacity;
    private final LinkedHashMap<String, Execution> entries;
    private long hits;
    private long misses;

    ExecutionCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * Removes and returns the cached execution of {@code instanceId} if it is at {@code executionId} with
     * exactly {@code historySize} events; a stale entry is dropped.
     */
    Execution take(String instanceId, long executionId, long historySize) {
        Execution e;
        synchronized (this) {
            e = entries.remove(instanceId);
            if (e != null && e.executionId() == executionId && e.historySize() == historySize) {
                hits++;
                return e;
            }
            misses++;
        }
        if (e != null) {
            e.abort();
        }
        return null;
    }

    /**
     * Removes and returns the cached execution of {@code instanceId} if it is at {@code executionId} and waits
     * for the completion of {@code scheduledId} alone ({@link Execution#awaitsOnly}); otherwise leaves the
     * cache as it is and returns null.
     */
    synchronized Execution takeIfAwaitingOnly(String instanceId, long executionId, long scheduledId) {
        Execution e = entries.get(instanceId);
        if (e == null || e.executionId() != executionId || !e.awaitsOnly(scheduledId)) {
            return null;
        }
        entries.remove(instanceId);
        hits++;
        return e;
    }

    void put(Execution execution) {
        if (capacity == 0) {
            execution.abort();
            return;
        }
        Execution evicted = null;
        Execution replaced;
        synchronized (this) {
            replaced = entries.put(execution.instanceId(), execution);
            if (entries.size() > capacity) {
                Map.Entry<String, Execution> eldest = entries.entrySet().iterator().next();
                evicted = eldest.getValue();
                entries.remove(eldest.getKey());
            }
        }
        if (replaced != null && replaced != execution) {
            replaced.abort();
        }
        if (evicted != null) {
            evicted.abort();
        }
    }

    /**
     * Removes {@code execution} if it is still the cached entry of its instance; true if it was (the caller
     * owns it again), false if a turn took it or it was evicted or replaced (then its taker owns it).
     */
    boolean remove(Execution execution) {
        synchronized (this) {
            return entries.remove(execution.instanceId(), execution);
        }
    }

    void clear() {
        Execution[] all;
        synchronized (this) {
            all = entries.values().toArray(new Execution[0]);
            entries.clear();
        }
        for (Execution e : all) {
            e.abort();
        }
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }

    synchronized int size() {
        return entries.size();
    }
}
