package io.duratask.runtime;

import io.duratask.InstanceExistsException;
import io.duratask.InstanceNotFoundException;
import io.duratask.PayloadCodec;
import io.duratask.Registry;
import io.duratask.UnknownNameException;
import io.duratask.WaitTimeoutException;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.client.StartOptions;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.CancelRequested;
import io.duratask.history.HistoryEvent.EventRaised;
import io.duratask.history.HistoryEvent.Resumed;
import io.duratask.history.HistoryEvent.Suspended;
import io.duratask.history.HistoryEvent.Terminated;
import io.duratask.history.HistoryEvent.OrchestrationStarted;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.OrchestratorMessage;
import io.duratask.spi.Provider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link DurableClient} over a provider. When it belongs to a runtime it checks names against the
 * registry and wakes the runtime's dispatchers at once; standalone it polls.
 */
public final class LocalClient implements DurableClient {
    /**
     * A wait polls the store in case another process finishes the instance (this process's own commits wake it
     * at once): first after {@code FIRST_POLL}, then twice as long each time, up to {@code MAX_POLL}, so that a
     * thousand waiting clients cost a few hundred reads a second, not thousands.
     */
    private static final Duration FIRST_POLL = Duration.ofMillis(200);
    /**
     * How long an eager start waits for the first turn's durable commit to make the creation durable before
     * it makes it durable by itself.
     */
    private static final Duration START_DURABLE_WAIT = Duration.ofMillis(10);
    private static final Duration MAX_POLL = Duration.ofSeconds(1);

    private final Provider provider;
    private final Registry registry;
    private final PayloadCodec codec;
    private final Runnable onEnqueue;
    private final CompletionWaiters waiters;
    /** Hands a start's first turn straight to this process's runtime; null for a standalone client. */
    private final EagerDispatch eager;
    private final Duration lockTimeout;

    LocalClient(Provider provider, Registry registry, PayloadCodec codec, Runnable onEnqueue, CompletionWaiters waiters,
                EagerDispatch eager, Duration lockTimeout) {
        this.provider = provider;
        this.registry = registry;
        this.codec = codec;
        this.onEnqueue = onEnqueue;
        this.waiters = waiters;
        this.eager = eager;
        this.lockTimeout = lockTimeout;
    }

    /** A client with no runtime in this process: no registry checks, waits poll the store. */
    public static DurableClient standalone(Provider provider, PayloadCodec codec) {
        return new LocalClient(provider, null, codec, () -> { }, new CompletionWaiters(), null, null);
    }

    @Override
    public String startOrchestration(String name, Object input) {
        return start(UUID.randomUUID().toString(), name, null, input);
    }

    @Override
    public String startOrchestration(String instanceId, String name, Object input) {
        return start(instanceId, name, null, input);
    }

    private String start(String instanceId, String name, String version, Object input) {
        requireId(instanceId);
        Objects.requireNonNull(name, "orchestration name");
        String resolvedVersion = version;
        if (registry != null) {
            String what = version == null ? name : name + "' version '" + version;
            resolvedVersion = registry.orchestration(name, version)
                    .orElseThrow(() -> new UnknownNameException("orchestration", what, registry.orchestrationNames()))
                    .version();
        }
        String json = codec.encode(input);
        OrchestratorMessage startMessage = OrchestratorMessage.of(instanceId, OrchestratorMessage.ANY_EXECUTION,
                new OrchestrationStarted(0, null, name, resolvedVersion, json, null, null));
        if (eager != null && eager.reserveTurn()) {
            // eager start: the creation also locks the instance for this runtime, which runs the first turn at
            // once; the start is acknowledged when it is durable, usually by that turn's durable commit
            Optional<io.duratask.spi.OrchestrationItem> locked;
            try {
                locked = provider.createInstanceAndLockDeferred(startMessage, lockTimeout);
            } catch (RuntimeException | Error e) {
                eager.releaseTurn();
                throw e;
            }
            if (locked.isPresent()) {
                eager.start(locked.get());
            } else {
                eager.releaseTurn();
                onEnqueue.run();
            }
            provider.awaitDurable(START_DURABLE_WAIT);
            return instanceId;
        } else {
            provider.createInstance(startMessage);
        }
        onEnqueue.run();
        return instanceId;
    }

    @Override
    public String startOrchestration(String instanceId, String name, Object input, StartOptions options) {
        try {
            return start(instanceId, name, options.version(), input);
        } catch (InstanceExistsException e) {
            if (!options.returnExisting()) {
                throw e;
            }
            InstanceInfo existing = provider.getInstance(instanceId).orElseThrow(() -> e);
            if (!name.equals(existing.name())) {
                throw new InstanceExistsException(instanceId + "' (an instance of '" + existing.name() + "', not '" + name);
            }
            return instanceId;
        }
    }

    @Override
    public void cancel(String instanceId, String reason) {
        send(instanceId, new CancelRequested(0, null, reason));
    }

    @Override
    public void terminate(String instanceId, String reason) {
        send(instanceId, new Terminated(0, null, reason));
    }

    @Override
    public void suspend(String instanceId, String reason) {
        send(instanceId, new Suspended(0, null, reason));
    }

    @Override
    public void resume(String instanceId, String reason) {
        send(instanceId, new Resumed(0, null, reason));
    }

    private void send(String instanceId, HistoryEvent event) {
        requireId(instanceId);
        provider.enqueue(OrchestratorMessage.of(instanceId, OrchestratorMessage.ANY_EXECUTION, event));
        onEnqueue.run();
    }

    @Override
    public void restart(String instanceId, Object input) {
        restart(instanceId, codec.encode(input), true);
    }

    @Override
    public void restart(String instanceId) {
        restart(instanceId, null, false);
    }

    private void restart(String instanceId, String json, boolean newInput) {
        requireId(instanceId);
        InstanceInfo info = provider.getInstance(instanceId).orElseThrow(() -> new InstanceNotFoundException(instanceId));
        String version = null;
        if (registry != null) {
            version = registry.orchestration(info.name())
                    .orElseThrow(() -> new UnknownNameException("orchestration", info.name(), registry.orchestrationNames()))
                    .version();
        }
        provider.restartInstance(OrchestratorMessage.of(instanceId, OrchestratorMessage.ANY_EXECUTION,
                new OrchestrationStarted(0, null, info.name(), version, newInput ? json : info.input(), null, null)));
        onEnqueue.run();
    }

    @Override
    public int purge(String instanceId) {
        requireId(instanceId);
        return provider.purgeInstance(instanceId);
    }

    @Override
    public int purgeFinishedBefore(Instant finishedBefore) {
        return provider.purgeInstances(finishedBefore, java.util.Set.of());
    }

    @Override
    public void raiseEvent(String instanceId, String eventName, Object data) {
        requireId(instanceId);
        Objects.requireNonNull(eventName, "eventName");
        provider.enqueue(OrchestratorMessage.of(instanceId, OrchestratorMessage.ANY_EXECUTION,
                new EventRaised(0, null, eventName, codec.encode(data))));
        onEnqueue.run();
    }

    @Override
    public Optional<OrchestrationStatus> getStatus(String instanceId) {
        return provider.getInstance(instanceId).map(i -> new OrchestrationStatus(i, codec));
    }

    @Override
    public OrchestrationStatus waitForCompletion(String instanceId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long poll = FIRST_POLL.toNanos();
        while (true) {
            CompletableFuture<Void> changed = waiters.register(instanceId);
            try {
                InstanceInfo info = provider.getInstance(instanceId)
                        .orElseThrow(() -> new InstanceNotFoundException(instanceId));
                if (info.status().isTerminal()) {
                    return new OrchestrationStatus(info, codec);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new WaitTimeoutException(instanceId, timeout);
                }
                long wait = Math.min(left, poll);
                poll = Math.min(poll * 2, MAX_POLL.toNanos());
                changed.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // poll again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WaitTimeoutException(instanceId, timeout);
            } finally {
                waiters.unregister(instanceId, changed);
            }
        }
    }

    @Override
    public InstancePage listInstances(InstanceQuery query) {
        return provider.listInstances(query);
    }

    @Override
    public List<HistoryEvent> getHistory(String instanceId) {
        return getHistory(instanceId, 0);
    }

    @Override
    public List<HistoryEvent> getHistory(String instanceId, long executionId) {
        if (provider.getInstance(instanceId).isEmpty()) {
            throw new InstanceNotFoundException(instanceId);
        }
        return provider.readHistory(instanceId, executionId);
    }

    private static void requireId(String instanceId) {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("instance id must not be blank");
        }
    }
}
