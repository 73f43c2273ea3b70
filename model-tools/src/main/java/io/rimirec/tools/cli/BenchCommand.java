package io.rimirec.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rimirec bench ...}: speed benchmarks (never timed assertions in tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.", subcommands = {BenchGeneratorCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
