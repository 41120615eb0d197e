package io.duratask.runtime;

import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.client.DurableClient;
import io.duratask.spi.Provider;
import io.duratask.spi.WorkListener;
import java.time.Duration;

/** The parts of a running runtime, wired together; {@link io.duratask.DurableRuntime} is its public face. */
public final class RuntimeHost {
    private final Provider provider;
    private final Wakeups wakeups;
    private final OrchestrationDispatcher orchestrations;
    private final ActivityDispatcher activities;
    private final LocalClient client;
    private final WorkListener remoteWork;
    private final EagerDispatch eager;

    public RuntimeHost(Provider provider, Registry registry, RuntimeOptions options) {
        this.provider = provider;
        this.wakeups = new Wakeups(options.orchestrationConcurrency(), options.activityConcurrency(), options.clock());
        CompletionWaiters waiters = new CompletionWaiters();
        Slots turnSlots = new Slots(options.orchestrationConcurrency());
        Slots activitySlots = new Slots(options.activityConcurrency());
        this.eager = new EagerDispatch(provider, options.eagerDispatch(), turnSlots, activitySlots);
        this.activities = new ActivityDispatcher(provider, registry, options, wakeups, activitySlots, eager);
        this.orchestrations = new OrchestrationDispatcher(provider, registry, options, wakeups, waiters,
                activities::cancelInstance, turnSlots, eager);
        eager.wire(orchestrations, activities);
        this.client = new LocalClient(provider, registry, options.payloadCodec(),
                () -> wakeups.orchestrations().signal(), waiters, eager, options.lockTimeout());
        this.remoteWork = new RemoteWork(wakeups, options.orchestrationConcurrency(), options.activityConcurrency());
    }

    public void start() {
        orchestrations.start();
        activities.start();
        provider.addWorkListener(remoteWork);
    }

    public DurableClient client() {
        return client;
    }

    public Provider provider() {
        return provider;
    }

    /** Cache hits and misses so far (for tests and metrics). */
    public long[] cacheStats() {
        ExecutionCache c = orchestrations.cache();
        return new long[] {c.hits(), c.misses()};
    }

    /**
     * Stops both dispatchers, waiting up to {@code timeout} for work in progress (eager work runs on the
     * activity dispatcher's threads, so it is stopped with it).
     */
    public boolean stop(Duration timeout) {
        provider.removeWorkListener(remoteWork);
        long start = System.nanoTime();
        eager.close();
        boolean a = activities.stop(timeout);
        Duration left = timeout.minusNanos(System.nanoTime() - start);
        boolean o = orchestrations.stop(left.isNegative() ? Duration.ZERO : left);
        wakeups.stop();
        return a && o;
    }
}
