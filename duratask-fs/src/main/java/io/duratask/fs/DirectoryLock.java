package io.duratask.fs;

import io.duratask.spi.ProviderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock on a store's directory: {@link FileChannel#tryLock()} on {@code root/lock}, held while
 * a provider has the store open. Locks and leases live in the provider's memory, so two providers on one
 * directory would hand the same work out twice; the lock makes the second one fail at open, with an error
 * that says who holds it. The file holds the process id of the holder, for that message. The operating
 * system releases the lock when the process ends, however it ends.
 *
 * <p>Within one process the stores held are also tracked in {@link #HELD}, checked before the lock file is
 * even opened: on POSIX systems closing <em>any</em> descriptor of a file drops the process's locks on it,
 * so a second provider must not open and close the lock file while the first holds it. File locks belong to
 * the process, so this one piece of static state mirrors a process-wide resource.
 */
final class DirectoryLock implements AutoCloseable {
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    static DirectoryLock acquire(Path root) {
        Path key;
        try {
            key = root.toRealPath();
        } catch (IOException e) {
            throw new ProviderException("cannot resolve the store directory " + root + ": " + e, false, e);
        }
        if (!HELD.add(key)) {
            throw new ProviderException("the file-system store " + root + " is already open by another FsProvider in"
                    + " this process; only one FsProvider may use a directory at a time (close the other one first,"
                    + " or share it)", false);
        }
        try {
            return lock(root, key);
        } catch (RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static DirectoryLock lock(Path root, Path key) {
        Path file = root.resolve(Layout.LOCK_FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ProviderException("cannot open the lock file " + file + ": " + e, false, e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new ProviderException("the file-system store " + root + " is already locked in this process"
                    + " (through another path to the same directory?); only one FsProvider may use a directory at a"
                    + " time", false);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ProviderException("cannot lock " + file + ": " + e, false, e);
        }
        if (lock == null) {
            String holder = holder(file);
            closeQuietly(ch);
            throw new ProviderException("the file-system store " + root + " is in use by another process" + holder
                    + ", which holds the lock on " + file + "; only one process may open a file-system store at a time",
                    false);
        }
        try {
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            ch.truncate(0);
            Frames.writeFully(ch, ByteBuffer.wrap(pid), 0);
        } catch (IOException e) {
            // the pid is for error messages only; but an interrupt closes the channel, and the lock with it
        }
        if (!lock.isValid()) {
            closeQuietly(ch);
            throw new ProviderException("the lock on " + file + " was lost while opening the store (the thread was"
                    + " interrupted); open it again", true);
        }
        return new DirectoryLock(key, ch, lock);
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,19}") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD.remove(key);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
