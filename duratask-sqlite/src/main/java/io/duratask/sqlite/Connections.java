package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/** Opens and configures connections to one database file. */
final class Connections {
    /**
     * How much of the write-ahead log is written out (with zeros) when the writer opens, about a thousand
     * frames of 4 KiB. See {@link #allocateLog}.
     */
    static final long LOG_ALLOCATION = 4L << 20;

    private final Path file;
    private final SqliteOptions options;

    Connections(Path file, SqliteOptions options) {
        this.file = file;
        this.options = options;
    }

    /** Creates the parent directories and checks that the path can name a database file. */
    static Path prepareFile(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (absolute.toString().indexOf('?') >= 0) {
            throw new IllegalArgumentException("a SQLite database path must not contain '?': " + absolute);
        }
        if (Files.isDirectory(absolute)) {
            throw new ProviderException("cannot open the database file " + absolute + ": it is a directory", false);
        }
        try {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new ProviderException("cannot create the directory of the database file " + absolute + ": " + e, false, e);
        }
        return absolute;
    }

    /**
     * The writer's connection: switches the file to WAL mode, migrates the schema, and turns off automatic
     * checkpoints (they would run inside a commit; a {@link Checkpointer} runs them in the background).
     */
    Db openWriter() {
        Db db = open();
        try {
            String mode = switchToWal(db);
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new ProviderException("cannot switch the database file " + file + " to WAL mode (journal mode is "
                        + mode + "); is it on a file system without shared memory support?", false);
            }
            if (options.verifyOnOpen()) {
                String result = db.queryString("PRAGMA quick_check");
                if (!"ok".equalsIgnoreCase(result)) {
                    throw new ProviderException("the database file " + file + " is corrupt: " + result, false);
                }
            }
            db.exec("PRAGMA wal_autocheckpoint=0");
            db.exec("PRAGMA journal_size_limit=67108864"); // 64 MiB: truncate a grown log after a checkpoint
            db.exec("PRAGMA temp_store=MEMORY");
            db.exec("PRAGMA cache_size=-65536"); // KiB: 64 MiB of pages, so the writer rarely reads from the OS
            db.exec(synchronousPragma(options.synchronous()));
            Schema.migrate(db);
            allocateLog(db);
            return db;
        } catch (SQLException e) {
            db.close();
            throw openFailure(e);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Switches the file to WAL mode (a no-op once it is), trying again while another connection holds a lock
     * that makes SQLite refuse at once: when providers open a new file together, one of them may be reading
     * the file's header as it was before another switched it, and SQLite does not wait (its busy handler
     * does not run when a read turns into a write) but fails with {@code SQLITE_BUSY}.
     */
    private String switchToWal(Db db) throws SQLException {
        long deadline = System.nanoTime() + options.busyTimeout().toNanos();
        while (true) {
            try {
                return db.queryString("PRAGMA journal_mode=WAL");
            } catch (SQLException e) {
                if (!SqlErrors.isRetryable(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The write-ahead log next to {@code databaseFile}. */
    static Path logFile(Path databaseFile) {
        return Path.of(databaseFile + "-wal");
    }

    /**
     * Writes the write-ahead log out to {@link #LOG_ALLOCATION} bytes (zeros past its end) and syncs it,
     * under the write lock so that no writer, in this process or another, appends meanwhile.
     *
     * <p>A commit that grows the log file costs the file system a journal commit on top of the data flush
     * (block allocation and the new size), which on the disks measured doubles its fsync: 0.38 against
     * 0.18 ms for 28 KiB. A fresh log grows with every commit until the first checkpoint lets it start over
     * from its beginning; written out beforehand, the first commits overwrite blocks too. PostgreSQL fills
     * its WAL segments with zeros for the same reason. SQLite reads the log only up to the first frame whose
     * checksum does not follow from the header and the frames before it, so zeros (like the stale frames
     * it leaves itself when the log starts over) are never taken for data; a zeroed header reads as an
     * empty log. The log is truncated back to {@code journal_size_limit} only above it (64 MiB), and
     * deleted when the last connection closes.
     */
    private void allocateLog(Db db) throws SQLException {
        db.exec("BEGIN IMMEDIATE"); // opens the log (creating it if needed) and holds the write lock
        try {
            Path log = logFile(file);
            try (FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long size = channel.size();
                if (size >= LOG_ALLOCATION) {
                    return;
                }
                ByteBuffer zeros = ByteBuffer.allocate(256 << 10);
                for (long at = size; at < LOG_ALLOCATION; at += zeros.capacity()) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), LOG_ALLOCATION - at));
                    while (zeros.hasRemaining()) {
                        channel.write(zeros, at + zeros.position());
                    }
                }
                channel.force(true);
            } catch (IOException e) {
                throw new ProviderException("cannot write out the write-ahead log " + log + ": " + e, false, e);
            }
        } finally {
            db.exec("ROLLBACK");
        }
    }

    /**
     * A connection for reads. Its synchronous level matters only if it is the last connection to close
     * (SQLite then checkpoints the log), so it gets the durable level.
     */
    Db openReader() {
        Db db = open();
        try {
            db.exec("PRAGMA query_only=1");
            db.exec(synchronousPragma(options.synchronous()));
            return db;
        } catch (SQLException e) {
            db.close();
            throw openFailure(e);
        }
    }

    /**
     * The background checkpointer's connection ({@link Checkpointer}): at the durable level, because a
     * checkpoint syncs the log before copying it and the database file after, as that level says.
     */
    Db openCheckpointer() {
        Db db = open();
        try {
            db.exec(synchronousPragma(options.synchronous()));
            return db;
        } catch (SQLException e) {
            db.close();
            throw openFailure(e);
        }
    }

    static String synchronousPragma(SqliteOptions.Synchronous level) {
        return switch (level) {
            case FULL -> "PRAGMA synchronous=FULL";
            case NORMAL -> "PRAGMA synchronous=NORMAL";
        };
    }

    private Db open() {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        try {
            SQLiteConnection connection = (SQLiteConnection) config.createConnection("jdbc:sqlite:" + file);
            // otherwise the driver runs "SELECT last_insert_rowid()" as a new statement after every INSERT
            connection.getConnectionConfig().setGetGeneratedKeys(false);
            return new Db(connection, file, options.clock());
        } catch (SQLException e) {
            throw openFailure(e);
        }
    }

    private ProviderException openFailure(SQLException e) {
        String why = SqlErrors.isCorrupt(e) ? "it is not a SQLite database or it is corrupt"
                : SqlErrors.isRetryable(e) ? "it is locked by another connection; retry" : "SQLite error";
        return new ProviderException("cannot open the Duratask database file " + file + ": " + why
                + " (" + e.getMessage() + ")", SqlErrors.isRetryable(e), e);
    }
}
