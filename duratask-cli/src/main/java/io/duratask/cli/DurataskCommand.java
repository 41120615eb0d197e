package io.duratask.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code duratask} command: only its subcommands do something. */
@Command(name = "duratask",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Durable orchestrations for Java: run the demo and inspect a store.",
        subcommands = {DemoCommand.class, InstancesCommand.class, HistoryCommand.class})
final class DurataskCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: demo, instances or history");
    }
}
