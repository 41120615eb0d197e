package io.duratask.testkit;

import io.duratask.client.DurableClient;
import io.duratask.history.HistoryCodec;
import io.duratask.history.HistoryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * History files (golden histories): one execution's history per file, as the JSON array
 * {@link HistoryCodec#writeList} writes. A history holds neither its instance id nor its execution id,
 * so the file name carries them:
 *
 * <ul>
 *   <li>{@code <instanceId>.json}: execution 1 of the instance;</li>
 *   <li>{@code <instanceId>.execution-<n>.json}: execution {@code n} (an instance that continued as new).</li>
 * </ul>
 *
 * Characters other than letters, digits and {@code . _ - : @} are written as {@code %XX} (UTF-8 bytes).
 * {@link HistoryReplayer} reads the names back with {@link #parse(Path)}.
 */
public final class HistoryFiles {
    /** The extension of history files. */
    public static final String EXTENSION = ".json";

    private static final Pattern EXECUTION_SUFFIX = Pattern.compile("^(.*)\\.execution-(\\d+)\\.json$");
    private static final HistoryCodec CODEC = new HistoryCodec();

    private HistoryFiles() {}

    /** Instance and execution named by a history file. */
    public record Name(String instanceId, long executionId) {}

    /** The file name for execution 1 of {@code instanceId}: {@code <instanceId>.json}. */
    public static String fileName(String instanceId) {
        return encode(instanceId) + EXTENSION;
    }

    /** The file name for execution {@code executionId}: {@code <instanceId>.execution-<n>.json}. */
    public static String fileName(String instanceId, long executionId) {
        if (executionId < 1) {
            throw new IllegalArgumentException("executionId must be >= 1, was " + executionId);
        }
        return encode(instanceId) + ".execution-" + executionId + EXTENSION;
    }

    /** The instance and execution a history file name stands for. */
    public static Name parse(Path file) {
        String name = file.getFileName().toString();
        Matcher m = EXECUTION_SUFFIX.matcher(name);
        if (m.matches()) {
            return new Name(decode(m.group(1)), Long.parseLong(m.group(2)));
        }
        String base = name.endsWith(EXTENSION) ? name.substring(0, name.length() - EXTENSION.length()) : name;
        return new Name(decode(base), 1);
    }

    /** Reads one history file. */
    public static List<HistoryEvent> read(Path file) {
        try {
            return CODEC.readList(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history file " + file, e);
        }
    }

    /** Writes {@code history} to {@code file} (parent directories created), ending with a newline. */
    public static Path write(Path file, List<HistoryEvent> history) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, CODEC.writeList(history) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history file " + file, e);
        }
    }

    /**
     * Writes the history of {@code instanceId} into {@code dir}: the current execution only as
     * {@code <instanceId>.json} if the instance never continued as new, otherwise every execution as
     * {@code <instanceId>.execution-<n>.json}. Returns the files written.
     */
    public static List<Path> export(DurableClient client, String instanceId, Path dir) {
        long executions = client.getStatus(instanceId)
                .orElseThrow(() -> new IllegalArgumentException("no instance '" + instanceId + "'"))
                .executionId();
        List<Path> written = new ArrayList<>();
        if (executions <= 1) {
            written.add(write(dir.resolve(fileName(instanceId)), client.getHistory(instanceId, 1)));
        } else {
            for (long e = 1; e <= executions; e++) {
                written.add(write(dir.resolve(fileName(instanceId, e)), client.getHistory(instanceId, e)));
            }
        }
        return written;
    }

    private static String encode(String instanceId) {
        if (instanceId == null || instanceId.isEmpty()) {
            throw new IllegalArgumentException("instance id must not be empty");
        }
        StringBuilder b = new StringBuilder();
        for (byte x : instanceId.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-_:@".indexOf(c) >= 0) {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02X", x & 0xff));
            }
        }
        return b.toString();
    }

    private static String decode(String name) {
        if (name.indexOf('%') < 0) {
            return name;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            int hex = c == '%' && i + 2 < name.length() ? hexByte(name.substring(i + 1, i + 3)) : -1;
            if (hex >= 0) {
                out.write(hex);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hexByte(String two) {
        int hi = Character.digit(two.charAt(0), 16);
        int lo = Character.digit(two.charAt(1), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
