package io.duratask.fs;

import io.duratask.spi.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a store: lock the directory, check (or write) its format, redo the journal, sync what that
 * changed, start a fresh journal segment, delete the old ones, load the instances.
 *
 * <p>Every step can be interrupted by a crash and simply run again: redoing a record is idempotent, and
 * the old segments are deleted only after the files they changed are synced.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {}

    static FsProvider open(Path root, FsOptions options, FsProvider.Factory factory) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new ProviderException("cannot create the store directory " + root + ": " + e, false, e);
        }
        if (!Files.isDirectory(root)) {
            throw new ProviderException("the store path " + root + " is not a directory", false);
        }
        DirectoryLock directoryLock = DirectoryLock.acquire(root);
        Journal journal = null;
        try {
            Layout layout = new Layout(root);
            checkFormat(root);
            boolean created = false;
            for (Path dir : List.of(layout.journalDir(), layout.instancesDir())) {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                    created = true;
                }
            }
            if (created) {
                Journal.syncDirectory(root);
            }

            long begin = System.nanoTime();
            JournalReader.Result read = JournalReader.read(layout.journalDir());
            Applier applier = new Applier(layout);
            List<FileOp> ops = new java.util.ArrayList<>();
            for (JournalRecord record : read.records()) {
                ops.addAll(record.ops());
            }
            applier.apply(ops); // in journal order, as one list: what a later record replaces is not written twice
            new Checkpointer(root, (what, e) -> { }).sync(applier.takeDirty());
            long lastSeq = read.records().isEmpty() ? 0 : read.records().getLast().seq();
            journal = Journal.start(layout.journalDir(), read.lastGeneration() + 1);
            Journal.delete(layout.journalDir(), read.segments());
            if (!read.records().isEmpty()) {
                log.info("recovered {}: redid {} journal record(s) in {} ms", root, read.records().size(),
                        (System.nanoTime() - begin) / 1_000_000);
            }

            FileCodec codec = new FileCodec();
            State state = Loader.load(layout, codec, options.verifyOnOpen(), applier.gaps(), options.clock().instant());
            if (read.tornTail() != null) {
                log.warn("{}", read.tornTail());
                state.problems.addFirst(read.tornTail());
            }
            return factory.create(root, options, codec, state, journal, applier, lastSeq + 1, directoryLock);
        } catch (IOException e) {
            abandon(journal, directoryLock);
            throw new ProviderException("cannot open the file-system store " + root + ": " + e, false, e);
        } catch (RuntimeException | Error e) {
            abandon(journal, directoryLock);
            throw e;
        }
    }

    private static void abandon(Journal journal, DirectoryLock directoryLock) {
        if (journal != null) {
            try {
                journal.close(false);
            } catch (IOException ignored) {
                // already failing
            }
        }
        directoryLock.close();
    }

    /** The store's {@code format} file must say {@link Layout#FORMAT}; an empty directory gets one. */
    private static void checkFormat(Path root) throws IOException {
        Path file = root.resolve(Layout.FORMAT_FILE);
        if (Files.exists(file)) {
            String format = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!format.equals(Layout.FORMAT)) {
                throw new ProviderException("the store " + root + " has format '" + abbreviate(format)
                        + "', but this version of Duratask reads '" + Layout.FORMAT + "'", false);
            }
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                if (!p.getFileName().toString().equals(Layout.LOCK_FILE)) {
                    throw new ProviderException(root + " is not empty and holds no Duratask file-system store (it has"
                            + " no '" + Layout.FORMAT_FILE + "' file); open an empty or new directory", false);
                }
            }
        }
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap((Layout.FORMAT + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Journal.syncDirectory(root);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
