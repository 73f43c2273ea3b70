package io.rimirec.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rimirec} command line. Each sub-command lives in its own class. */
@Command(
    name = "rimirec",
    mixinStandardHelpOptions = true,
    versionProvider = RimirecCli.Version.class,
    description = "Build circle trees, train and export models, run a local cluster, evaluate and benchmark.",
    subcommands = {
        CommandLine.HelpCommand.class,
        io.rimirec.tools.cli.EvalCommand.class,
    }
)
public final class RimirecCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true"); // never let DJL reach for the network
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new RimirecCli());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RimirecCli.class.getPackage().getImplementationVersion();
            return new String[] {"rimirec " + (v == null ? "dev" : v)};
        }
    }
}
