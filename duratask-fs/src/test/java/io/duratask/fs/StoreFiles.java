package io.duratask.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helpers that look at and damage a store's files. */
final class StoreFiles {
    private StoreFiles() {}

    static Path instanceDir(Path store, String instanceId) {
        return store.resolve(Layout.instanceDir(Layout.dirName(instanceId)));
    }

    static Path history(Path store, String instanceId, long execution) {
        return store.resolve(Layout.history(Layout.dirName(instanceId), execution));
    }

    static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> messageFiles(Path store, String instanceId) {
        return files(instanceDir(store, instanceId).resolve(Layout.MESSAGES));
    }

    static List<Path> workFiles(Path store, String instanceId) {
        return files(instanceDir(store, instanceId).resolve(Layout.WORK));
    }

    static List<Path> segments(Path store) {
        try {
            return Journal.segments(store.resolve(Layout.JOURNAL_DIR));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under {@code instances/}, by relative path, with its bytes. */
    static Map<String, String> instanceTree(Path store) {
        Map<String, String> out = new TreeMap<>();
        Path root = store.resolve(Layout.INSTANCES_DIR);
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Inverts the bits of the byte at {@code offset}. */
    static void flipByte(Path file, long offset) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            bytes[(int) offset] ^= (byte) 0xff;
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The offsets of the records of a journal segment, in order (frames up to the zero-filled rest). */
    static List<Long> recordOffsets(Path segment) {
        try {
            byte[] bytes = Files.readAllBytes(segment);
            List<Long> out = new java.util.ArrayList<>();
            int at = Journal.MAGIC.length;
            while (at < bytes.length) {
                Frames.Read r = Frames.read(bytes, at, bytes.length);
                if (!r.ok()) {
                    break;
                }
                out.add((long) at);
                at += Frames.HEADER + r.payload().length;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The records of a journal segment, decoded. */
    static List<JournalRecord> records(Path segment) {
        try {
            byte[] bytes = Files.readAllBytes(segment);
            List<JournalRecord> out = new java.util.ArrayList<>();
            for (long at : recordOffsets(segment)) {
                out.add(JournalRecord.decode(Frames.read(bytes, (int) at, bytes.length).payload()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
