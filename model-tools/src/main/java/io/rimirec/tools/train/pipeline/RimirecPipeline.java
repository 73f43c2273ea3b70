package io.rimirec.tools.train.pipeline;

import ai.djl.ndarray.NDManager;
import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.generator.SequenceData;
import io.rimirec.tools.train.generator.TargetBuilder;
import io.rimirec.tools.train.tower.UserTowerArtifact;
import io.rimirec.tools.train.tower.UserTowerConfig;
import io.rimirec.tools.train.tower.UserTowerNetwork;
import io.rimirec.tools.train.tower.UserTowerTrainer;
import io.rimirec.tools.util.MoreFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Everything rimirec learns from behaviour sequences, in the order the parts depend on each other (docs/user-tower.md):
 *
 * <ol>
 *   <li><b>item vectors</b>: {@link ItemVectors#LEARNED} pretrains the two towers at the root circle with global
 *       negatives, item table trained (the item tower; initialised from content vectors where given); {@link ItemVectors#CONTENT} takes given vectors as they are;</li>
 *   <li><b>circle tree</b>: hierarchical k-means (cosine) on those vectors;</li>
 *   <li><b>interest generator</b> on the tree;</li>
 *   <li><b>user tower</b> per circle, with the item vectors frozen so the tree stays valid for the vectors the index
 *       holds (a learned run starts from the pretrained tower); served only when it beats the mean of the slice on its
 *       validation samples, else removed (the record says which and why).</li>
 * </ol>
 * Writes {@code tree.rtree}, {@code generator/} and {@code user_tower/} to one folder (what {@code model pack} takes).
 * The one train path of the evaluation and {@code rimirec usertower train}.
 */
public final class RimirecPipeline {

    /** Where the item vectors (what the index holds, what the tree is built on) come from. */
    public enum ItemVectors {
        LEARNED, CONTENT;

        public static ItemVectors parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("item vectors must be learned or content, got [" + text + "]");
            }
        }
    }

    /**
     * @param generator generator shape for a tree (its dimension, depth, fan-out)
     * @param tower     user tower shape (levels and fan-out are replaced by the tree's)
     * @param pretrain  root-circle pretraining (LEARNED only)
     * @param towerRun  per-circle training
     * @param withTower false = no user tower (mean-of-slice serving)
     */
    public record Options(ItemVectors itemVectors, int dimension, int k, int c, int threads, long seed,
                          Function<CircleTree, GeneratorConfig> generator, GeneratorTrainer.Options generatorRun,
                          UserTowerConfig tower, UserTowerTrainer.Options pretrain, UserTowerTrainer.Options towerRun, boolean withTower) {}

    /**
     * Item vectors by catalogue index (null = no vector), the tree, whether the user tower is served (written to
     * {@code user_tower/}; false = mean of the slice), and the record of every step.
     */
    public record Result(float[][] itemVectors, CircleTree tree, boolean userTower, Map<String, Object> info) {}

    public static final String TREE_FILE = GeneratorArtifact.TREE_FILE;

    private RimirecPipeline() {}

    /**
     * @param sequences per user, catalogue item indexes oldest first
     * @param content   per catalogue item its content vector (CONTENT: the item vectors, every item with one is kept, items
     *                  without one are left out;
     *                  LEARNED: the initial item table where given, else random)
     */
    public static Result run(String name, List<int[]> sequences, int numItems, float[][] content, Options o, Path out, ProgressListener progress)
        throws IOException {
        long t0 = System.nanoTime();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("item_vectors", o.itemVectors().name().toLowerCase(Locale.ROOT));
        // The items that get a vector: LEARNED, those some sequence has; CONTENT, every item with a given vector, with
        // interactions or not (a new item is indexed and placed in the tree before anyone has seen it).
        boolean[] seen = new boolean[numItems];
        if (o.itemVectors() == ItemVectors.CONTENT) {
            for (int i = 0; i < numItems; i++) {
                seen[i] = content[i] != null;
            }
        } else {
            for (int[] s : sequences) {
                for (int item : s) {
                    seen[item] = true;
                }
            }
        }
        info.put("item_table_init", o.itemVectors() == ItemVectors.CONTENT ? "given" : content == null ? "random" : "content vectors, normalised");
        List<int[]> seqs = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            seqs.add(Arrays.stream(s).filter(i -> seen[i]).toArray());
        }
        int[] users = new int[seqs.size()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        float[][] vectors = new float[numItems][];
        Map<String, float[]> pretrained = null;
        if (o.itemVectors() == ItemVectors.CONTENT) {
            for (int i = 0; i < numItems; i++) {
                vectors[i] = seen[i] ? content[i] : null;
            }
        } else {
            // Start from the content vectors where given (a trained table then only has to refine them, which matters
            // when the time limit allows few epochs); random otherwise.
            Random r = new Random(o.seed());
            for (int i = 0; i < numItems; i++) {
                if (seen[i]) {
                    if (content != null && content[i] != null && content[i].length == o.dimension()) {
                        vectors[i] = io.rimirec.core.vector.Vectors.normalized(content[i]);
                    } else {
                        vectors[i] = new float[o.dimension()];
                        for (int d = 0; d < o.dimension(); d++) {
                            vectors[i][d] = (float) (r.nextGaussian() * 0.1);
                        }
                    }
                }
            }
            UserTowerTrainer pre = new UserTowerTrainer(seqs, vectors, null, Metric.COSINE, o.tower().forTree(1, 1), null, o.pretrain());
            try (NDManager manager = NDManager.newBaseManager()) {
                UserTowerTrainer.Result res = pre.train(users, manager, null, true, progress);
                try (UserTowerNetwork net = res.network()) {
                    pretrained = net.snapshot();
                }
                vectors = res.itemVectors();
                info.put("pretraining", res.info());
            }
        }
        List<float[]> kept = new ArrayList<>();
        int[] toKept = new int[numItems];
        for (int i = 0; i < numItems; i++) {
            toKept[i] = vectors[i] == null ? -1 : kept.size();
            if (vectors[i] != null) {
                kept.add(vectors[i]);
            }
        }
        float[][] keptVectors = kept.toArray(new float[0][]);
        CircleTree tree = new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withBranching(o.k()).withLeafCapacity(o.c())
            .withSeed(o.seed()).withThreads(o.threads())).info("source", name + ", " + info.get("item_vectors") + " item vectors").build(keptVectors);
        Files.createDirectories(out);
        TreeFormat.write(tree, out.resolve(TREE_FILE));
        info.put("tree", Map.of("leaves", tree.leafCount(), "depth", tree.maxDepth(), "hash", tree.contentHash().substring(0, 12)));
        info.put("items_with_vector", keptVectors.length);
        System.err.printf(Locale.ROOT, "rimirec pipeline: %s item vectors for %d items; tree %d leaves, depth %d%n",
            info.get("item_vectors"), keptVectors.length, tree.leafCount(), tree.maxDepth());

        List<String> ids = new ArrayList<>();
        List<int[]> remapped = new ArrayList<>();
        for (int u = 0; u < seqs.size(); u++) {
            ids.add("u" + u);
            remapped.add(Arrays.stream(seqs.get(u)).map(i -> toKept[i]).toArray());
        }
        SequenceData data = SequenceData.of(name, ids, remapped, keptVectors, tree);
        GeneratorConfig gc = o.generator().apply(tree);
        TargetBuilder targets = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        Map<String, Object> gen = GeneratorArtifact.trainAndWrite(new GeneratorTrainer(data, gc, targets, o.generatorRun()), gc, targets, tree,
            out.resolve(GeneratorArtifact.DIRECTORY), progress);
        info.put("generator_best_validation_loss", gen.get("best_validation_loss"));
        info.put("generator_prior_loss_per_circle", gen.get("prior_validation_loss_per_circle"));
        info.put("generator_minutes", gen.get("training_minutes"));
        info.put("generator_stop", gen.get("stop"));
        info.put("generator_epochs", gen.get("epochs"));

        boolean served = false;
        if (o.withTower()) {
            UserTowerTrainer trainer = new UserTowerTrainer(seqs, vectors, tree, Metric.COSINE, o.tower().forTree(tree.maxDepth(), tree.maxFanOut()),
                targets, o.towerRun());
            Path towerDir = out.resolve(UserTowerArtifact.DIRECTORY);
            UserTowerArtifact.Trained t = UserTowerArtifact.trainAndWrite(trainer, users, pretrained, tree, towerDir, progress);
            info.put("user_tower", t.info());
            // Serve the tower only when it finds a user's next in-circle items better than the mean of the slice does, on
            // the tower's own validation samples (not on any test user): on sparse or short sequences it may not.
            @SuppressWarnings("unchecked")
            Map<String, Object> inCircle = (Map<String, Object>) t.info().get("validation_in_circle");
            double towerHits = ((Number) inCircle.get("user_tower_hit_rate")).doubleValue();
            double meanHits = ((Number) inCircle.get("mean_of_slice_hit_rate")).doubleValue();
            served = towerHits > meanHits;
            info.put("user_vectors", served ? "user_tower" : "mean_of_slice");
            info.put("user_vectors_why", String.format(Locale.ROOT, "%s: the user tower's in-circle hit@10 on its validation samples is %.3f, "
                + "the mean of the slice's %.3f", served ? "the tower is served" : "fallback to the mean of the slice", towerHits, meanHits));
            if (!served) {
                MoreFiles.deleteQuietly(towerDir);
            }
            System.err.println("rimirec pipeline: " + info.get("user_vectors_why"));
        } else {
            info.put("user_vectors", "mean_of_slice");
            info.put("user_vectors_why", "no user tower trained (userVectors=mean)");
        }
        info.put("minutes", Math.round((System.nanoTime() - t0) / 6e9) / 10.0);
        return new Result(vectors, tree, served, info);
    }
}
