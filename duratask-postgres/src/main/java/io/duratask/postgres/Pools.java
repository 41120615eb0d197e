package io.duratask.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.duratask.spi.ProviderException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The provider's connections: a pool for queue operations and reads, whose transactions commit with
 * {@code synchronous_commit = off} (they only move locks and visibility times, or are activity completions;
 * see {@link PostgresOptions#syncActivityCompletions()}), a small pool for the group-commit transactions,
 * which commit synchronously, and single connections opened on demand (schema migration, LISTEN).
 */
final class Pools implements AutoCloseable {
    /**
     * The planner settings of the pooled connections. Generic plans: planning one of the provider's
     * data-modifying CTEs costs more than running it, and custom plans re-plan at every execution of a
     * prepared statement. No sequential scans: every statement of the provider finds its rows through a key or
     * an index, but a generic plan is made once per connection, possibly while the tables are nearly empty
     * (when scanning a table looks cheapest), and queue tables grow and shrink by the second; without this such
     * a plan would go on scanning a grown table until the statistics change.
     */
    static final String PLAN_SETTINGS = "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off";

    private final PostgresOptions options;
    private final String target;
    private final HikariDataSource queue;
    private final HikariDataSource commits;

    Pools(PostgresOptions options, String nodeId) {
        this.options = options;
        this.target = options.describeTarget() + ", schema " + options.schema();
        this.queue = pool(options, "duratask-queue-" + nodeId, options.maxPoolSize(), true);
        this.commits = pool(options, "duratask-commit-" + nodeId, options.commitConnections(), false);
    }

    /** {@code host:port/database as user 'x', schema s}: what error messages name. */
    String target() {
        return target;
    }

    /** A pooled connection for one queue operation or read, in auto-commit mode. */
    Connection queueConnection() throws SQLException {
        return queue.getConnection();
    }

    /** A pooled connection for one group-commit transaction, auto-commit off. */
    Connection commitConnection() throws SQLException {
        return commits.getConnection();
    }

    /**
     * A connection outside the pools (migration at start, the notification listener). Fails fast with the
     * driver's own reason (wrong password, unknown host, refused connection), which the pools would retry
     * until their timeout.
     */
    Connection openDirect() throws SQLException {
        return DriverManager.getConnection(options.jdbcUrl(), driverProperties(options, true));
    }

    /** Connects once and turns a failure into an error that names host, port, database and user. */
    Connection openDirectOrExplain() {
        try {
            return openDirect();
        } catch (SQLException e) {
            throw new ProviderException("cannot connect to PostgreSQL at " + options.describeTarget() + ": "
                    + e.getMessage(), PgErrors.isRetryable(e), e);
        }
    }

    @Override
    public void close() {
        queue.close();
        commits.close();
    }

    private static HikariDataSource pool(PostgresOptions options, String name, int size, boolean lockOnly) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(options.jdbcUrl());
        config.setDataSourceProperties(driverProperties(options, false));
        if (options.username() != null) {
            config.setUsername(options.username());
        }
        if (options.password() != null) {
            config.setPassword(options.password());
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 2));
        config.setConnectionTimeout(options.connectTimeout().toMillis());
        config.setInitializationFailTimeout(-1); // the provider connects once itself first, for a clear error
        config.setAutoCommit(lockOnly);
        config.setRegisterMbeans(false);
        config.setConnectionInitSql((lockOnly ? "SET synchronous_commit = off; " : "") + PLAN_SETTINGS);
        return new HikariDataSource(config);
    }

    private static Properties driverProperties(PostgresOptions options, boolean withCredentials) {
        Properties p = new Properties();
        if (withCredentials && options.username() != null) {
            p.setProperty("user", options.username());
        }
        if (withCredentials && options.password() != null) {
            p.setProperty("password", options.password());
        }
        p.setProperty("ApplicationName", options.applicationName());
        p.setProperty("connectTimeout", Long.toString(Math.max(1, options.connectTimeout().toSeconds())));
        p.setProperty("loginTimeout", Long.toString(Math.max(1, options.connectTimeout().toSeconds())));
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }
}
