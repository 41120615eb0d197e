package io.duratask.cli;

import io.duratask.RuntimeStatus;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.Provider;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duratask instances}: a table of the instances in a store, oldest first. */
@Command(name = "instances", mixinStandardHelpOptions = true,
        description = "Lists the orchestration instances in a store, oldest first.")
final class InstancesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOption db;

    @Option(names = "--status", split = ",", paramLabel = "STATUS",
            description = "Only instances in these states (${COMPLETION-CANDIDATES}); repeat or separate with commas.")
    Set<RuntimeStatus> statuses = Set.of();

    @Option(names = "--name", paramLabel = "PREFIX", description = "Only orchestrations whose name starts with PREFIX.")
    String namePrefix;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N instances (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        Table table = new Table("INSTANCE", "ORCHESTRATION", "STATUS", "EXECUTION", "CREATED", "UPDATED");
        try (Provider provider = db.open()) {
            InstanceQuery query = InstanceQuery.all().withStatuses(statuses).withNamePrefix(namePrefix)
                    .withPageSize(Math.min(limit, 1000));
            do {
                InstancePage page = provider.listInstances(query);
                for (InstanceInfo i : page.instances()) {
                    if (table.size() < limit) {
                        table.add(i.instanceId(), i.name(), i.status().name(), Long.toString(i.executionId()),
                                Times.dateTime(i.createdAt()), Times.dateTime(i.updatedAt()));
                    }
                }
                query = page.continuationToken() == null ? null : query.withContinuationToken(page.continuationToken());
            } while (query != null && table.size() < limit);
        }
        if (table.size() == 0) {
            out.println("no instances" + (statuses.isEmpty() && namePrefix == null ? "" : " match"));
        } else {
            table.print(out);
        }
        return 0;
    }
}
