package io.rimirec.tools.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rimirec bench ...}: speed and memory benchmarks that print ratios against a baseline measured in the same run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks. Each prints a ratio against a baseline measured in the same run (these machines are noisy).",
    subcommands = {BenchTreeCommand.class, BenchIngestCommand.class, BenchGeneratorCommand.class, BenchQueryCommand.class,
        BenchCodesCommand.class, BenchUploadsCommand.class, BenchFaultsCommand.class}
)
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
