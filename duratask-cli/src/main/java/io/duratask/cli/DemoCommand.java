package io.duratask.cli;

import io.duratask.DurableRuntime;
import io.duratask.DurataskException;
import io.duratask.client.DurableClient;
import io.duratask.client.OrchestrationStatus;
import io.duratask.history.HistoryEvent.EventSubscribed;
import io.duratask.samples.OrderProcessing;
import io.duratask.spi.Provider;
import io.duratask.sqlite.SqliteProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duratask demo}: runs every sample on a SQLite store, prints each instance's history as it
 * grows and the final outcomes, then exits.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs every sample on a SQLite store and prints their histories as they grow.",
                "The store is DIR/demo.db. The samples: a hello chain, three orders (approved; expired;",
                "payment declined and compensated), a fan-out/fan-in word count and an eternal monitor.",
                "Takes about two seconds and exits; each run adds new instances to the store."})
final class DemoCommand implements Callable<Integer> {
    static final String DB_FILE = "demo.db";
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "duratask-data",
            description = "Directory of the demo store, relative to the current directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--fresh", description = "Delete the demo store first (earlier runs' instances are kept otherwise).")
    boolean fresh;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path db = prepareStore();
        DemoApp app = new DemoApp();
        out.println("Duratask demo: store " + db);
        try (DurableRuntime runtime = DurableRuntime.start(openStore(db), app.registry())) {
            DurableClient client = runtime.client();
            String suffix = uniqueSuffix(client);
            Instant origin = Instant.now();
            List<DemoApp.Instance> instances = app.start(client, suffix);
            describe(out, instances);

            ProgressPrinter progress = new ProgressPrinter(client, out, origin, instances.stream().map(DemoApp.Instance::id).toList());
            List<DemoApp.Instance> awaitingApproval = new ArrayList<>(instances.stream().filter(DemoApp.Instance::needsApproval).toList());
            boolean ended = false;
            while (!ended && Duration.between(origin, Instant.now()).compareTo(GIVE_UP) < 0) {
                ended = progress.poll();
                if (Duration.between(origin, Instant.now()).compareTo(DemoApp.APPROVE_AFTER) >= 0) {
                    awaitingApproval.removeIf(i -> approveIfWaiting(client, progress, i.id()));
                }
                if (!ended) {
                    Thread.sleep(POLL);
                }
            }
            summarize(out, instances, progress.statuses(), app);
            out.println();
            out.println("Look again with:  duratask instances --db " + db);
            out.println("                  duratask history --db " + db + " " + DemoApp.DECLINED + suffix);
            if (!ended) {
                spec.commandLine().getErr().println("demo: not every instance ended within " + GIVE_UP.toSeconds() + "s");
                return 1;
            }
            return 0;
        }
    }

    /** Raises the approval once the order waits for it (so the output shows the wait); true if it did. */
    private static boolean approveIfWaiting(DurableClient client, ProgressPrinter progress, String id) {
        if (client.getHistory(id).stream().noneMatch(EventSubscribed.class::isInstance)) {
            return false;
        }
        client.raiseEvent(id, OrderProcessing.APPROVED, true);
        progress.note(id, ">> raiseEvent", OrderProcessing.APPROVED + " = true");
        return true;
    }

    private Path prepareStore() {
        Path db = dataDir.resolve(DB_FILE);
        try {
            Files.createDirectories(dataDir);
            if (fresh) {
                for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                    Files.deleteIfExists(dataDir.resolve(DB_FILE + suffix));
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot prepare " + db + ": " + e);
        }
        return db;
    }

    private static Provider openStore(Path db) {
        try {
            return SqliteProvider.open(db);
        } catch (DurataskException e) {
            throw new UserError("cannot open the demo store " + db + ": " + e.getMessage() + " (--fresh starts a new one)");
        }
    }

    /** The time of day, made unique among the instances already in the store. */
    private static String uniqueSuffix(DurableClient client) {
        String base = LocalTime.now().format(DateTimeFormatter.ofPattern("HHmmss"));
        String suffix = base;
        for (int n = 2; client.getStatus("hello-" + suffix).isPresent(); n++) {
            suffix = base + "-" + n;
        }
        return suffix;
    }

    private static void describe(PrintWriter out, List<DemoApp.Instance> instances) {
        out.println();
        out.println("Started " + instances.size() + " instances:");
        Table table = Table.withoutHeader();
        instances.forEach(i -> table.add("  " + i.id(), i.orchestration(), i.story()));
        table.print(out);
        out.println();
    }

    private static void summarize(PrintWriter out, List<DemoApp.Instance> instances, Map<String, OrchestrationStatus> statuses,
                                  DemoApp app) {
        out.println();
        out.println("Final state:");
        Table table = Table.withoutHeader();
        for (DemoApp.Instance i : instances) {
            OrchestrationStatus s = statuses.get(i.id());
            String outcome = s.isFailed() ? EventFormatter.failure(s.failure()) : s.runtimeStatus().isTerminal() ? s.output() : "(still running)";
            if (s.executionId() > 1) {
                outcome += "  after " + s.executionId() + " executions";
            }
            table.add("  " + i.id(), s.runtimeStatus().name(), outcome);
        }
        table.print(out);
        out.println();
        out.println("Reservations released by compensation: " + String.join(", ", app.inventory.released()));
    }
}
