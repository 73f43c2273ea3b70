package io.rimirec.tools.cli;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.tools.data.VectorSet;
import io.rimirec.tools.data.VectorJsonlWriter;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.generator.TargetBuilder;
import io.rimirec.tools.train.pipeline.RimirecPipeline;
import io.rimirec.tools.train.tower.UserTowerArtifact;
import io.rimirec.tools.train.tower.UserTowerConfig;
import io.rimirec.tools.train.tower.UserTowerTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rimirec usertower train}: trains the user tower, exports it to ONNX, verifies parity, writes the artifact and
 * the tree. With {@code --vectors content} (default) the tower is trained on the data set's own item vectors and tree —
 * the same tree {@code generator train} builds from the same data options, so both parts pack into one bundle. With
 * {@code --vectors learned} it runs the whole learned pipeline (docs/user-tower.md): pretraining at the root learns the
 * item vectors, the tree is built on them, the generator and the tower are trained on that tree, and the learned item
 * vectors are written for indexing.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train the user tower, export it to ONNX and verify the export.")
public final class UserTowerTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GeneratorDataOptions dataOptions = new GeneratorDataOptions();

    @Option(names = "--out", required = true, description = "output folder: user_tower/ and tree.rtree (learned: also generator/ and items.jsonl)")
    Path out;

    @Option(names = "--vectors", defaultValue = "content", description = "content (the data set's item vectors and tree) or learned (default: ${DEFAULT-VALUE})")
    String vectors;

    @Option(names = "--max-slice", defaultValue = "50", description = "slice positions read (newest kept) (default: ${DEFAULT-VALUE})") int maxSlice;
    @Option(names = "--width", defaultValue = "64") int width;
    @Option(names = "--heads", defaultValue = "2") int heads;
    @Option(names = "--layers", defaultValue = "1") int layers;
    @Option(names = "--ffn", defaultValue = "128") int ffn;
    @Option(names = "--dropout", defaultValue = "0.1") float dropout;
    @Option(names = "--epochs", defaultValue = "30") int epochs;
    @Option(names = "--batch", defaultValue = "256") int batch;
    @Option(names = "--samples-per-user", defaultValue = "10") int samplesPerUser;
    @Option(names = "--validation-share", defaultValue = "0.05") double validationShare;
    @Option(names = "--lr", defaultValue = "0.001") float lr;
    @Option(names = "--patience", defaultValue = "2") int patience;
    @Option(names = "--window", defaultValue = "10", description = "next items a positive is drawn from (default: ${DEFAULT-VALUE})") int window;
    @Option(names = "--negatives", defaultValue = "128", description = "sampled negatives per positive (default: ${DEFAULT-VALUE})") int negatives;
    @Option(names = "--global-share", defaultValue = "0.5", description = "share of negatives from the whole catalogue; the rest come from the positive's circle (default: ${DEFAULT-VALUE})") double globalShare;
    @Option(names = "--temperature", defaultValue = "0", description = "logits = similarity / temperature; 0 = automatic (0.1 for cosine) (default: ${DEFAULT-VALUE})") float temperature;
    @Option(names = "--max-minutes", defaultValue = "0", description = "stop the tower's training after this many minutes (0 = no limit)") double maxMinutes;
    @Option(names = "--pretrain-minutes", defaultValue = "5", description = "learned: root-circle pretraining limit (default: ${DEFAULT-VALUE})") double pretrainMinutes;
    @Option(names = "--generator-minutes", defaultValue = "12", description = "learned: generator training limit (default: ${DEFAULT-VALUE})") double generatorMinutes;
    @Option(names = "--seed", defaultValue = "7") long seed;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        GeneratorDataOptions.Loaded loaded = dataOptions.load();
        var data = loaded.data();
        CircleTree tree = data.tree();
        Files.createDirectories(out);
        UserTowerConfig shape = new UserTowerConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), maxSlice, width, heads, layers, ffn, dropout);
        UserTowerTrainer.Options run = new UserTowerTrainer.Options(epochs, batch, samplesPerUser, validationShare, lr, patience, window, negatives,
            globalShare, temperature, seed, maxMinutes);
        Map<String, Object> info;
        if (RimirecPipeline.ItemVectors.parse(vectors) == RimirecPipeline.ItemVectors.CONTENT) {
            if (!loaded.note().isEmpty()) {
                System.err.println(loaded.note());
            }
            TreeFormat.write(tree, out.resolve(GeneratorArtifact.TREE_FILE));
            UserTowerTrainer trainer = new UserTowerTrainer(data.sequences(), data.vectors(), tree, tree.metric(), shape,
                new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6), run);
            info = UserTowerArtifact.trainAndWrite(trainer, loaded.trainUsers(), null, tree, out.resolve(UserTowerArtifact.DIRECTORY),
                ProgressBar.on(spec.commandLine().getErr())).info();
        } else {
            List<int[]> sequences = new ArrayList<>();
            for (int u : loaded.trainUsers()) {
                sequences.add(data.sequences().get(u));
            }
            // The data set's vectors (PPMI on ML-1M) are the item table's starting point.
            UserTowerTrainer.Options pretrain = new UserTowerTrainer.Options(epochs, batch, samplesPerUser, validationShare, 3 * lr, patience, window,
                negatives, 1.0, temperature, seed, pretrainMinutes);
            RimirecPipeline.Options options = new RimirecPipeline.Options(RimirecPipeline.ItemVectors.LEARNED, tree.dimension(), tree.branching(),
                tree.leafCapacity(), 1, seed,
                t -> new GeneratorConfig(t.dimension(), t.maxDepth(), t.maxFanOut(), 50, 25, 64, 4, 2, 2, 256, 0.1f),
                new GeneratorTrainer.Options(30, 64, 2, 0.1, 1e-3f, 3, 10, seed, generatorMinutes), shape, pretrain, run, true);
            RimirecPipeline.Result result = RimirecPipeline.run(data.name() + " training users", sequences, data.vectors().length, data.vectors(), options, out,
                ProgressBar.on(spec.commandLine().getErr()));
            // The learned item vectors, for indexing (ids: the data set's item indexes).
            List<String> ids = new ArrayList<>();
            List<float[]> vs = new ArrayList<>();
            for (int i = 0; i < result.itemVectors().length; i++) {
                if (result.itemVectors()[i] != null) {
                    ids.add(Integer.toString(i));
                    vs.add(result.itemVectors()[i]);
                }
            }
            VectorJsonlWriter.writeAll(out.resolve("items.jsonl"), new VectorSet(ids, vs.toArray(new float[0][])));
            info = result.info();
        }
        System.err.printf(Locale.ROOT, "user tower written to %s in %.1f min: %s%n", out, (System.nanoTime() - t0) / 6e10, info);
        return 0;
    }
}
