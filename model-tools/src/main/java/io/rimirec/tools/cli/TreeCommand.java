package io.rimirec.tools.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rimirec tree ...}: circle tree commands. */
@Command(
    name = "tree",
    mixinStandardHelpOptions = true,
    description = "Build and inspect circle trees (.rtree files).",
    subcommands = {TreeBuildCommand.class, TreeInfoCommand.class}
)
public final class TreeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
