package io.rimirec.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rimirec usertower ...}: the user tower (HimiRec stage 2: one user vector per circle). */
@Command(name = "usertower", mixinStandardHelpOptions = true, description = "Train the user tower (per-circle user vectors).",
    subcommands = {UserTowerTrainCommand.class})
public final class UserTowerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
