package io.rimirec.tools.eval.rimirec;

import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.recall.UserVectors;
import io.rimirec.core.tower.UserTower;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.MovieLensSequences;
import io.rimirec.tools.train.pipeline.FitSettings;
import io.rimirec.tools.train.pipeline.InMemoryRecall;
import io.rimirec.tools.train.pipeline.RimirecPipeline;
import io.rimirec.tools.train.tower.UserTowerArtifact;
import io.rimirec.tools.util.MoreFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    final CircleTree tree;
    /** Exact in-memory recall over the item vectors: the query's code path without the cluster. */
    final InMemoryRecall recall;
    final RecallPlanner planner;
    /** The same generator with mean-of-slice user vectors: what the tower is measured against, on the same fit. */
    final RecallPlanner meanPlanner;
    final Map<String, Object> diagnostics = new LinkedHashMap<>();
    /** The model as the {@code rimirec} query loads it (tree + generator + user tower when trained), for serving it online. */
    byte[] bundle;

    private RimirecModel(Settings settings, float[][] vectors, CircleTree tree, RecallPlanner planner) {
        this.settings = settings;
        this.vectors = vectors;
        this.tree = tree;
        this.recall = new InMemoryRecall(vectors, tree);
        this.planner = planner;
        this.meanPlanner = planner.userVectors() == UserVectors.MEAN_OF_SLICE ? planner
            : new RecallPlanner(planner.generator(), UserVectors.MEAN_OF_SLICE, RecallPlanner.DEFAULT_MAX_PER_CIRCLE);
    }

    static RimirecModel train(TrainingData data, Settings s, FitContext ctx) {
        long t0 = System.nanoTime();
        int n = data.numItems();
        List<int[]> sequences = data.sequences();
        FitSettings fit = fitSettings(s);
        RimirecPipeline.ItemVectors mode = fit.vectors();
        boolean tower = fit.tower();
        // PPMI co-occurrence vectors: the item vectors in content mode, the item table's starting point in learned mode.
        int[] all = java.util.stream.IntStream.range(0, sequences.size()).toArray();
        float[][] content = MovieLensSequences.ppmiEmbedding(sequences, all, n, fit.dim(), ctx.seed());
        RimirecPipeline.Options options = fit.options(ctx.seed(), ctx.threads());
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rimirec-eval-model");
            RimirecPipeline.Result result = RimirecPipeline.run("evaluation training data", sequences, n, content, options, dir, ProgressListener.NONE);
            CircleTree tree = result.tree();
            OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
            InterestGenerator generator = InterestGenerator.load(dir.resolve(GeneratorArtifact.DIRECTORY), tree, sessions);
            tower &= result.userTower(); // the pipeline's fallback: the tower did not beat the mean of the slice on validation
            UserVectors userVectors = tower ? UserTower.load(dir.resolve(UserTowerArtifact.DIRECTORY), tree, sessions) : UserVectors.MEAN_OF_SLICE;
            float[][] byItem = result.itemVectors();
            RimirecModel model = new RimirecModel(s, byItem, tree, new RecallPlanner(generator, userVectors, RecallPlanner.DEFAULT_MAX_PER_CIRCLE));
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

    /** The pipeline settings of an evaluation grid point: every setting but the merge's {@code alpha}. */
    static FitSettings fitSettings(Settings s) {
        FitSettings fit = FitSettings.EVALUATION;
        for (Map.Entry<String, Object> e : s.values().entrySet()) {
            if (!e.getKey().equals("alpha")) {
                fit = fit.with(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        return fit;
    }
}
