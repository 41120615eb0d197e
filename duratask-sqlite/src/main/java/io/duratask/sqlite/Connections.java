package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/** Opens and configures connections to one database file. */
final class Connections {
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
            String mode = db.queryString("PRAGMA journal_mode=WAL");
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
