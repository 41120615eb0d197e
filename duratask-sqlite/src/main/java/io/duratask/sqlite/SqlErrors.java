package io.duratask.sqlite;

import io.duratask.spi.ProviderException;
import java.nio.file.Path;
import java.sql.SQLException;

/** Turns {@link SQLException}s into {@link ProviderException}s that name the operation and the file. */
final class SqlErrors {
    static final int SQLITE_BUSY = 5;
    static final int SQLITE_LOCKED = 6;
    static final int SQLITE_CORRUPT = 11;
    static final int SQLITE_NOTADB = 26;

    private SqlErrors() {}

    /** The primary SQLite result code of {@code e} (extended codes reduced to their primary code). */
    static int primaryCode(SQLException e) {
        return e.getErrorCode() & 0xff;
    }

    /** True if trying again may succeed: the database was busy or locked by another connection. */
    static boolean isRetryable(SQLException e) {
        int code = primaryCode(e);
        return code == SQLITE_BUSY || code == SQLITE_LOCKED;
    }

    /** True if the file is not a SQLite database or is damaged. */
    static boolean isCorrupt(SQLException e) {
        int code = primaryCode(e);
        return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
    }

    static ProviderException translate(String operation, Path file, SQLException e) {
        String hint = isRetryable(e) ? " (the database is busy; retry)"
                : isCorrupt(e) ? " (the file is not a SQLite database or is corrupt)" : "";
        return new ProviderException("SQLite " + operation + " failed on " + file + ": " + e.getMessage() + hint,
                isRetryable(e), e);
    }
}
