package io.duratask.bench;

import io.duratask.DurableRuntime;
import io.duratask.RuntimeOptions;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.fs.FsOptions;
import io.duratask.fs.FsProvider;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import io.duratask.postgres.PostgresOptions;
import io.duratask.postgres.PostgresProvider;
import io.duratask.sqlite.SqliteOptions;
import io.duratask.sqlite.SqliteProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The throughput harness: three workloads on each provider, several runs each, medians reported.
 *
 * <ul>
 *   <li>(a) 1,000 instances started at once, each calling 10 trivial activities in sequence;
 *   <li>(b) one instance fanning out 1,000 activities and joining them;
 *   <li>(c) one 10-activity chain at a time on an idle system (latency).
 * </ul>
 *
 * Usage: {@code ThroughputHarness --providers=memory,sqlite,fs,postgres --workloads=a,b,c --runs=5 --dir=target/bench-data}
 * ({@code --warmups=N}: unmeasured runs before them, default 1, for the JIT compiler to settle;
 * {@code --activity-concurrency=N} overrides {@code RuntimeOptions.activityConcurrency} of the harness's runtime)
 * ({@code --sqlite-sync=FULL|NORMAL}, {@code --fs-sync=true|false} choose how hard those providers sync;
 * {@code --eager=true|false} sets {@code RuntimeOptions.eagerDispatch}; {@code --pg-workers=N} runs the
 * PostgreSQL workloads with N worker processes: the harness's own runtime and N-1 {@link PgBenchWorker} JVMs
 * on the same schema; {@code --pg-statements} loads {@code pg_stat_statements} into the embedded server and
 * prints, after the last run of each PostgreSQL cell, the statements of that run per activity).
 */
public final class ThroughputHarness {
    private static final Duration WAIT = Duration.ofMinutes(5);

    private static SqliteOptions.Synchronous sqliteSync = SqliteOptions.Synchronous.FULL;
    private static boolean fsSync = true;
    private static boolean eager = true;
    private static int activityConcurrency; // 0: the runtime's default
    private static int pgWorkers = 1;
    private static PgWorkers extraWorkers;

    record Result(double activitiesPerSecond, double p50Millis, double p99Millis) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        List<String> providers = List.of(opts.getOrDefault("providers", "memory,sqlite").split(","));
        List<String> workloads = List.of(opts.getOrDefault("workloads", "a,b,c").split(","));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
        int warmups = Integer.parseInt(opts.getOrDefault("warmups", "1"));
        if (warmups < 0) {
            throw new IllegalArgumentException("--warmups must not be negative, was " + warmups);
        }
        int instances = Integer.parseInt(opts.getOrDefault("instances", "1000"));
        int fanOut = Integer.parseInt(opts.getOrDefault("fanout", "1000"));
        int chains = Integer.parseInt(opts.getOrDefault("chains", "200"));
        Path dir = Path.of(opts.getOrDefault("dir", "target/bench-data"));
        sqliteSync = SqliteOptions.Synchronous.valueOf(opts.getOrDefault("sqlite-sync", "FULL").toUpperCase());
        fsSync = Boolean.parseBoolean(opts.getOrDefault("fs-sync", "true"));
        eager = Boolean.parseBoolean(opts.getOrDefault("eager", "true"));
        activityConcurrency = Integer.parseInt(opts.getOrDefault("activity-concurrency", "0"));
        pgWorkers = Integer.parseInt(opts.getOrDefault("pg-workers", "1"));
        if (Boolean.parseBoolean(opts.getOrDefault("pg-statements", "false"))) {
            BenchPostgres.collectStatements();
        }
        if (pgWorkers < 1) {
            throw new IllegalArgumentException("--pg-workers must be at least 1, was " + pgWorkers);
        }
        Files.createDirectories(dir);

        System.out.printf("Duratask throughput harness: %d runs per cell (after %d warm-up), %d cores, java %s,"
                + " sqlite synchronous=%s, fs syncCommits=%s, eager dispatch %s, postgres worker processes %d%n", runs,
                warmups,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), sqliteSync, fsSync,
                eager ? "on" : "off", pgWorkers);
        System.out.println("before: " + FsyncProbe.measure(dir));
        List<String> table = new ArrayList<>();
        table.add("| provider | workload | activities/s (median) | p50 ms | p99 ms | runs (activities/s) |");
        table.add("|---|---|---|---|---|---|");
        for (String provider : providers) {
            for (String workload : workloads) {
                List<Result> results = new ArrayList<>();
                for (int run = 1 - warmups; run <= runs; run++) {
                    if (provider.equals("postgres")) {
                        BenchPostgres.resetStatements();
                    }
                    Result r = runOnce(provider, workload, dir, instances, fanOut, chains);
                    if (run > 0) {
                        results.add(r);
                    }
                    System.out.printf("  %s %s run %d%s: %.0f activities/s, p50 %.2f ms, p99 %.2f ms%n", provider, workload,
                            run, run <= 0 ? " (warm-up)" : "", r.activitiesPerSecond(), r.p50Millis(), r.p99Millis());
                    if (provider.equals("postgres") && run == runs) {
                        BenchPostgres.printStatements(activities(workload, instances, fanOut, chains));
                    }
                }
                double[] tput = results.stream().mapToDouble(Result::activitiesPerSecond).toArray();
                double[] p50 = results.stream().mapToDouble(Result::p50Millis).toArray();
                double[] p99 = results.stream().mapToDouble(Result::p99Millis).toArray();
                StringBuilder each = new StringBuilder();
                for (double t : tput) {
                    each.append(each.isEmpty() ? "" : ", ").append(String.format("%.0f", t));
                }
                String name = provider.equals("postgres") && pgWorkers > 1
                        ? provider + " (" + pgWorkers + " worker processes)" : provider;
                table.add(String.format("| %s | %s | %.0f | %.2f | %.2f | %s |", name, label(workload),
                        Stats.median(tput), Stats.median(p50), Stats.median(p99), each));
            }
        }
        System.out.println("after: " + FsyncProbe.measure(dir));
        System.out.println();
        table.forEach(System.out::println);
        if (extraWorkers != null) {
            extraWorkers.close();
        }
        BenchPostgres.stop();
    }

    private static long activities(String workload, int instances, int fanOut, int chains) {
        return switch (workload) {
            case "a" -> instances * 10L;
            case "b" -> fanOut;
            case "c" -> chains * 10L;
            default -> 1;
        };
    }

    private static String label(String workload) {
        return switch (workload) {
            case "a" -> "(a) 1,000 × 10-activity chains";
            case "b" -> "(b) fan-out 1,000";
            case "c" -> "(c) one 10-activity chain";
            default -> workload;
        };
    }

    private static Provider open(String provider, Path dir) throws IOException {
        return switch (provider) {
            case "memory" -> new InMemoryProvider();
            case "sqlite" -> {
                Path file = Files.createTempFile(dir, "bench-", ".db");
                Files.delete(file);
                yield SqliteProvider.open(file, SqliteOptions.builder().synchronous(sqliteSync).build());
            }
            case "fs" -> FsProvider.open(Files.createTempDirectory(dir, "bench-fs-"),
                    FsOptions.builder().syncCommits(fsSync).build());
            case "postgres" -> PostgresProvider.open(BenchPostgres.options().build());
            default -> throw new IllegalArgumentException("unknown provider '" + provider
                    + "' (memory, sqlite, fs, postgres)");
        };
    }

    static Result runOnce(String provider, String workload, Path dir, int instances, int fanOut, int chains)
            throws Exception {
        RuntimeOptions.Builder builder = RuntimeOptions.builder().eagerDispatch(eager);
        if (activityConcurrency > 0) {
            builder.activityConcurrency(activityConcurrency);
        }
        RuntimeOptions options = builder.build();
        Provider store = open(provider, dir);
        boolean withWorkers = store instanceof PostgresProvider && pgWorkers > 1;
        if (withWorkers) {
            if (extraWorkers == null) {
                extraWorkers = new PgWorkers(pgWorkers - 1, BenchPostgres.environment());
            }
            extraWorkers.open(((PostgresProvider) store).options().schema());
        }
        try (DurableRuntime runtime = DurableRuntime.start(store, Workloads.registry(), options)) {
            DurableClient client = runtime.client();
            return switch (workload) {
                case "a" -> manyChains(client, instances);
                case "b" -> fanOut(client, fanOut);
                case "c" -> chainLatency(client, chains);
                default -> throw new IllegalArgumentException("unknown workload '" + workload + "' (a, b, c)");
            };
        } finally {
            if (withWorkers) {
                extraWorkers.closeRuntimes();
            }
        }
    }

    static boolean eager() {
        return eager;
    }

    private static Result manyChains(DurableClient client, int instances) throws Exception {
        double[] latencies = new double[instances];
        long begin = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> ends = new ArrayList<>(instances);
            for (int i = 0; i < instances; i++) {
                int n = i;
                ends.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    String id = "chain-" + n;
                    client.startOrchestration(id, "Chain", 0);
                    check(client.waitForCompletion(id, WAIT), Workloads.CHAIN_LENGTH);
                    long end = System.nanoTime();
                    latencies[n] = (end - start) / 1e6;
                    return end;
                }));
            }
            long last = 0;
            for (Future<Long> f : ends) {
                last = Math.max(last, f.get());
            }
            double seconds = (last - begin) / 1e9;
            return new Result(instances * Workloads.CHAIN_LENGTH / seconds, Stats.percentile(latencies, 50),
                    Stats.percentile(latencies, 99));
        }
    }

    private static Result fanOut(DurableClient client, int n) {
        long start = System.nanoTime();
        client.startOrchestration("fan", "FanOut", n);
        check(client.waitForCompletion("fan", WAIT), (long) n * (n + 1) / 2);
        double ms = (System.nanoTime() - start) / 1e6;
        return new Result(n / (ms / 1000), ms, ms);
    }

    private static Result chainLatency(DurableClient client, int chains) {
        double[] latencies = new double[chains];
        for (int i = 0; i < 20; i++) { // warm the path
            client.startOrchestration("warm-" + i, "Chain", 0);
            client.waitForCompletion("warm-" + i, WAIT);
        }
        long begin = System.nanoTime();
        for (int i = 0; i < chains; i++) {
            long start = System.nanoTime();
            client.startOrchestration("one-" + i, "Chain", 0);
            check(client.waitForCompletion("one-" + i, WAIT), Workloads.CHAIN_LENGTH);
            latencies[i] = (System.nanoTime() - start) / 1e6;
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Result(chains * Workloads.CHAIN_LENGTH / seconds, Stats.percentile(latencies, 50),
                Stats.percentile(latencies, 99));
    }

    private static void check(OrchestrationStatus status, long expected) {
        if (!status.isCompleted() || status.output(Long.class) != expected) {
            throw new IllegalStateException("benchmark instance did not complete as expected: " + status);
        }
    }
}
