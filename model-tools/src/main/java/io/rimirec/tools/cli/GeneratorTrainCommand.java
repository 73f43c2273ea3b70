package io.rimirec.tools.cli;

import ai.djl.ndarray.NDManager;
import io.rimirec.core.generate.EncoderInput;
import io.rimirec.core.generate.LengthPolicy;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.tools.onnx.GeneratorParity;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.generator.TargetBuilder;
import io.rimirec.tools.train.generator.TrainingSamples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code rimirec generator train}: trains, exports to ONNX, verifies parity, writes the artifact and the tree. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train the interest generator, export it to ONNX and verify the export.")
public final class GeneratorTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GeneratorDataOptions dataOptions = new GeneratorDataOptions();

    @Option(names = "--out", required = true, description = "output folder: generator/ (the artifact) and tree.rtree")
    Path out;

    @Option(names = "--width", defaultValue = "64") int width;
    @Option(names = "--heads", defaultValue = "4") int heads;
    @Option(names = "--encoder-layers", defaultValue = "2") int encoderLayers;
    @Option(names = "--decoder-layers", defaultValue = "2") int decoderLayers;
    @Option(names = "--ffn", defaultValue = "256") int ffn;
    @Option(names = "--dropout", defaultValue = "0.1") float dropout;
    @Option(names = "--max-history", defaultValue = "200", description = "encoder positions (default: ${DEFAULT-VALUE})") int maxHistory;
    @Option(names = "--recent", defaultValue = "50", description = "newest items always kept when a history is windowed (default: ${DEFAULT-VALUE})") int recent;
    @Option(names = "--targets", defaultValue = "adaptive", description = "adaptive (EOS at internal circles) or leaf (paper) (default: ${DEFAULT-VALUE})") String targets;
    @Option(names = "--min-items", defaultValue = "2") int minItems;
    @Option(names = "--max-child-share", defaultValue = "0.6") double maxChildShare;
    @Option(names = "--window", defaultValue = "10", description = "next items that form a sample's targets (default: ${DEFAULT-VALUE})") int window;
    @Option(names = "--epochs", defaultValue = "30") int epochs;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--samples-per-user", defaultValue = "4") int samplesPerUser;
    @Option(names = "--validation-share", defaultValue = "0.1") double validationShare;
    @Option(names = "--lr", defaultValue = "0.001") float lr;
    @Option(names = "--patience", defaultValue = "3") int patience;
    @Option(names = "--max-minutes", defaultValue = "0", description = "stop training after this many minutes, checked before every batch; the partial epoch is validated (0 = no limit)") double maxMinutes;
    @Option(names = "--seed", defaultValue = "7") long seed;
    @Option(names = "--length-policy", defaultValue = "default", description = "ranking of finished paths: default (= raw), raw, normalized (alpha=1), or alpha=A,bonus=B (default: ${DEFAULT-VALUE})") String lengthPolicy;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        GeneratorDataOptions.Loaded loaded = dataOptions.load();
        var data = loaded.data();
        var tree = data.tree();
        System.err.printf(Locale.ROOT, "data: %s, %d users (%d train, %d test), %d items, %d interactions; tree %s%n",
            data.name(), data.users(), loaded.trainUsers().length, loaded.testUsers().length, data.vectors().length, data.interactions(), tree);
        if (!loaded.note().isEmpty()) {
            System.err.println(loaded.note());
        }
        GeneratorConfig config = new GeneratorConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), maxHistory, recent, width, heads,
            encoderLayers, decoderLayers, ffn, dropout);
        TargetBuilder tb = new TargetBuilder(tree, TargetBuilder.Mode.valueOf(targets.toUpperCase(Locale.ROOT)), minItems, maxChildShare);
        GeneratorTrainer.Options options = new GeneratorTrainer.Options(epochs, batch, samplesPerUser, validationShare, lr, patience, window, seed, maxMinutes);
        GeneratorTrainer trainer = new GeneratorTrainer(data, config, tb, options);
        Files.createDirectories(out);
        TreeFormat.write(tree, out.resolve(GeneratorArtifact.TREE_FILE));
        Path dir = out.resolve(GeneratorArtifact.DIRECTORY);
        try (NDManager manager = NDManager.newBaseManager()) {
            GeneratorTrainer.Result result = trainer.train(loaded.trainUsers(), manager, ProgressBar.on(spec.commandLine().getErr()));
            try (var net = result.network()) {
                GeneratorArtifact.writeGraphs(dir, net);
                // Parity on real validation histories of several lengths and on random inputs.
                List<EncoderInput> inputs = new ArrayList<>();
                List<TrainingSamples.Sample> val = result.validation();
                for (int i = 0; i + 3 <= Math.min(val.size(), 12); i += 3) {
                    inputs.add(trainer.encoderInput(val.subList(i, i + 3)));
                }
                inputs.add(trainer.encoderInput(List.of(trainer.samples().at(loaded.trainUsers()[0], 1, new Random(seed)))));
                GeneratorParity.Report parity = GeneratorParity.check(net, dir.resolve(GeneratorArtifact.ENCODER), dir.resolve(GeneratorArtifact.DECODER), inputs, seed);
                System.err.printf(Locale.ROOT, "parity DJL vs ONNX Runtime: encoder max |diff| %.3g (%d checks), decoder max |diff| %.3g (%d checks)%n",
                    parity.encoderMaxAbsDiff(), parity.encoderChecks(), parity.decoderMaxAbsDiff(), parity.decoderChecks());
                if (!(parity.max() <= 1e-4)) {
                    throw new IllegalStateException("exported generator differs from the trained one by " + parity.max() + " (limit 1e-4)");
                }
                Map<String, Object> training = new LinkedHashMap<>(result.info());
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("encoder_max_abs_diff", parity.encoderMaxAbsDiff());
                p.put("decoder_max_abs_diff", parity.decoderMaxAbsDiff());
                training.put("onnx_parity", p);
                training.put("data_note", loaded.note());
                training.put("test_users_excluded", loaded.testUsers().length);
                training.put("command_seconds", Math.round((System.nanoTime() - t0) / 1e9));
                GeneratorArtifact.writeManifest(dir, GeneratorArtifact.manifest(config, tree, LengthPolicy.parse(lengthPolicy), tb.describe(), training));
                System.err.printf(Locale.ROOT, "generator written to %s (best validation loss %s vs per-step prior %s, per-circle prior %s) in %.1f min%n",
                    dir, training.get("best_validation_loss"), training.get("prior_validation_loss_per_step"), training.get("prior_validation_loss_per_circle"),
                    (System.nanoTime() - t0) / 6e10);
            }
        }
        return 0;
    }
}
