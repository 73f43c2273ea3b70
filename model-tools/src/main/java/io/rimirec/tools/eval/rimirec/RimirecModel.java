package io.rimirec.tools.eval.rimirec;

import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.recall.UserVectors;
import io.rimirec.core.tower.UserTower;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.generator.MovieLensSequences;
import io.rimirec.tools.train.tower.RimirecPipeline;
import io.rimirec.tools.train.tower.UserTowerArtifact;
import io.rimirec.tools.train.tower.UserTowerConfig;
import io.rimirec.tools.train.tower.UserTowerTrainer;
import io.rimirec.tools.util.MoreFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything rimirec learns from the evaluation's training data, once per task and shared by the B = 1, 2, 4, 6 rows,
 * through {@link RimirecPipeline}: item vectors (learned by root-circle pretraining, or PPMI of co-occurrence as
 * content vectors), the circle tree (hierarchical k-means), the interest generator and the user tower (trained with
 * DJL, exported to ONNX and served by ONNX Runtime — the same artifacts and the same {@link RecallPlanner} the
 * {@code rimirec} query runs).
 */
final class RimirecModel {

    final Settings settings;
    final float[][] vectors; // by catalogue item; null for items no training sequence has
    final CirclePath[] leafOf;
    final CircleTree tree;
    final RecallPlanner planner;
    /** The same generator with mean-of-slice user vectors: what the tower is measured against, on the same fit. */
    final RecallPlanner meanPlanner;
    final Map<String, Object> diagnostics = new LinkedHashMap<>();
    /** The model as the {@code rimirec} query loads it (tree + generator + user tower when trained), for serving it online. */
    byte[] bundle;
    private final Map<CirclePath, int[]> itemsUnder = new ConcurrentHashMap<>();

    private RimirecModel(Settings settings, float[][] vectors, CirclePath[] leafOf, CircleTree tree, RecallPlanner planner) {
        this.settings = settings;
        this.vectors = vectors;
        this.leafOf = leafOf;
        this.tree = tree;
        this.planner = planner;
        this.meanPlanner = planner.userVectors() == UserVectors.MEAN_OF_SLICE ? planner
            : new RecallPlanner(planner.generator(), UserVectors.MEAN_OF_SLICE, RecallPlanner.DEFAULT_MAX_PER_CIRCLE);
    }

    static RimirecModel train(TrainingData data, Settings s, FitContext ctx) {
        long t0 = System.nanoTime();
        int n = data.numItems();
        List<int[]> sequences = data.sequences();
        RimirecPipeline.ItemVectors mode = RimirecPipeline.ItemVectors.parse(s.getString("vectors"));
        boolean tower = switch (s.getString("userVectors")) {
            case "tower" -> true;
            case "mean" -> false;
            default -> throw new IllegalArgumentException("setting [userVectors] must be tower or mean, got [" + s.getString("userVectors") + "]");
        };
        // PPMI co-occurrence vectors: the item vectors in content mode, the item table's starting point in learned mode.
        int[] all = java.util.stream.IntStream.range(0, sequences.size()).toArray();
        float[][] content = MovieLensSequences.ppmiEmbedding(sequences, all, n, s.getInt("dim"), ctx.seed());
        int towerLayers = s.getInt("towerLayers");
        UserTowerConfig towerShape = new UserTowerConfig(s.getInt("dim"), 1, 1, s.getInt("towerMaxSlice"), s.getInt("towerWidth"), 2,
            towerLayers, 2 * s.getInt("towerWidth"), (float) s.getDouble("dropout"));
        UserTowerTrainer.Options pretrain = new UserTowerTrainer.Options(s.getInt("towerEpochs"), 256, s.getInt("towerSamples"), 0.05, 3e-3f,
            s.getInt("pretrainPatience"), 10,
            s.getInt("negatives"), 1.0, 0f, ctx.seed(), s.getDouble("pretrainMinutes"));
        UserTowerTrainer.Options towerRun = new UserTowerTrainer.Options(s.getInt("towerEpochs"), 256, s.getInt("towerSamples"), 0.05, 1e-3f, 2, 10,
            s.getInt("negatives"), s.getDouble("globalShare"), 0f, ctx.seed(), s.getDouble("towerMinutes"));
        RimirecPipeline.Options options = new RimirecPipeline.Options(mode, s.getInt("dim"), s.getInt("k"), s.getInt("c"), ctx.threads(), ctx.seed(),
            tree -> new GeneratorConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), s.getInt("maxHistory"), s.getInt("recent"), s.getInt("width"),
                s.getInt("heads"), s.getInt("layers"), s.getInt("layers"), s.getInt("ffn"), (float) s.getDouble("dropout")),
            new GeneratorTrainer.Options(s.getInt("epochs"), 64, s.getInt("samplesPerUser"), 0.1, 1e-3f, 3, 10, ctx.seed(), s.getDouble("maxMinutes")),
            towerShape, pretrain, towerRun, tower);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rimirec-eval-model");
            RimirecPipeline.Result result = RimirecPipeline.run("evaluation training data", sequences, n, content, options, dir, ProgressListener.NONE);
            CircleTree tree = result.tree();
            OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
            InterestGenerator generator = InterestGenerator.load(dir.resolve(GeneratorArtifact.DIRECTORY), tree, sessions);
            UserVectors userVectors = tower ? UserTower.load(dir.resolve(UserTowerArtifact.DIRECTORY), tree, sessions) : UserVectors.MEAN_OF_SLICE;
            float[][] byItem = result.itemVectors();
            CirclePath[] leafOf = new CirclePath[n];
            for (int i = 0; i < n; i++) {
                if (byItem[i] != null) {
                    leafOf[i] = tree.assign(byItem[i]);
                }
            }
            RimirecModel model = new RimirecModel(s, byItem, leafOf, tree, new RecallPlanner(generator, userVectors, RecallPlanner.DEFAULT_MAX_PER_CIRCLE));
            BundlePacker packer = BundlePacker.ofTree(tree).name("rimirec-eval").description("evaluation training data: " + mode
                + " item vectors, circle tree, interest generator" + (tower ? ", user tower" : "")).generator(dir.resolve(GeneratorArtifact.DIRECTORY));
            model.bundle = (tower ? packer.userTower(dir.resolve(UserTowerArtifact.DIRECTORY)) : packer).pack();
            Map<String, Object> info = result.info();
            model.diagnostics.putAll(info);
            model.diagnostics.put("items_without_vector", n - ((Number) info.get("items_with_vector")).intValue());
            double best = ((Number) info.get("generator_best_validation_loss")).doubleValue();
            double prior = ((Number) info.get("generator_prior_loss_per_circle")).doubleValue();
            boolean learned = best < prior;
            if (tower) {
                @SuppressWarnings("unchecked")
                Map<String, Object> t = (Map<String, Object>) info.get("user_tower");
                // In-circle negatives put the floor of this loss far higher than a softmax over the catalogue does (the
                // positive competes with its neighbours), so the bar is lower than LossCurve's 0.85.
                learned &= ((Number) t.get("best_validation_loss")).doubleValue() < 0.95 * ((Number) t.get("chance_loss")).doubleValue();
            }
            model.diagnostics.put("learned", learned);
            model.diagnostics.put("user_vectors", userVectors.name());
            model.diagnostics.put("fit_minutes", Math.round((System.nanoTime() - t0) / 6e9) / 10.0);
            ctx.log().printf("rimirec: %s vectors, tree %d leaves depth %d; generator validation loss %s vs per-circle prior %s; user vectors %s; %.1f min%n",
                mode, tree.leafCount(), tree.maxDepth(), info.get("generator_best_validation_loss"), info.get("generator_prior_loss_per_circle"),
                userVectors.name(), (System.nanoTime() - t0) / 6e10);
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                MoreFiles.deleteQuietly(dir);
            }
        }
    }

    /** Catalogue items whose leaf lies under {@code circle}, computed once per circle. */
    int[] itemsUnder(CirclePath circle) {
        return itemsUnder.computeIfAbsent(circle, c -> {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < leafOf.length; i++) {
                if (leafOf[i] != null && c.contains(leafOf[i])) {
                    out.add(i);
                }
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        });
    }
}
