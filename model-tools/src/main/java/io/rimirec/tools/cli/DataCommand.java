package io.rimirec.tools.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rimirec data ...}: data files. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Create and convert data files.",
    subcommands = {DataSyntheticCommand.class, DataInteractionsCommand.class}
)
public final class DataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
