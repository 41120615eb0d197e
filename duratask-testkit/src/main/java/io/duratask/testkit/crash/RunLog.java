package io.duratask.testkit.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An append-only text file in which every activity execution records itself, one line per run, before it
 * does its work: so the test can count how often each scheduled activity really ran, across worker
 * processes that were killed at any moment. Each line is written with one {@code O_APPEND} write, so lines
 * from concurrent writers (threads or processes) never interleave. Not fsynced: a killed process loses
 * nothing that reached the operating system, and the harness never crashes the machine.
 *
 * <p>Line format: {@code instanceId executionId scheduledId activityName attempt pid}, space separated
 * (instance ids and activity names contain no spaces in the crash workload).
 */
public final class RunLog {

    /** One recorded activity execution. {@code attempt} is the work item's dequeue count. */
    public record Run(String instanceId, long executionId, long scheduledId, String name, int attempt, long pid) {

        /** What identifies the scheduled activity: the same for every re-execution of it. */
        public String key() {
            return instanceId + "#" + executionId + "#" + scheduledId;
        }

        String toLine() {
            return instanceId + " " + executionId + " " + scheduledId + " " + name + " " + attempt + " " + pid + "\n";
        }

        static Run parse(String line) {
            String[] f = line.split(" ");
            if (f.length != 6) {
                throw new IllegalStateException("malformed run log line: '" + line + "'");
            }
            return new Run(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], Integer.parseInt(f[4]),
                    Long.parseLong(f[5]));
        }
    }

    private final Path file;

    public RunLog(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    public Path file() {
        return file;
    }

    /** Appends one run (one write call). */
    public void append(Run run) {
        if (run.instanceId().contains(" ") || run.name().contains(" ")) {
            throw new IllegalArgumentException("run log fields must not contain spaces: " + run);
        }
        try {
            Files.write(file, run.toLine().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to run log " + file, e);
        }
    }

    /**
     * Every complete line recorded so far, oldest first (a process killed in the middle of a write may leave
     * a last line without its newline; it is skipped).
     */
    public List<Run> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run log " + file, e);
        }
        List<Run> runs = new ArrayList<>();
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
            String line = text.substring(start, nl);
            if (!line.isBlank()) {
                runs.add(Run.parse(line));
            }
            start = nl + 1;
        }
        return runs;
    }

    /** How many runs of {@code name} for {@code instanceId} are recorded. */
    public long count(String instanceId, String name) {
        return read().stream().filter(r -> r.instanceId().equals(instanceId) && r.name().equals(name)).count();
    }
}
