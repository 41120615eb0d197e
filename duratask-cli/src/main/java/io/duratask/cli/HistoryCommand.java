package io.duratask.cli;

import io.duratask.history.HistoryCodec;
import io.duratask.history.HistoryEvent;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.Provider;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code duratask history}: the events of one execution of an instance, as lines or as JSON. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Prints the history of an orchestration instance (its current execution unless told).")
final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOption db;

    @Parameters(index = "0", paramLabel = "INSTANCE_ID", description = "The instance whose history to print.")
    String instanceId;

    @Option(names = "--execution", paramLabel = "N",
            description = "Execution N (1 is the first; each continue-as-new adds one). Default: the current one.")
    Long execution;

    @Option(names = "--json", description = "Print the history as a JSON array (the stored form of each event).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Provider provider = db.open()) {
            InstanceInfo info = provider.getInstance(instanceId).orElseThrow(() ->
                    new UserError("no instance '" + instanceId + "' in " + db.file + " (see 'duratask instances --db " + db.file + "')"));
            long n = execution == null ? info.executionId() : execution;
            if (n < 1 || n > info.executionId()) {
                throw new UserError("instance '" + instanceId + "' has execution" + (info.executionId() == 1
                        ? " 1 only" : "s 1 to " + info.executionId()) + ", not " + n);
            }
            List<HistoryEvent> history = provider.readHistory(instanceId, n);
            if (json) {
                out.println(new HistoryCodec().writeList(history));
            } else {
                out.printf("%s  %s  %s  execution %d of %d%n", info.instanceId(), info.name(), info.status(), n,
                        info.executionId());
                print(out, history);
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, List<HistoryEvent> history) {
        EventFormatter formatter = new EventFormatter(0);
        Table table = new Table("#", "TIME", "EVENT", "DETAILS");
        for (HistoryEvent e : history) {
            table.add(Long.toString(e.eventId()), Times.time(e.timestamp()), EventFormatter.kind(e), formatter.details(e, history));
        }
        table.print(out);
    }
}
