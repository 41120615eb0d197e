package io.duratask.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The commit journal: segment files {@code journal/<generation>.journal}, each an 8-byte header
 * ({@code DTFSJNL1}) followed by {@link JournalRecord}s in {@link Frames}. Records are only ever appended
 * to the newest segment; a checkpoint closes it and starts the next (see {@link #rotate()}), and the old
 * segments are deleted once every file their records changed is synced.
 *
 * <p><b>Preallocation.</b> A segment is extended with zeros {@value #CHUNK} bytes at a time, ahead of the
 * records, so that most syncs only flush data and not a changed file size (a measurable share of an fsync on
 * ext4). A reader treats an all-zero rest of a segment as its end.
 *
 * <p>Not thread-safe: the group-commit leader appends and rotates, one at a time.
 */
final class Journal implements AutoCloseable {
    static final byte[] MAGIC = "DTFSJNL1".getBytes(StandardCharsets.US_ASCII);
    static final String SUFFIX = ".journal";
    /** Bytes of zeros a segment is extended by when records reach its end. */
    static final int CHUNK = 512 << 10;
    private static final byte[] ZEROS = new byte[64 << 10];

    private final Path dir;
    private long generation;
    private Path segment;
    private FileChannel channel;
    private long size;
    private long allocated;
    private boolean unsynced;

    private Journal(Path dir) {
        this.dir = dir;
    }

    /** Starts segment {@code generation} (which must not exist) in {@code dir}, synced with its directory entry. */
    static Journal start(Path dir, long generation) throws IOException {
        Journal journal = new Journal(dir);
        journal.open(generation);
        return journal;
    }

    private void open(long gen) throws IOException {
        Path path = segmentPath(dir, gen);
        if (Files.exists(path)) {
            throw new java.nio.file.FileAlreadyExistsException(path.toString(), null, "journal segment exists already");
        }
        FileChannel ch = Io.uninterruptibly(() -> {
            FileChannel c = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                Frames.writeFully(c, ByteBuffer.wrap(MAGIC), 0);
                zeroFill(c, MAGIC.length, CHUNK);
                c.force(true);
                return c;
            } catch (IOException e) {
                c.close();
                throw e;
            }
        });
        try {
            syncDirectory(dir);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        this.generation = gen;
        this.segment = path;
        this.channel = ch;
        this.size = MAGIC.length;
        this.allocated = CHUNK;
        this.unsynced = false;
    }

    /** The segment's channel, opened again if an interrupt closed it. */
    private FileChannel channel() throws IOException {
        if (!channel.isOpen()) {
            channel = FileChannel.open(segment, StandardOpenOption.WRITE);
        }
        return channel;
    }

    private static void zeroFill(FileChannel ch, long from, long to) throws IOException {
        for (long at = from; at < to; ) {
            int n = (int) Math.min(ZEROS.length, to - at);
            Frames.writeFully(ch, ByteBuffer.wrap(ZEROS, 0, n), at);
            at += n;
        }
    }

    /** Writes {@code frames} (one or more whole frames) at the end of the current segment. Not synced. */
    void append(byte[] frames) throws IOException {
        long end = size + frames.length;
        if (end > allocated) {
            long target = (end / CHUNK + 1) * CHUNK;
            long from = Math.max(allocated, end);
            Io.uninterruptibly(() -> zeroFill(channel(), from, target));
            allocated = target;
        }
        long at = size;
        Io.uninterruptibly(() -> Frames.writeFully(channel(), ByteBuffer.wrap(frames), at));
        size += frames.length;
        unsynced = true;
    }

    /** Makes everything appended so far durable. */
    void sync() throws IOException {
        if (unsynced) {
            Io.uninterruptibly(() -> channel().force(false));
            unsynced = false;
        }
    }

    /** Bytes of records in the current segment, header included (the zeros after them not). */
    long size() {
        return size;
    }

    /** True if the current segment holds no record. */
    boolean isEmpty() {
        return size == MAGIC.length;
    }

    long generation() {
        return generation;
    }

    Path segment() {
        return segment;
    }

    /**
     * Syncs and closes the current segment and starts the next one. Returns the closed segment: it may be
     * deleted once the files its records changed are synced.
     */
    Path rotate() throws IOException {
        sync();
        Path closed = segment;
        channel.close();
        open(generation + 1);
        return closed;
    }

    /** Closes the current segment (syncing it first unless {@code sync} is false). */
    void close(boolean sync) throws IOException {
        try {
            if (sync) {
                sync();
            }
        } finally {
            channel.close();
        }
    }

    @Override
    public void close() throws IOException {
        close(true);
    }

    // ---- segments on disk ----------------------------------------------------------------------------------

    static Path segmentPath(Path dir, long generation) {
        return dir.resolve(String.format("%016d%s", generation, SUFFIX));
    }

    /** The generation of a segment file name, or -1 if it is not one. */
    static long generationOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 16 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 16));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The segment files in {@code dir}, oldest first. */
    static List<Path> segments(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (generationOf(f) > 0) {
                    out.add(f);
                }
            }
        }
        out.sort(Comparator.comparingLong(Journal::generationOf));
        return out;
    }

    /** Deletes segments and syncs the directory so the deletions last. */
    static void delete(Path dir, List<Path> segments) throws IOException {
        if (segments.isEmpty()) {
            return;
        }
        for (Path s : segments) {
            Files.deleteIfExists(s);
        }
        syncDirectory(dir);
    }

    /**
     * Syncs a directory, so that entries created or removed in it survive a power loss. Some platforms
     * (Windows) cannot open a directory; there the operating system gives no such guarantee to sync for.
     */
    static void syncDirectory(Path dir) throws IOException {
        Io.uninterruptibly(() -> syncDirectoryOnce(dir));
    }

    private static void syncDirectoryOnce(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (java.nio.channels.ClosedByInterruptException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        try (ch) {
            ch.force(true);
        } catch (IOException e) {
            if (Files.isDirectory(dir) && System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }
}
