package io.duratask.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Lets client waits return the moment this process commits an instance's final state. */
final class CompletionWaiters {
    private final Map<String, List<CompletableFuture<Void>>> waiters = new HashMap<>();

    synchronized CompletableFuture<Void> register(String instanceId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.computeIfAbsent(instanceId, k -> new ArrayList<>()).add(f);
        return f;
    }

    synchronized void unregister(String instanceId, CompletableFuture<Void> f) {
        List<CompletableFuture<Void>> l = waiters.get(instanceId);
        if (l != null) {
            l.remove(f);
            if (l.isEmpty()) {
                waiters.remove(instanceId);
            }
        }
    }

    void notifyChanged(String instanceId) {
        List<CompletableFuture<Void>> l;
        synchronized (this) {
            l = waiters.remove(instanceId);
        }
        if (l != null) {
            l.forEach(f -> f.complete(null));
        }
    }
}
