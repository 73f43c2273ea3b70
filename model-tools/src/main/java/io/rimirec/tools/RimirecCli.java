package io.rimirec.tools;

import io.rimirec.tools.cli.BenchCommand;
import io.rimirec.tools.cli.ClusterCommand;
import io.rimirec.tools.cli.CodebookCommand;
import io.rimirec.tools.cli.DataCommand;
import io.rimirec.tools.cli.DemoCommand;
import io.rimirec.tools.cli.EvalCommand;
import io.rimirec.tools.cli.GeneratorCommand;
import io.rimirec.tools.cli.ItemsCommand;
import io.rimirec.tools.cli.ModelCommand;
import io.rimirec.tools.cli.Terminal;
import io.rimirec.tools.cli.TrainCommand;
import io.rimirec.tools.cli.TreeCommand;
import io.rimirec.tools.cli.HyMiRecCommand;
import io.rimirec.tools.cli.UserTowerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/** The {@code rimirec} command line. Each sub-command lives in its own class. */
@Command(
    name = "rimirec",
    mixinStandardHelpOptions = true,
    versionProvider = RimirecCli.Version.class,
    description = "Build circle trees, train and export models, run a local cluster, evaluate and benchmark.",
    subcommands = {
        CommandLine.HelpCommand.class,
        DemoCommand.class,
        TrainCommand.class,
        TreeCommand.class,
        CodebookCommand.class,
        DataCommand.class,
        GeneratorCommand.class,
        UserTowerCommand.class,
        HyMiRecCommand.class,
        ModelCommand.class,
        ItemsCommand.class,
        ClusterCommand.class,
        BenchCommand.class,
        EvalCommand.class,
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
        CommandLine cl = new CommandLine(new RimirecCli());
        cl.setErr(Terminal.STDERR); // lets progress bars know they may redraw in place
        cl.setExecutionExceptionHandler(RimirecCli::handleFailure);
        return cl;
    }

    /** Expected failures (bad files, bad values) print one line and exit 1; anything else keeps its stack trace. */
    static int handleFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof IOException || cause instanceof IllegalArgumentException) {
            String message = cause instanceof NoSuchFileException nsf ? "no such file: " + nsf.getFile() : cause.getMessage();
            cmd.getErr().println("rimirec " + cmd.getCommandName() + ": error: " + message);
            cmd.getErr().flush();
            return 1;
        }
        throw e;
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
