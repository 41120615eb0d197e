package io.duratask.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies {@link FileOp}s to the files, without syncing them, and remembers what it touched: the written
 * files, and the directories in which entries were created or removed. A checkpoint syncs exactly those
 * ({@link #takeDirty()}), after which the journal records that made the changes may go.
 *
 * <p>Not thread-safe: only the current group-commit leader (or recovery, or close) uses it.
 */
final class Applier {
    private static final Set<StandardOpenOption> WRITE = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);

    private final Layout layout;
    private Set<Path> dirty = new HashSet<>();
    private final java.util.Map<Path, String> gaps = new java.util.HashMap<>();

    Applier(Layout layout) {
        this.layout = layout;
    }

    /**
     * Applies {@code ops} in order, except an operation whose file a later operation of the list replaces
     * or deletes: a {@code Put} followed by a {@code Put} of the same file, a {@code Put} or {@code Append}
     * followed by a {@code Delete} of it or a {@code DeleteTree} above it. Nothing reads the file in between,
     * so the end state is the same; and a message made and consumed between two flushes never costs a file
     * creation.
     */
    void apply(List<FileOp> ops) throws IOException {
        boolean[] skip = deletedLater(ops);
        for (int i = 0; i < ops.size(); i++) {
            if (!skip[i]) {
                apply(ops.get(i));
            }
        }
    }

    private static boolean[] deletedLater(List<FileOp> ops) {
        boolean[] skip = new boolean[ops.size()];
        java.util.Set<String> deleted = null;
        java.util.Set<String> replaced = new java.util.HashSet<>();
        java.util.List<String> deletedTrees = null;
        for (int i = ops.size() - 1; i >= 0; i--) {
            FileOp op = ops.get(i);
            switch (op) {
                case FileOp.Delete d -> {
                    if (deleted == null) {
                        deleted = new java.util.HashSet<>();
                    }
                    deleted.add(d.path());
                    replaced.remove(d.path());
                }
                case FileOp.DeleteTree t -> {
                    if (deletedTrees == null) {
                        deletedTrees = new java.util.ArrayList<>();
                    }
                    deletedTrees.add(t.path() + "/");
                }
                case FileOp.Put p -> {
                    skip[i] = !replaced.add(p.path()) || isDeleted(p.path(), deleted, deletedTrees);
                }
                case FileOp.Append a -> skip[i] = isDeleted(a.path(), deleted, deletedTrees);
            }
        }
        return skip;
    }

    private static boolean isDeleted(String path, java.util.Set<String> deleted, java.util.List<String> trees) {
        if (deleted != null && deleted.contains(path)) {
            return true;
        }
        if (trees != null) {
            for (String prefix : trees) {
                if (path.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    void apply(FileOp op) throws IOException {
        Io.uninterruptibly(() -> applyOnce(op));
    }

    private void applyOnce(FileOp op) throws IOException {
        Path path = layout.resolve(op.path());
        switch (op) {
            case FileOp.Put put -> put(path, put.bytes());
            case FileOp.Append append -> append(path, append.offset(), append.bytes());
            case FileOp.Delete delete -> delete(path);
            case FileOp.DeleteTree tree -> deleteTree(path);
        }
    }

    /**
     * History files that an append found shorter than the offset it writes at: bytes committed before were
     * lost. Only recovery can meet this (after damage to the files); the loader quarantines their instances
     * if the files are still there after the whole journal was redone.
     */
    java.util.Map<Path, String> gaps() {
        return gaps;
    }

    /** The files and directories to sync at the next checkpoint; a fresh set starts. */
    Set<Path> takeDirty() {
        Set<Path> taken = dirty;
        dirty = new HashSet<>();
        return taken;
    }

    /**
     * Overwrites in place and cuts the rest, rather than truncating first: on ext4, truncating a file to
     * zero and writing it again forces its data to disk at close ({@code auto_da_alloc}), which costs
     * milliseconds; the journal makes the in-place overwrite safe anyway.
     */
    private void put(Path path, byte[] bytes) throws IOException {
        try (FileChannel ch = openForWrite(path)) {
            Frames.writeFully(ch, ByteBuffer.wrap(bytes), 0);
            if (ch.size() > bytes.length) {
                ch.truncate(bytes.length);
            }
        }
        dirty.add(path);
        dirty.add(path.getParent());
    }

    private void append(Path path, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = openForWrite(path)) {
            long size = ch.size();
            if (size < offset) {
                gaps.put(path, "the file holds " + size + " bytes but a committed record appends at byte " + offset
                        + ": " + (offset - size) + " committed bytes are missing");
            }
            Frames.writeFully(ch, ByteBuffer.wrap(bytes), offset);
            long end = offset + bytes.length;
            if (ch.size() > end) {
                ch.truncate(end); // redone after a torn write, or replayed over later appends that follow
            }
        }
        dirty.add(path);
        dirty.add(path.getParent());
    }

    private FileChannel openForWrite(Path path) throws IOException {
        try {
            return FileChannel.open(path, WRITE);
        } catch (NoSuchFileException e) {
            createParents(path);
            return FileChannel.open(path, WRITE);
        }
    }

    private void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
        dirty.remove(path); // a file made and removed between two checkpoints needs no sync
        if (Files.isDirectory(path.getParent())) {
            dirty.add(path.getParent());
        }
    }

    private void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
        dirty.removeIf(p -> p.startsWith(dir));
        dirty.add(dir.getParent());
    }

    /** Creates the missing directories above {@code path}; each new one and its parent become dirty. */
    private void createParents(Path path) throws IOException {
        Path parent = path.getParent();
        Path missing = parent;
        while (missing != null && !Files.isDirectory(missing)) {
            missing = missing.getParent();
        }
        Files.createDirectories(parent);
        for (Path p = parent; p != null && !p.equals(missing); p = p.getParent()) {
            dirty.add(p);
            dirty.add(p.getParent());
        }
    }
}
