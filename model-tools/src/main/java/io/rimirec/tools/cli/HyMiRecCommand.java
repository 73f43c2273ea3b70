package io.rimirec.tools.cli;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.json.Json;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.VectorJsonlWriter;
import io.rimirec.tools.data.VectorSet;
import io.rimirec.tools.data.movielens.MovieLens;
import io.rimirec.tools.data.movielens.Preprocessing;
import io.rimirec.tools.train.interest.InterestArtifact;
import io.rimirec.tools.train.interest.InterestConfig;
import io.rimirec.tools.train.interest.InterestTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code rimirec hymirec ...}: the HyMiRec interest model, served by {@code "strategy": "hymirec"} (docs/hymirec.md). */
@Command(name = "hymirec", mixinStandardHelpOptions = true, description = "Train a HyMiRec interest model and pack it as a bundle.",
    subcommands = {HyMiRecCommand.Train.class})
public final class HyMiRecCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code rimirec hymirec train}: fit on every user's sequence, export, pack. */
    @Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fit HyMiRec (light model over codebook reconstructions + refined model, DMIL) on every user's sequence, export the "
            + "interest model to ONNX (checked against the network), and write a bundle plus the item vectors to index.")
    public static final class Train implements Callable<Integer> {

        @Option(names = "--data", required = true, paramLabel = "<dir>",
            description = "MovieLens-format folder (ratings.dat, or sequences.txt as in ../shared/data/ml-1m; docs/evaluation.md).")
        Path data;

        @Option(names = "--min-rating", description = "Keep only ratings >= this (default: all).")
        Double minRating;

        @Option(names = "--k-core", defaultValue = "0", description = "Iterative k-core filter on users and items (0 = off).")
        int kCore;

        @Option(names = "--set", paramLabel = "name=value",
            description = "Change a setting, e.g. --set epochs=20 --set perUser=5 --set minutes=20 (names and defaults in docs/hymirec.md).")
        List<String> sets = new ArrayList<>();

        @Option(names = "--seed", defaultValue = "42", description = "Seed of the fit, codebook and tree. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--threads", defaultValue = "1", description = "Threads for the codebook and the tree. Default: ${DEFAULT-VALUE}.")
        int threads;

        @Option(names = "--name", defaultValue = "hymirec", description = "The bundle's name for people. Default: ${DEFAULT-VALUE}.")
        String name;

        @Option(names = "--out", required = true, paramLabel = "<dir>",
            description = "Output folder: bundle.zip, items.jsonl (item_id + item_vector to index), interest_model/, codebook.rcodebook, training.json.")
        Path out;

        @Override
        public Integer call() throws Exception {
            InterestConfig config = InterestConfig.DEFAULTS;
            for (String spec : sets) {
                int eq = spec.indexOf('=');
                if (eq < 1 || eq == spec.length() - 1) {
                    throw new IllegalArgumentException("--set expects name=value, got [" + spec + "]");
                }
                config = config.with(spec.substring(0, eq).trim(), spec.substring(eq + 1).trim());
            }
            PrintStream log = System.out;
            SequenceDataset ds = MovieLens.load(data, new Preprocessing(minRating == null ? Double.NaN : minRating, kCore));
            log.println("data: " + ds.summary());
            List<int[]> sequences = new ArrayList<>(ds.numUsers());
            for (int u = 0; u < ds.numUsers(); u++) {
                sequences.add(ds.sequence(u));
            }
            InterestArtifact artifact;
            double fitSeconds;
            try (InterestTrainer.Fit fit = new InterestTrainer(config, seed, log).fit(sequences, ds.numItems())) {
                artifact = InterestArtifact.export(fit.network(), sequences, log);
                fitSeconds = fit.seconds();
            }

            Files.createDirectories(out);
            InterestArtifact.Bundle bundle = artifact.bundle(name, seed, threads);
            Files.write(out.resolve("bundle.zip"), bundle.zip());
            artifact.writeInterestModel(out.resolve(BundleManifest.PART_INTEREST_MODEL));
            if (artifact.codebook() != null) {
                CodebookFormat.write(artifact.codebook(), out.resolve("codebook" + CodebookFormat.FILE_EXTENSION));
            }
            List<String> ids = new ArrayList<>(ds.numItems());
            for (int i = 0; i < ds.numItems(); i++) {
                ids.add(ds.itemId(i));
            }
            VectorJsonlWriter.writeAll(out.resolve("items.jsonl"), new VectorSet(ids, artifact.itemVectors()));
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("data", ds.summary());
            record.put("settings", new TreeMap<>(config.toMap()));
            record.put("seed", seed);
            record.put("fit_seconds", Math.round(fitSeconds * 10) / 10.0);
            record.put("onnx_parity_max_abs_diff", artifact.parityMaxAbsDiff());
            record.put("command", "rimirec hymirec train " + String.join(" ", commandLine()));
            Files.write(out.resolve("training.json"), Json.write(record));
            log.printf(Locale.ROOT, "wrote %s: bundle.zip (%,d bytes; parts interest_model%s, tree of %d leaves), items.jsonl (%,d items, "
                    + "dimension %d), interest_model/, training.json; fit %.0f s, ONNX parity %.1e%n", out, bundle.zip().length,
                artifact.codebook() != null ? ", codebook" : "", bundle.tree().leafCount(), ids.size(), bundle.tree().dimension(), fitSeconds,
                artifact.parityMaxAbsDiff());
            log.println("next: rimirec model upload --id <id> " + out.resolve("bundle.zip") + ", index items.jsonl through the model's "
                + "pipeline (index-templates/), and query with \"strategy\": \"hymirec\" (docs/query.md)");
            return 0;
        }

        private String[] commandLine() {
            List<String> a = new ArrayList<>(List.of("--data", data.toString(), "--out", out.toString(), "--seed", Long.toString(seed)));
            for (String s : sets) {
                a.add("--set");
                a.add(s);
            }
            return a.toArray(String[]::new);
        }
    }
}
