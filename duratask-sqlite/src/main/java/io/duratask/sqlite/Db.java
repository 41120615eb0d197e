package io.duratask.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * One JDBC connection to the database file with a cache of prepared statements. Not thread-safe: the
 * writer owns one, and each read connection is used by one caller at a time.
 *
 * <p>The connection stays in JDBC auto-commit mode; transactions are opened and closed with explicit
 * {@code BEGIN IMMEDIATE} / {@code COMMIT} statements (the driver's own transaction handling would
 * re-open a transaction right after every commit and so hold the file's write lock).
 */
final class Db implements AutoCloseable {
    private final Connection connection;
    private final Path file;
    private final Clock clock;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Db(Connection connection, Path file, Clock clock) {
        this.connection = connection;
        this.file = file;
        this.clock = clock;
    }

    Path file() {
        return file;
    }

    /** Now, in epoch milliseconds, from the provider's clock. */
    long now() {
        return clock.millis();
    }

    /** The cached prepared statement for {@code sql}; its parameters must all be set before use. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Runs a statement without parameters (transaction control, pragmas). */
    void exec(String sql) throws SQLException {
        prepare(sql).execute();
    }

    /** Runs a statement once without caching it (schema changes). */
    void runOnce(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs a statement with parameters and returns the number of changed rows. */
    int update(String sql, Object... params) throws SQLException {
        PreparedStatement ps = bind(sql, params);
        return ps.executeUpdate();
    }

    /** A single long from the first column of the first row, or {@code ifNone} when there is no row. */
    long queryLong(String sql, long ifNone, Object... params) throws SQLException {
        PreparedStatement ps = bind(sql, params);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : ifNone;
        }
    }

    /** A single string from the first column of the first row, or null when there is no row. */
    String queryString(String sql, Object... params) throws SQLException {
        PreparedStatement ps = bind(sql, params);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The first column of every row, as strings. */
    List<String> queryStrings(String sql, Object... params) throws SQLException {
        PreparedStatement ps = bind(sql, params);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The cached statement for {@code sql} with {@code params} bound in order. */
    PreparedStatement bind(String sql, Object... params) throws SQLException {
        PreparedStatement ps = prepare(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    @Override
    public void close() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        statements.clear();
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to do with a connection that fails to close
        }
    }
}
