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

    private BenchPostgres() {}

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
                    embedded = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                            .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                            .setServerConfig("max_connections", "200").start();
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
