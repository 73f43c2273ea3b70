package io.rimirec.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rimirec generator ...}: the interest generator (HimiRec stage 1). */
@Command(name = "generator", mixinStandardHelpOptions = true, description = "Train and evaluate the interest generator.",
    subcommands = {GeneratorTrainCommand.class, GeneratorEvalCommand.class})
public final class GeneratorCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
