package io.rimirec.tools.eval.rimirec;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.recall.UserVectors;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.generator.MovieLensSequences;
import io.rimirec.tools.train.generator.SequenceData;
import io.rimirec.tools.train.generator.TargetBuilder;
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
 * Everything rimirec learns from the evaluation's training data, once per task and shared by the B = 1, 2, 4, 6 rows:
 * item vectors (PPMI of co-occurrence, as the generator's ML-1M set builds them), the circle tree (hierarchical
 * k-means), and the interest generator (trained with DJL, exported to ONNX and served by ONNX Runtime — the same
 * artifact and the same {@link RecallPlanner} the {@code rimirec} query runs).
 */
final class RimirecModel {

    final Settings settings;
    final float[][] vectors; // by catalogue item; null for items no training sequence has
    final CirclePath[] leafOf;
    final CircleTree tree;
    final RecallPlanner planner;
    final Map<String, Object> diagnostics = new LinkedHashMap<>();
    /** The model as the {@code rimirec} query loads it (tree + generator), for serving the same model online. */
    byte[] bundle;
    private final Map<CirclePath, int[]> itemsUnder = new ConcurrentHashMap<>();

    private RimirecModel(Settings settings, float[][] vectors, CirclePath[] leafOf, CircleTree tree, RecallPlanner planner) {
        this.settings = settings;
        this.vectors = vectors;
        this.leafOf = leafOf;
        this.tree = tree;
        this.planner = planner;
    }

    static RimirecModel train(TrainingData data, Settings s, FitContext ctx) {
        long t0 = System.nanoTime();
        int n = data.numItems();
        List<int[]> sequences = data.sequences();
        int[] all = java.util.stream.IntStream.range(0, sequences.size()).toArray();
        float[][] byItem = MovieLensSequences.ppmiEmbedding(sequences, all, n, s.getInt("dim"), ctx.seed());
        // The generator's data only knows items with a vector: remap them to 0..kept-1.
        int[] toKept = new int[n];
        List<float[]> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            toKept[i] = byItem[i] == null ? -1 : kept.size();
            if (byItem[i] != null) {
                kept.add(byItem[i]);
            }
        }
        float[][] keptVectors = kept.toArray(new float[0][]);
        CircleTree tree = new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withBranching(s.getInt("k")).withLeafCapacity(s.getInt("c"))
            .withSeed(ctx.seed()).withThreads(ctx.threads())).info("source", "evaluation training data, PPMI vectors").build(keptVectors);
        List<String> userIds = new ArrayList<>();
        List<int[]> remapped = new ArrayList<>();
        for (int u = 0; u < sequences.size(); u++) {
            userIds.add("u" + u);
            remapped.add(java.util.Arrays.stream(sequences.get(u)).map(i -> toKept[i]).filter(i -> i >= 0).toArray());
        }
        SequenceData seqData = SequenceData.of("evaluation training data", userIds, remapped, keptVectors, tree);
        GeneratorConfig config = new GeneratorConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), s.getInt("maxHistory"),
            s.getInt("recent"), s.getInt("width"), s.getInt("heads"), s.getInt("layers"), s.getInt("layers"), s.getInt("ffn"),
            (float) s.getDouble("dropout"));
        TargetBuilder targets = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        GeneratorTrainer trainer = new GeneratorTrainer(seqData, config, targets, new GeneratorTrainer.Options(s.getInt("epochs"), 64,
            s.getInt("samplesPerUser"), 0.1, 1e-3f, 3, 10, ctx.seed(), s.getDouble("maxMinutes")));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rimirec-eval-generator");
            Map<String, Object> info = GeneratorArtifact.trainAndWrite(trainer, config, targets, tree, dir, ProgressListener.NONE);
            InterestGenerator generator = InterestGenerator.load(dir, tree, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)));
            CirclePath[] leafOf = new CirclePath[n];
            for (int i = 0; i < n; i++) {
                if (byItem[i] != null) {
                    leafOf[i] = tree.assign(byItem[i]);
                }
            }
            RimirecModel model = new RimirecModel(s, byItem, leafOf, tree,
                new RecallPlanner(generator, UserVectors.MEAN_OF_SLICE, RecallPlanner.DEFAULT_MAX_PER_CIRCLE));
            model.bundle = BundlePacker.ofTree(tree).name("rimirec-eval").description("evaluation training data: PPMI item vectors, "
                + "circle tree and interest generator").generator(dir).pack();
            model.diagnostics.put("tree", Map.of("leaves", tree.leafCount(), "depth", tree.maxDepth(), "hash", tree.contentHash().substring(0, 12)));
            model.diagnostics.put("items_without_vector", n - kept.size());
            model.diagnostics.put("generator_best_validation_loss", info.get("best_validation_loss"));
            model.diagnostics.put("generator_prior_loss_per_circle", info.get("prior_validation_loss_per_circle"));
            double best = ((Number) info.get("best_validation_loss")).doubleValue();
            double prior = ((Number) info.get("prior_validation_loss_per_circle")).doubleValue();
            model.diagnostics.put("learned", best < prior);
            model.diagnostics.put("user_vectors", UserVectors.MEAN_OF_SLICE.name());
            model.diagnostics.put("fit_minutes", Math.round((System.nanoTime() - t0) / 6e9) / 10.0);
            ctx.log().printf("rimirec: tree %d leaves depth %d; generator validation loss %s vs per-circle prior %s; %.1f min%n",
                tree.leafCount(), tree.maxDepth(), info.get("best_validation_loss"), info.get("prior_validation_loss_per_circle"),
                (System.nanoTime() - t0) / 6e10);
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
