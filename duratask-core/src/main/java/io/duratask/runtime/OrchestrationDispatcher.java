package io.duratask.runtime;

import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.LockLostException;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Runs orchestration turns: fetch a locked instance, run the turn, commit, wake whoever has new work. */
final class OrchestrationDispatcher {
    private static final Logger log = LoggerFactory.getLogger(OrchestrationDispatcher.class);

    private final Provider provider;
    private final RuntimeOptions options;
    private final ExecutionCache cache;
    private final TurnProcessor processor;
    private final WorkerLoop<OrchestrationItem> loop;
    private final Wakeups wakeups;
    private final CompletionWaiters waiters;
    private final java.util.function.Consumer<String> onCancel;

    OrchestrationDispatcher(Provider provider, Registry registry, RuntimeOptions options, Wakeups wakeups,
                            CompletionWaiters waiters, java.util.function.Consumer<String> onCancel) {
        this.onCancel = onCancel;
        this.provider = provider;
        this.options = options;
        this.cache = new ExecutionCache(options.cacheSize());
        this.processor = new TurnProcessor(provider, registry, options, cache);
        this.wakeups = wakeups;
        this.waiters = waiters;
        this.loop = new WorkerLoop<>("duratask-orchestrator", options.orchestrationConcurrency(),
                () -> provider.fetchOrchestrationItem(options.lockTimeout()), this::runTurn, wakeups.orchestrations(),
                options.idlePollInterval());
    }

    void start() {
        loop.start();
    }

    boolean stop(Duration timeout) {
        boolean clean = loop.stop(timeout);
        cache.clear();
        return clean;
    }

    ExecutionCache cache() {
        return cache;
    }

    private void runTurn(OrchestrationItem item) {
        MDC.put("instanceId", item.instanceId());
        MDC.put("executionId", Long.toString(item.executionId()));
        TurnProcessor.Turn turn = null;
        try {
            turn = processor.process(item);
            provider.commitOrchestrationItem(item, turn.commit());
        } catch (LockLostException e) {
            log.warn("instance {}: {}; the turn will be redone by the lock's new owner", item.instanceId(), e.getMessage());
            if (turn != null && turn.execution() != null) {
                turn.execution().abort();
            }
            return;
        } catch (RuntimeException | Error e) {
            if (turn != null && turn.execution() != null) {
                turn.execution().abort();
            }
            log.error("instance {}: turn failed, abandoning it for a retry", item.instanceId(), e);
            try {
                provider.abandonOrchestrationItem(item, Duration.ofMillis(Math.min(5000, 50L * item.maxDequeueCount())));
            } catch (RuntimeException abandonFailure) {
                log.warn("instance {}: abandon failed: {}", item.instanceId(), abandonFailure.toString());
            }
            return;
        } finally {
            MDC.remove("instanceId");
            MDC.remove("executionId");
        }
        if (turn.execution() != null) {
            if (turn.ended()) {
                turn.execution().abort();
            } else {
                cache.put(turn.execution());
            }
        }
        if (turn.cancelRequested()) {
            onCancel.accept(item.instanceId());
        }
        if (!turn.commit().workItems().isEmpty()) {
            wakeups.activities().signal();
        }
        Instant now = options.clock().instant();
        for (OrchestratorMessage m : turn.commit().messages()) {
            if (m.visibleAt() != null && m.visibleAt().isAfter(now)) {
                wakeups.at(m.visibleAt());
            } else {
                wakeups.orchestrations().signal();
            }
        }
        if (turn.commit().update().status().isTerminal()
                || turn.commit().newEvents().stream().anyMatch(e -> e instanceof HistoryEvent.ContinuedAsNew)) {
            waiters.notifyChanged(item.instanceId());
        }
    }
}
