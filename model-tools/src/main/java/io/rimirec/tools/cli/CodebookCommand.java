package io.rimirec.tools.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rimirec codebook ...}: residual codebook commands. */
@Command(
    name = "codebook",
    mixinStandardHelpOptions = true,
    description = "Train residual codebooks (.rcodebook files) that compress item vectors to a few codes (docs/codebook.md).",
    subcommands = {CodebookTrainCommand.class}
)
public final class CodebookCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
