package io.duratask.testkit.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One worker JVM: started with a command line, watched line by line (each line is also written to a log
 * file), and killed with SIGKILL. Its standard input stays open and unused: when the test process dies, the
 * worker sees it close and halts.
 */
public final class WorkerProcess implements AutoCloseable {
    /**
     * The exit status the JDK reports for a process ended by {@link #kill()}: 128 + 9 (SIGKILL) on Linux and
     * macOS; 1 on Windows, where {@code destroyForcibly} calls {@code TerminateProcess}.
     */
    public static final int SIGKILL_EXIT = System.getProperty("os.name", "").startsWith("Windows") ? 1 : 137;

    private final String name;
    private final Process process;
    private final Path log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition newLine = lock.newCondition();
    private final List<String> lines = new ArrayList<>(); // guarded by lock
    private boolean ended; // guarded by lock

    private WorkerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread.ofPlatform().daemon().name("worker-output-" + name).start(this::pump);
    }

    /** Starts {@code command}, merging its standard error into its output, which is copied to {@code log}. */
    public static WorkerProcess start(String name, List<String> command, Path log) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new WorkerProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + name + ": " + String.join(" ", command), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The log file with everything the worker printed. */
    public Path log() {
        return log;
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                out.flush();
                lock.lock();
                try {
                    lines.add(line);
                    newLine.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // the process is gone; what was read is kept
        } finally {
            lock.lock();
            try {
                ended = true;
                newLine.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Every line printed so far. */
    public List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the first line starting with {@code prefix} and returns it.
     *
     * @throws AssertionError if the worker ends or {@code timeout} passes first, with the worker's last lines
     */
    public String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            int scanned = 0;
            while (true) {
                for (; scanned < lines.size(); scanned++) {
                    if (lines.get(scanned).startsWith(prefix)) {
                        return lines.get(scanned);
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    throw new AssertionError("worker " + name + " " + (ended ? "ended" : "did not print it within " + timeout)
                            + " before printing a line starting with '" + prefix + "'; its last lines:\n" + tail(40));
                }
                newLine.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for worker " + name, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kills the worker with SIGKILL ({@link Process#destroyForcibly()}, which on Linux sends SIGKILL) and waits
     * for it to end. Returns its exit status: {@link #SIGKILL_EXIT} if the signal killed it.
     */
    public int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("worker " + name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing worker " + name, e);
        }
        awaitOutputEnd();
        return process.exitValue();
    }

    private void awaitOutputEnd() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        lock.lock();
        try {
            while (!ended && System.nanoTime() < deadline) {
                newLine.awaitNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** The last {@code n} lines, for failure messages. */
    public String tail(int n) {
        List<String> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /** Kills the worker if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
