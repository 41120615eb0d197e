package io.duratask.testkit.crash;

import io.duratask.DurableRuntime;
import io.duratask.RuntimeOptions;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.Provider;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The worker process of the crash tests: opens a store, runs {@link CrashWorkload} on it until it is
 * killed. Started by {@link WorkerProcess}; never stops by itself except when its parent goes away (its
 * standard input closes) or after {@code duratask.crash.maxLifetimeSeconds} (default 600), so that no
 * orphan outlives a test run.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp &lt;test class path&gt; io.duratask.testkit.crash.CrashWorker \
 *      &lt;provider factory class&gt; &lt;store path&gt; &lt;run log path&gt;
 * </pre>
 *
 * <p>System properties: {@value CrashPoint#PROPERTY} (a {@link CrashPoint}),
 * {@code duratask.crash.lockTimeoutMillis} (default 2000: how soon a killed worker's locks expire),
 * {@code duratask.crash.activityMaxMillis} (default 30: activities sleep up to this long).
 *
 * <p>Standard output protocol: {@code READY pid=<pid>} once the runtime runs; {@code ALL-FINISHED} once
 * every instance in the store has reached a final state (printed once, checked every 100 ms);
 * {@code CRASH-POINT ...} when a crash point is reached.
 */
public final class CrashWorker {
    /** Printed once the runtime runs. */
    public static final String READY = "READY";
    /** Printed once every instance in the store is in a final state. */
    public static final String ALL_FINISHED = "ALL-FINISHED";

    private CrashWorker() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: CrashWorker <provider factory class> <store path> <run log path>");
            System.exit(2);
        }
        exitWhenParentGoesAway();
        ProviderFactory factory = ProviderFactory.load(args[0]);
        Path store = Path.of(args[1]);
        RunLog runs = new RunLog(Path.of(args[2]));
        CrashPoint point = CrashPoint.fromSystemProperties();
        long lockMillis = Long.getLong("duratask.crash.lockTimeoutMillis", 2000);
        int activityMaxMillis = Integer.getInteger("duratask.crash.activityMaxMillis", 30);
        long lifetime = Long.getLong("duratask.crash.maxLifetimeSeconds", 600);

        Provider provider = new FaultInjectingProvider(factory.open(store), point);
        RuntimeOptions options = RuntimeOptions.builder()
                .lockTimeout(Duration.ofMillis(lockMillis))
                .idlePollInterval(Duration.ofMillis(50))
                .build();
        DurableRuntime runtime = DurableRuntime.start(provider, CrashWorkload.registry(runs, activityMaxMillis), options);
        System.out.println(READY + " pid=" + ProcessHandle.current().pid() + " crashPoint=" + point);
        System.out.flush();

        long deadline = System.nanoTime() + Duration.ofSeconds(lifetime).toNanos();
        boolean announced = false;
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            if (!announced && allFinished(runtime.provider())) {
                System.out.println(ALL_FINISHED);
                System.out.flush();
                announced = true;
            }
        }
        System.err.println("crash worker: lived " + lifetime + " s, halting");
        Runtime.getRuntime().halt(87);
    }

    /** True if the store has instances and every one is in a final state. */
    static boolean allFinished(Provider provider) {
        InstanceQuery query = InstanceQuery.all().withPageSize(1000);
        int seen = 0;
        while (true) {
            InstancePage page = provider.listInstances(query);
            for (InstanceInfo info : page.instances()) {
                if (!info.status().isTerminal()) {
                    return false;
                }
                seen++;
            }
            if (page.continuationToken() == null) {
                return seen > 0;
            }
            query = query.withContinuationToken(page.continuationToken());
        }
    }

    /** Halts when standard input closes: the test process that started this worker is gone. */
    private static void exitWhenParentGoesAway() {
        Thread.ofPlatform().daemon().name("crash-worker-parent-watch").start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException e) {
                // treat like end of input
            }
            System.err.println("crash worker: parent gone (stdin closed), halting");
            Runtime.getRuntime().halt(88);
        });
    }
}
