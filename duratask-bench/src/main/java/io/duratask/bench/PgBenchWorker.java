package io.duratask.bench;

import io.duratask.DurableRuntime;
import io.duratask.RuntimeOptions;
import io.duratask.postgres.PostgresOptions;
import io.duratask.postgres.PostgresProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * An extra worker process of the PostgreSQL benchmark ({@code --pg-workers=N} starts N-1 of them next to the
 * harness's own runtime): it runs the benchmark's orchestrations and activities on the schema the harness
 * names, until told otherwise. The server comes from {@code DURATASK_PG_URL}, {@code DURATASK_PG_USER} and
 * {@code DURATASK_PG_PASSWORD} (the harness passes its own in the environment, never on the command line).
 *
 * <p>Commands on standard input, one a line: {@code OPEN <schema>} opens a provider and a runtime on that
 * schema and answers {@code READY <schema>}; {@code CLOSE} closes them and answers {@code CLOSED}. The
 * process exits when its input closes (or when the harness kills it). The JVM stays up across runs, so its
 * JIT stays warm like the harness's own.
 */
public final class PgBenchWorker {
    private PgBenchWorker() {}

    public static void main(String[] args) throws IOException {
        String url = System.getenv("DURATASK_PG_URL");
        if (url == null || url.isBlank()) {
            System.err.println("PgBenchWorker: DURATASK_PG_URL is not set");
            System.exit(2);
        }
        String user = System.getenv("DURATASK_PG_USER");
        String password = System.getenv("DURATASK_PG_PASSWORD");
        RuntimeOptions options = RuntimeOptions.builder().eagerDispatch(Boolean.parseBoolean(
                System.getProperty("duratask.bench.eager", "true"))).build();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        DurableRuntime runtime = null;
        try {
            for (String line; (line = in.readLine()) != null; ) {
                String[] command = line.trim().split(" ", 2);
                switch (command[0]) {
                    case "OPEN" -> {
                        if (runtime != null) {
                            runtime.close();
                        }
                        PostgresProvider provider = PostgresProvider.open(PostgresOptions.builder(url).username(user)
                                .password(password).schema(command[1]).build());
                        runtime = DurableRuntime.start(provider, Workloads.registry(), options);
                        System.out.println("READY " + command[1]);
                    }
                    case "CLOSE" -> {
                        if (runtime != null) {
                            runtime.close();
                            runtime = null;
                        }
                        System.out.println("CLOSED");
                    }
                    case "" -> { }
                    default -> System.err.println("PgBenchWorker: unknown command '" + line + "'");
                }
                System.out.flush();
            }
        } finally {
            if (runtime != null) {
                runtime.close();
            }
        }
    }
}
