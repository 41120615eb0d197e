package io.duratask;

import io.duratask.client.DurableClient;
import io.duratask.runtime.RuntimeHost;
import io.duratask.spi.Provider;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs orchestrations and activities from a {@link Registry} against a {@link Provider}. Several
 * runtimes may share a JVM (and, where the provider allows it, a store). No static state.
 *
 * <pre>{@code
 * try (DurableRuntime runtime = DurableRuntime.start(SqliteProvider.open(Path.of("orders.db")), registry)) {
 *     DurableClient client = runtime.client();
 *     client.startOrchestration("order-42", "ProcessOrder", order);
 *     OrchestrationStatus status = client.waitForCompletion("order-42", Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * <p>The runtime owns the provider: {@link #close()} closes it.
 */
public final class DurableRuntime implements AutoCloseable {
    /** How long {@link #close()} waits for turns and activities in progress. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final RuntimeHost host;
    private final Provider provider;
    private boolean closed;

    private DurableRuntime(Provider provider, Registry registry, RuntimeOptions options) {
        this.provider = provider;
        this.host = new RuntimeHost(provider, registry, options);
    }

    /** Starts a runtime with default options. */
    public static DurableRuntime start(Provider provider, Registry registry) {
        return start(provider, registry, RuntimeOptions.defaults());
    }

    public static DurableRuntime start(Provider provider, Registry registry, RuntimeOptions options) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(options, "options");
        DurableRuntime runtime = new DurableRuntime(provider, registry, options);
        runtime.host.start();
        return runtime;
    }

    /** A client that starts, signals and inspects instances through this runtime's store. */
    public DurableClient client() {
        return host.client();
    }

    /** The store this runtime uses. */
    public Provider provider() {
        return provider;
    }

    /** Executions served from the cache vs rebuilt by replay, so far: {@code {hits, misses}}. */
    public long[] cacheStats() {
        return host.cacheStats();
    }

    /**
     * Stops fetching new work, waits up to {@code timeout} for turns and activities in progress, then
     * closes the provider. Unfinished work is redone after restart (its locks expire). Returns true if
     * everything in progress finished in time.
     */
    public synchronized boolean shutdown(Duration timeout) {
        if (closed) {
            return true;
        }
        closed = true;
        try {
            return host.stop(timeout);
        } finally {
            provider.close();
        }
    }

    /** {@link #shutdown(Duration)} with {@link #DEFAULT_SHUTDOWN_TIMEOUT}. */
    @Override
    public void close() {
        shutdown(DEFAULT_SHUTDOWN_TIMEOUT);
    }
}
