package io.duratask.postgres.multinode;

import io.duratask.DurableRuntime;
import io.duratask.RuntimeOptions;
import io.duratask.postgres.PostgresOptions;
import io.duratask.postgres.PostgresProvider;
import java.io.IOException;
import java.time.Duration;

/**
 * One worker process of the multi-node tests: a runtime on the shared schema that runs until it is killed
 * or its standard input closes. Prints {@code READY <node id>} once running and {@code RAN <instance>
 * <scheduled id>} for every activity run.
 *
 * <p>Arguments: jdbc URL, user ("-" for none), schema, lease in milliseconds.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws IOException {
        String url = args[0];
        String user = args[1].equals("-") ? null : args[1];
        String schema = args[2];
        Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
        String password = System.getenv("DURATASK_PG_PASSWORD");
        PostgresProvider provider = PostgresProvider.open(PostgresOptions.builder(url).username(user).password(password)
                .schema(schema).build());
        RuntimeOptions options = RuntimeOptions.builder().lockTimeout(lease).idlePollInterval(Duration.ofMillis(200))
                .build();
        try (DurableRuntime runtime = DurableRuntime.start(provider,
                MixedWorkload.registry(ran -> System.out.println("RAN " + ran), Duration.ofMillis(15)), options)) {
            System.out.println("READY " + provider.nodeId());
            while (System.in.read() >= 0) {
                // runs until the test closes our input or kills us
            }
        }
    }
}
