package io.duratask.postgres.multinode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A {@link WorkerMain} in a JVM of its own, started with this JVM's java and class path; its output goes to a file. */
final class WorkerJvm implements AutoCloseable {
    final String name;
    final Path log;
    private final Process process;
    private String nodeId;

    private WorkerJvm(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    static WorkerJvm start(String name, Path dir, String url, String user, String schema, Duration lease) {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve(name + ".log");
        List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                url, user == null ? "-" : user, schema, Long.toString(lease.toMillis()));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new WorkerJvm(name, log, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + name, e);
        }
    }

    /** Waits for the READY line; returns the worker's node id (the prefix of its lock tokens). */
    String awaitReady(Duration max) {
        Awaitility.await(name + " ready").atMost(max).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            return lines().stream().anyMatch(l -> l.startsWith("READY "));
        });
        nodeId = lines().stream().filter(l -> l.startsWith("READY ")).findFirst().orElseThrow().substring(6).trim();
        return nodeId;
    }

    String nodeId() {
        return nodeId;
    }

    /** SIGKILL: no shutdown hook, no abandon, no lock released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Activity runs this worker reported, by "instance scheduledId". */
    Map<String, Integer> runs() {
        Map<String, Integer> runs = new TreeMap<>();
        for (String line : lines()) {
            if (line.startsWith("RAN ") && line.split(" ").length == 3) {
                runs.merge(line.substring(4), 1, Integer::sum);
            }
        }
        return runs;
    }

    List<String> lines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: closes the runtime through the JVM's exit
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
