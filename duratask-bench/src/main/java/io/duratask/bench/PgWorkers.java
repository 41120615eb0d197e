package io.duratask.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The extra worker JVMs of a PostgreSQL benchmark ({@link PgBenchWorker}), started once on the harness's
 * class path and kept across runs; each run tells them which schema to work on. Stopped by pid at the end.
 */
final class PgWorkers implements AutoCloseable {
    private static final long ANSWER_SECONDS = 120;

    private record Worker(Process process, Writer input, BufferedReader output) {}

    private final List<Worker> workers = new ArrayList<>();

    /** Starts {@code count} worker JVMs on the server {@code env} names (URL, user, password). */
    PgWorkers(int count, Map<String, String> env) {
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int i = 0; i < count; i++) {
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseParallelGC",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "-Dduratask.bench.eager=" + ThroughputHarness.eager(), PgBenchWorker.class.getName())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(env);
            try {
                Process p = pb.start();
                workers.add(new Worker(p, new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8),
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))));
            } catch (IOException e) {
                close();
                throw new UncheckedIOException("cannot start a benchmark worker JVM", e);
            }
        }
    }

    /** Every worker opens a runtime on {@code schema}; returns once all of them run. */
    void open(String schema) {
        tellAll("OPEN " + schema, "READY " + schema);
    }

    /** Every worker closes its runtime; returns once all of them did. */
    void closeRuntimes() {
        tellAll("CLOSE", "CLOSED");
    }

    private void tellAll(String command, String answer) {
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (Worker w : workers) {
            try {
                w.input().write(command + "\n");
                w.input().flush();
            } catch (IOException e) {
                throw new UncheckedIOException("benchmark worker " + w.process().pid() + " is gone", e);
            }
            answers.add(CompletableFuture.runAsync(() -> awaitLine(w, answer)));
        }
        try {
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("benchmark workers did not answer '" + command + "' with '" + answer
                    + "' within " + ANSWER_SECONDS + " s", e);
        }
    }

    private static void awaitLine(Worker w, String expected) {
        try {
            for (String line; (line = w.output().readLine()) != null; ) {
                if (line.equals(expected)) {
                    return;
                }
                System.out.println("  [worker " + w.process().pid() + "] " + line);
            }
            throw new IllegalStateException("benchmark worker " + w.process().pid() + " exited");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the workers' input (they exit), then stops each by pid if it has not exited after 10 s. */
    @Override
    public void close() {
        for (Worker w : workers) {
            try {
                w.input().close();
            } catch (IOException ignored) {
                // gone already
            }
        }
        for (Worker w : workers) {
            try {
                if (!w.process().waitFor(10, TimeUnit.SECONDS)) {
                    ProcessHandle.of(w.process().pid()).ifPresent(ProcessHandle::destroyForcibly);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                w.process().destroyForcibly();
            }
        }
        workers.clear();
    }
}
