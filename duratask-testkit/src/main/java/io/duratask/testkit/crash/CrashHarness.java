package io.duratask.testkit.crash;

import io.duratask.client.DurableClient;
import io.duratask.spi.Provider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs the crash workload in real worker processes and kills them: starts instances, starts a
 * {@link CrashWorker} JVM (the same {@code java} binary and class path as the test), kills it with SIGKILL,
 * starts the next one on the same store, and at the end verifies the store with {@link CrashChecks}.
 *
 * <p>The test process opens the store with the same {@link ProviderFactory} to start instances, raise events
 * and read the result. If the store can be shared by two processes at once ({@code sharedStore}), it stays
 * open and events are raised while a worker runs; otherwise the test opens the store only while no worker
 * runs, and events raised meanwhile are held until just before the next worker starts.
 *
 * <p>Not thread-safe: one test drives one harness.
 */
public final class CrashHarness implements AutoCloseable {
    /** How long a worker may take to start. */
    static final Duration WORKER_START = Duration.ofSeconds(60);
    /** How long the last worker may take to finish the workload. */
    static final Duration FINISH = Duration.ofMinutes(3);

    private final Path dir;
    private final String factoryClass;
    private final ProviderFactory factory;
    private final boolean sharedStore;
    private final List<String> jvmFlags;
    private final Path store;
    private final RunLog runLog;
    private final Map<String, String> workerProperties = new LinkedHashMap<>();
    private final List<Consumer<DurableClient>> held = new ArrayList<>();
    private Provider provider;
    private WorkerProcess worker;
    /** A worker was started and not yet killed by {@link #kill} (it may have died by itself meanwhile). */
    private boolean workerStarted;
    private int generation;
    private int kills;

    /**
     * @param dir where the store, the run log and the worker logs go
     * @param factory opens the store; its class is named on the worker's command line
     * @param storeName the store's file or directory name inside {@code dir}
     * @param sharedStore whether the test process may use the store while a worker runs
     * @param jvmFlags extra JVM flags for the workers ({@code --enable-native-access=ALL-UNNAMED} is always given)
     */
    public CrashHarness(Path dir, Class<? extends ProviderFactory> factory, String storeName, boolean sharedStore,
                        List<String> jvmFlags) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.factoryClass = factory.getName();
        this.factory = ProviderFactory.load(factoryClass);
        this.sharedStore = sharedStore;
        this.jvmFlags = List.copyOf(jvmFlags);
        this.store = dir.resolve(storeName);
        this.runLog = new RunLog(dir.resolve("activity-runs.log"));
    }

    /** Sets a system property for every worker started from now on (e.g. {@code duratask.crash.lockTimeoutMillis}). */
    public CrashHarness workerProperty(String name, String value) {
        workerProperties.put(name, value);
        return this;
    }

    public Path storePath() {
        return store;
    }

    public RunLog runLog() {
        return runLog;
    }

    /** The worker started last (alive or not), or null before the first. */
    public WorkerProcess lastWorker() {
        return worker;
    }

    /** Workers killed so far. */
    public int kills() {
        return kills;
    }

    /** The test process's handle on the store (see the class comment for when it may be used). */
    public Provider store() {
        if (!sharedStore && workerStarted) {
            throw new IllegalStateException("the store is not shared across processes and worker " + worker.name()
                    + " is running: kill it first");
        }
        if (provider == null) {
            provider = factory.open(store);
        }
        return provider;
    }

    /** A client on {@link #store()}. */
    public DurableClient client() {
        return DurableClient.of(store());
    }

    /**
     * Starts main instances {@code from} .. {@code to - 1} of the workload: now if the store is shared or no
     * worker runs, otherwise just before the next worker starts.
     */
    public void startInstances(long from, long to) {
        startInstances(java.util.stream.LongStream.range(from, to).boxed().toList());
    }

    /** Starts the given main instances (see {@link #startInstances(long, long)} for when). */
    public void startInstances(List<Long> instances) {
        act(client -> {
            for (long n : instances) {
                client.startOrchestration(CrashWorkload.instanceId(n), CrashWorkload.MAIN, n);
            }
        });
    }

    /**
     * Raises each instance's {@value CrashWorkload#EVENT} event: now if the store is shared or no worker runs,
     * otherwise just before the next worker starts.
     */
    public void raiseEvents(List<Long> instances) {
        act(client -> {
            for (long n : instances) {
                client.raiseEvent(CrashWorkload.instanceId(n), CrashWorkload.EVENT, CrashWorkload.eventData(n));
            }
        });
    }

    /** Runs {@code action} now, after anything held, or holds it while a worker has the unshared store. */
    private void act(Consumer<DurableClient> action) {
        held.add(action);
        if (sharedStore || !workerStarted) {
            runHeld();
        }
    }

    private void runHeld() {
        if (!held.isEmpty()) {
            DurableClient client = client();
            List<Consumer<DurableClient>> actions = List.copyOf(held);
            held.clear();
            actions.forEach(a -> a.accept(client));
        }
    }

    /** Starts a worker (with {@code point}, or none if null) and waits until its runtime runs. */
    public WorkerProcess startWorker(CrashPoint point, Map<String, String> extraProperties) {
        WorkerProcess w = spawnWorker(point, extraProperties);
        w.awaitLine(CrashWorker.READY, WORKER_START);
        return w;
    }

    /** Starts a worker without waiting for it to be ready (to kill it while it opens the store). */
    public WorkerProcess spawnWorker(CrashPoint point, Map<String, String> extraProperties) {
        if (workerStarted) {
            throw new IllegalStateException("worker " + worker.name() + " was started and not killed: kill it first");
        }
        if (!sharedStore) {
            runHeld();
            closeStore();
        }
        generation++;
        String name = "worker-" + generation;
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmFlags);
        workerProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        extraProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        if (point != null) {
            command.add(point.asJvmArgument());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashWorker.class.getName(),
                factoryClass, store.toString(), runLog.file().toString()));
        worker = WorkerProcess.start(name, command, dir.resolve(name + ".log"));
        workerStarted = true;
        return worker;
    }

    /** Kills {@code w} with SIGKILL and checks that the signal is what ended it. */
    public void kill(WorkerProcess w) {
        int status = w.kill();
        if (w == worker) {
            workerStarted = false;
        }
        if (status != WorkerProcess.SIGKILL_EXIT) {
            throw new AssertionError("worker " + w.name() + " ended with status " + status + ", not by SIGKILL ("
                    + WorkerProcess.SIGKILL_EXIT + "): it died by itself; its last lines:\n" + w.tail(40));
        }
        kills++;
    }

    /**
     * Starts a last worker with no crash point, waits until every instance is finished, kills it (a final
     * SIGKILL, so that even the clean end of the run is a crash), and verifies the store.
     */
    public CrashReport finishAndVerify(int mainInstances) {
        WorkerProcess last = startWorker(null, Map.of());
        last.awaitLine(CrashWorker.ALL_FINISHED, FINISH);
        kill(last);
        return CrashChecks.verify(store(), runLog, mainInstances);
    }

    private void closeStore() {
        if (provider != null) {
            provider.close();
            provider = null;
        }
    }

    /** Kills a worker that still runs and closes the test's handle on the store. */
    @Override
    public void close() {
        try {
            if (worker != null) {
                worker.close();
                workerStarted = false;
            }
        } finally {
            closeStore();
        }
    }
}
