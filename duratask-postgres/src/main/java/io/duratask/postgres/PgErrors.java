package io.duratask.postgres;

import io.duratask.spi.ProviderException;
import java.sql.SQLException;
import java.sql.SQLTransientException;

/** Turns {@link SQLException}s into {@link ProviderException}s that name the operation and the database. */
final class PgErrors {
    private PgErrors() {}

    /**
     * True if trying again may succeed: the connection failed or was closed by the server (class 08, 57P0x:
     * a restart, {@code pg_terminate_backend}), the transaction lost a serialization or deadlock race (class
     * 40), the server is short of resources (class 53), a lock was not available (55P03), or the pool had no
     * connection in time.
     */
    static boolean isRetryable(SQLException e) {
        if (e instanceof SQLTransientException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null) {
            return e.getCause() instanceof java.io.IOException;
        }
        return state.startsWith("08") || state.startsWith("40") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("55P03");
    }

    /** True if the connection is gone (the outcome of a commit sent on it is unknown). */
    static boolean isConnectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    static ProviderException translate(String operation, String target, SQLException e) {
        String hint = isRetryable(e) ? " (retryable)" : "";
        return new ProviderException("PostgreSQL " + operation + " failed on " + target + ": " + e.getMessage() + hint,
                isRetryable(e), e);
    }
}
