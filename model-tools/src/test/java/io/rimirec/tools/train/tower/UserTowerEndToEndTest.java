package io.rimirec.tools.train.tower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.split.BehaviourSplit;
import io.rimirec.core.tower.TowerInput;
import io.rimirec.core.tower.UserTower;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.train.generator.PlantedInterests;
import io.rimirec.tools.train.generator.TargetBuilder;
import org.bytedeco.onnx.global.onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains a tiny user tower on random-walk users over a small cosine catalogue (seconds) through the one train path, then checks that it learned
 * (loss well below chance), that the ONNX export passes the checker and matches DJL, and that core's ONNX Runtime
 * {@link UserTower} serves it: same vectors as the network, all circles in one run, empty slices, clear errors.
 */
class UserTowerEndToEndTest {

    @TempDir
    static Path tmp;

    static PlantedInterests planted;
    static CircleTree tree;
    static UserTowerTrainer trainer;
    static NDManager manager;
    static UserTowerTrainer.Result result;
    static Map<String, Object> info;
    static Path artifact;

    static UserTowerTrainer trainer(CircleTree tree, double globalShare) {
        UserTowerConfig config = new UserTowerConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), 16, 16, 2, 1, 32, 0f);
        return new UserTowerTrainer(walks, vectors, tree, tree.metric(), config,
            new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6),
            new UserTowerTrainer.Options(3, 32, 8, 0.15, 5e-3f, 2, 10, 15, globalShare, 0f, 3, 0));
    }

    /**
     * Users who wander through the planted catalogue: each next item is one of the 4 nearest neighbours of the current
     * one. Inside a circle the next item is then predictable from the newest items (unlike the planted users, who pick
     * uniformly inside their circles), which is the signal a user tower with in-circle negatives has to learn.
     */
    static List<int[]> walks(float[][] v, int users, long seed) {
        java.util.Random r = new java.util.Random(seed);
        int[][] near = new int[v.length][];
        for (int i = 0; i < v.length; i++) {
            final int from = i;
            near[i] = java.util.stream.IntStream.range(0, v.length).filter(j -> j != from).boxed()
                .sorted(java.util.Comparator.comparingDouble(j -> io.rimirec.core.vector.Vectors.squaredDistance(v[from], v[j])))
                .limit(4).mapToInt(Integer::intValue).toArray();
        }
        List<int[]> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int[] s = new int[20 + r.nextInt(20)];
            s[0] = r.nextInt(v.length);
            for (int i = 1; i < s.length; i++) {
                s[i] = r.nextDouble() < 0.1 ? r.nextInt(v.length) : near[s[i - 1]][r.nextInt(4)];
            }
            out.add(s);
        }
        return out;
    }

    static List<int[]> walks;
    static float[][] vectors;

    static int[] allUsers() {
        int[] users = new int[walks.size()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        return users;
    }

    @BeforeAll
    static void train() throws IOException {
        planted = PlantedInterests.generate(20, 3, 3, 3, 6, 8, 0.65, 0.30, 20, 40, 11); // only its (L2) tree: "another tree"
        // Unit vectors in random directions and a cosine tree over them, as the demo and the evaluation build theirs.
        java.util.Random r = new java.util.Random(5);
        vectors = new float[150][8];
        for (float[] v : vectors) {
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) r.nextGaussian();
            }
            io.rimirec.core.vector.Vectors.normalizeInPlace(v);
        }
        tree = new io.rimirec.core.cluster.HierarchicalKMeans(io.rimirec.core.cluster.TreeOptions.defaults(io.rimirec.core.vector.Metric.COSINE)
            .withBranching(3).withLeafCapacity(12).withSeed(3)).build(vectors);
        walks = walks(vectors, 240, 5);
        trainer = trainer(tree, 0.5);
        artifact = tmp.resolve(UserTowerArtifact.DIRECTORY);
        manager = NDManager.newBaseManager();
        result = trainer.train(allUsers(), manager, null, false, ProgressListener.NONE);
        info = new java.util.LinkedHashMap<>(result.info());
        info.put("parity", UserTowerArtifact.write(result.network(), trainer, result, tree, artifact, info));
    }

    @AfterAll
    static void close() {
        result.network().close();
        manager.close();
    }

    @Test
    void learnedWellBelowChance() {
        double best = ((Number) info.get("best_validation_loss")).doubleValue();
        double chance = ((Number) info.get("chance_loss")).doubleValue();
        assertEquals(Math.log(16), chance, 1e-3);
        assertTrue(best < 0.92 * chance, "validation loss " + best + " vs chance " + chance);
        // What serving does with the vectors: rank the circle's items. The tower must beat the untrained mean of the slice.
        @SuppressWarnings("unchecked")
        Map<String, Object> hits = (Map<String, Object>) info.get("validation_in_circle");
        assertTrue(((Number) hits.get("user_tower_hit_rate")).doubleValue() > ((Number) hits.get("mean_of_slice_hit_rate")).doubleValue(), hits.toString());
        assertTrue((Double) info.get("parity") <= 1e-4, info.toString());
    }

    @Test
    void exportPassesTheOnnxChecker() {
        onnx.check_model(artifact.resolve(UserTowerArtifact.MODEL).toString(), true, false, false);
    }

    @Test
    void servingTowerMatchesTheTrainedNetworkInOneBatchedRun() throws IOException {
        NDManager m = manager;
        try (UserTower served = UserTower.load(artifact, tree, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            {
                UserTowerNetwork net = result.network();
                int[] seq = walks.get(0);
                List<HistoryItem> history = new ArrayList<>();
                List<CirclePath> leaves = new ArrayList<>();
                for (int item : seq) {
                    CirclePath leaf = tree.assign(vectors[item]);
                    history.add(new HistoryItem(Integer.toString(item), vectors[item], leaf));
                    leaves.add(leaf);
                }
                // Three circles of different depths, one holding none of the history (an empty slice).
                CirclePath full = leaves.get(leaves.size() - 1);
                CirclePath empty = null;
                for (CirclePath leaf : tree.leaves()) {
                    if (!leaves.contains(leaf)) {
                        empty = leaf;
                        break;
                    }
                }
                List<CirclePath> circles = List.of(full.prefix(1), full, empty);
                List<BehaviourSplit.Slice> slices = BehaviourSplit.split(leaves, circles, 200);
                assertTrue(slices.get(2).isEmpty());
                float[][] users = served.embed(history, slices);
                assertEquals(3, users.length);
                List<TowerInput.Row> rows = new ArrayList<>();
                for (BehaviourSplit.Slice s : slices) {
                    rows.add(new TowerInput.Row(s.circle(), s.positions().stream().map(p -> history.get(p).vector()).toList()));
                }
                TowerInput in = TowerInput.of(rows, net.config().vocabulary(), net.config().vectorDimension(), net.config().maxSlice());
                float[] djl = net.forward(m.create(in.vectors, new Shape(in.batch, in.length, in.dimension)), m.create(in.positions, new Shape(in.batch, in.length)),
                    m.create(in.mask, new Shape(in.batch, in.length)), m.create(in.circles, new Shape(in.batch, in.levels)), false).toFloatArray();
                int d = tree.dimension();
                for (int r = 0; r < 3; r++) {
                    for (int j = 0; j < d; j++) {
                        assertEquals(djl[r * d + j], users[r][j], 1e-4, "circle " + circles.get(r) + " component " + j);
                        assertTrue(Float.isFinite(users[r][j]));
                    }
                }
                // The empty slice is the circle's own vector: it does not depend on the rest of the batch.
                float[][] alone = served.embed(history, List.of(slices.get(2)));
                for (int j = 0; j < d; j++) {
                    assertEquals(users[2][j], alone[0][j], 1e-5);
                }
                assertEquals("user_tower", served.name());
            }
        }
    }

    @Test
    void wrongDimensionIsAClearError() throws IOException {
        try (UserTower served = UserTower.load(artifact, tree, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            CirclePath leaf = tree.leaves().get(0);
            List<HistoryItem> history = List.of(new HistoryItem("x", new float[tree.dimension() + 1], leaf));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> served.embed(history, BehaviourSplit.split(List.of(leaf), List.of(leaf), 10)));
            assertTrue(e.getMessage().contains("dimension " + (tree.dimension() + 1)) && e.getMessage().contains("vector_dimension " + tree.dimension()), e.getMessage());
        }
    }

    @Test
    void anotherTreeOrACorruptModelIsRefusedWithBothHashes() throws IOException {
        CircleTree other = planted.data.tree();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> UserTower.load(artifact, other, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1))));
        assertTrue(e.getMessage().contains(tree.contentHash()) && e.getMessage().contains(other.contentHash()), e.getMessage());
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Files.copy(artifact.resolve("user_tower.json"), broken.resolve("user_tower.json"));
        Files.write(broken.resolve(UserTowerArtifact.MODEL), new byte[] {1, 2, 3});
        IOException io = assertThrows(IOException.class, () -> UserTower.load(broken, tree, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1))));
        assertTrue(io.getMessage().contains(UserTowerArtifact.MODEL), io.getMessage());
    }

    @Test
    void modelPackTakesTheTowerAndRefusesOneForAnotherTree() throws IOException {
        byte[] zip = io.rimirec.tools.bundle.BundlePacker.ofTree(tree).userTower(artifact).pack();
        io.rimirec.core.bundle.ModelBundle bundle = io.rimirec.core.bundle.BundleArchive.read(zip, Long.MAX_VALUE);
        assertTrue(bundle.hasPart(io.rimirec.core.bundle.BundleManifest.PART_USER_TOWER));
        try (UserTower t = UserTower.load(bundle, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            assertEquals(tree.dimension(), t.manifest().outputDimension());
        }
        // Another tree of another dimension: refused at pack, naming the tower and both hashes; nothing is written.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> io.rimirec.tools.bundle.BundlePacker.ofTree(planted.data.tree()).userTower(artifact).pack());
        assertTrue(e.getMessage().contains("user tower [" + artifact + "]") && e.getMessage().contains(tree.contentHash())
            && e.getMessage().contains(planted.data.tree().contentHash()), e.getMessage());
    }

    @Test
    void globalNegativesAreEasierThanMixedOnes() {
        // With in-circle negatives the positive competes with its neighbours; with only global ones it mostly competes
        // with far-away items, which are told apart at once. Same seed, same samples; the setting
        // changes what is learned, which the ML-1M evaluation measures (docs/user-tower.md).
        try (NDManager m = NDManager.newBaseManager()) {
            UserTowerTrainer.Result global = trainer(tree, 1.0).train(allUsers(), m, null, false, ProgressListener.NONE);
            double h = ((Number) info.get("best_validation_loss")).doubleValue();
            double g = ((Number) global.info().get("best_validation_loss")).doubleValue();
            global.network().close();
            assertTrue(g < h, "global-negative loss " + g + " should be below the mixed (half in-circle) loss " + h);
        }
    }
}
