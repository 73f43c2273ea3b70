package io.rimirec.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rimirec model ...}: pack model bundles and manage them in a cluster's model store. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Pack model bundles and upload, list, show or delete them in a cluster.",
    subcommands = {ModelPackCommand.class, ModelUploadCommand.class, ModelListCommand.class, ModelGetCommand.class, ModelDeleteCommand.class,
        ModelRolloutCommand.class}
)
public final class ModelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
