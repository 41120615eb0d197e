package io.duratask.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs, on its own thread, the files and directories that records of closed journal segments changed,
 * then deletes those segments. Until it has, the segments stay: a crash before the sync is recovered by
 * redoing them. One checkpoint runs at a time; a failure stops the provider (the journal then still holds
 * everything).
 */
final class Checkpointer {
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);
    /** How many fsyncs run at once. */
    static final int PARALLEL_SYNCS = 32;

    private final Path root;
    private final Path journalDir;
    private final BiConsumer<String, Throwable> onFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final AtomicLong completed = new AtomicLong();
    private boolean running; // guarded by lock

    Checkpointer(Path root, BiConsumer<String, Throwable> onFailure) {
        this.root = root;
        this.journalDir = root.resolve(Layout.JOURNAL_DIR);
        this.onFailure = onFailure;
    }

    boolean busy() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    long completed() {
        return completed.get();
    }

    /** Starts syncing {@code dirty} and then deleting {@code segments}. The caller checked {@link #busy()}. */
    void start(Set<Path> dirty, List<Path> segments) {
        lock.lock();
        try {
            running = true;
            Thread.ofPlatform().daemon().name("duratask-fs-checkpoint").start(() -> run(dirty, segments));
        } finally {
            lock.unlock();
        }
    }

    private void run(Set<Path> dirty, List<Path> segments) {
        long begin = System.nanoTime();
        try {
            sync(dirty);
            Journal.delete(journalDir, segments);
            completed.incrementAndGet();
            log.debug("checkpoint of {}: synced {} paths in {} ms, deleted {}", root, dirty.size(),
                    (System.nanoTime() - begin) / 1_000_000, segments);
        } catch (IOException | RuntimeException e) {
            onFailure.accept("a checkpoint failed to sync the instance files (the journal keeps them)", e);
        } finally {
            lock.lock();
            try {
                running = false;
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Syncs files first, then directories (a directory entry for a file is only useful once the file is
     * whole), each group {@value #PARALLEL_SYNCS} at a time: concurrent fsyncs share the file system's
     * journal commits, which on ext4 makes syncing many small files about ten times faster than one by one.
     */
    void sync(Set<Path> dirty) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (Path p : dirty) {
            (Files.isDirectory(p) ? dirs : files).add(p);
        }
        syncAll(files, false);
        syncAll(dirs, true);
    }

    private static void syncAll(List<Path> paths, boolean directories) throws IOException {
        if (paths.size() <= 1) {
            for (Path p : paths) {
                syncOne(p, directories);
            }
            return;
        }
        Semaphore slots = new Semaphore(PARALLEL_SYNCS);
        AtomicReference<IOException> failure = new AtomicReference<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Path p : paths) {
                slots.acquireUninterruptibly();
                if (failure.get() != null) {
                    slots.release();
                    break;
                }
                executor.execute(() -> {
                    try {
                        syncOne(p, directories);
                    } catch (IOException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void syncOne(Path p, boolean directory) throws IOException {
        if (directory) {
            Journal.syncDirectory(p);
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(false);
        } catch (NoSuchFileException e) {
            // deleted since: its directory is synced instead
        }
    }

    /** Waits until no checkpoint runs. */
    void awaitIdle() {
        lock.lock();
        try {
            boolean interrupted = false;
            while (running) {
                try {
                    idle.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    void shutdown() {
        awaitIdle();
    }
}
