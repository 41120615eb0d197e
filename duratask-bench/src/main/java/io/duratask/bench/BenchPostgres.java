package io.duratask.bench;

import io.duratask.postgres.PostgresOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server of a benchmark run: the one named by {@code DURATASK_PG_URL} (with
 * {@code DURATASK_PG_USER} / {@code DURATASK_PG_PASSWORD}), or an embedded server started on first use,
 * with fsync and synchronous commit on (PostgreSQL's defaults; the embedded server's own defaults turn
 * them off). Every run gets a schema of its own.
 */
final class BenchPostgres {
    private static final AtomicInteger runs = new AtomicInteger();
    private static EmbeddedPostgres embedded;
    private static String url;
    private static String user;
    private static String password;
    private static boolean statements;

    private BenchPostgres() {}

    /**
     * Loads {@code pg_stat_statements} into the embedded server (before it starts), so that
     * {@link #printStatements} can show where the server's time goes. Not for an external server.
     */
    static synchronized void collectStatements() {
        statements = true;
    }

    static synchronized PostgresOptions.Builder options() {
        if (url == null) {
            String external = System.getenv("DURATASK_PG_URL");
            if (external != null && !external.isBlank()) {
                url = external;
                user = System.getenv("DURATASK_PG_USER");
                password = System.getenv("DURATASK_PG_PASSWORD");
            } else {
                try {
                    // the embedded server turns fsync and synchronous commit off by default: measure the real thing
                    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                            .setServerConfig("listen_addresses", "127.0.0.1")
                            .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                            .setServerConfig("max_connections", "200");
                    if (statements) {
                        builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                                .setServerConfig("pg_stat_statements.track", "all");
                    }
                    embedded = builder.start();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
                }
                url = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres";
                user = "postgres";
            }
        }
        return PostgresOptions.builder(url).username(user).password(password)
                .schema("bench_" + ProcessHandle.current().pid() + "_" + runs.incrementAndGet());
    }

    /**
     * The server of this run in the variables a worker process reads ({@code DURATASK_PG_URL}, {@code _USER},
     * {@code _PASSWORD}); starts the embedded server if needed.
     */
    static synchronized java.util.Map<String, String> environment() {
        options();
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put("DURATASK_PG_URL", url);
        if (user != null) {
            env.put("DURATASK_PG_USER", user);
        }
        if (password != null) {
            env.put("DURATASK_PG_PASSWORD", password);
        }
        return env;
    }

    /** Empties the statement statistics (call before a measured run). */
    static synchronized void resetStatements() throws java.sql.SQLException {
        if (!statements || embedded == null) {
            return;
        }
        try (java.sql.Connection c = embedded.getPostgresDatabase().getConnection();
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            st.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /**
     * Prints the statements of the embedded server since the last {@link #resetStatements}, most time first:
     * calls and execution time per activity of the run ({@code activities}), and the statement text.
     */
    static synchronized void printStatements(long activities) throws java.sql.SQLException {
        if (!statements || embedded == null) {
            return;
        }
        try (java.sql.Connection c = embedded.getPostgresDatabase().getConnection();
             java.sql.PreparedStatement st = c.prepareStatement("""
                     SELECT calls, total_exec_time, total_plan_time, rows, query FROM pg_stat_statements
                     WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 25""");
             java.sql.ResultSet rs = st.executeQuery()) {
            System.out.printf("  statements per activity (%d activities): calls, exec µs, plan µs, rows, query%n",
                    activities);
            double calls = 0;
            double micros = 0;
            while (rs.next()) {
                double perCall = rs.getLong(1) / (double) activities;
                double exec = rs.getDouble(2) * 1000 / activities;
                calls += perCall;
                micros += exec;
                System.out.printf("  %6.2f %8.1f %6.1f %7.2f  %s%n", perCall, exec, rs.getDouble(3) * 1000 / activities,
                        rs.getLong(4) / (double) activities, rs.getString(5).replaceAll("\\s+", " "));
            }
            System.out.printf("  total of these: %.2f statements, %.1f µs of execution per activity%n", calls, micros);
        }
    }

    static synchronized void stop() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
            embedded = null;
        }
    }
}
