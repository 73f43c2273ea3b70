package io.rimirec.it;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.merge.QuotaMerge;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.recall.UserVectors;
import io.rimirec.core.tower.UserTower;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.generator.PlantedInterests;
import io.rimirec.tools.train.generator.SequenceData;
import io.rimirec.tools.train.generator.TargetBuilder;
import io.rimirec.tools.train.tower.UserTowerArtifact;
import io.rimirec.tools.train.tower.UserTowerConfig;
import io.rimirec.tools.train.tower.UserTowerTrainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A planted catalogue (topics → sub-topics → leaves, 8-d, L2) with users, a tiny interest generator and a tiny user
 * tower really trained on it (seconds) and exported to ONNX, packed into a bundle (and into one without the tower); plus the offline answer of a rimirec query, computed with
 * the same core code (planner, quota merge) and exact per-circle search, to compare the cluster's answer with.
 */
final class RecallFixture {

    final PlantedInterests planted;
    final CircleTree tree;
    /** Tree + generator + user tower. */
    final byte[] bundle;
    /** Tree + generator: served with mean-of-slice user vectors. */
    final byte[] bundleWithoutTower;
    private final InterestGenerator generator;
    private final UserTower userTower;
    /** The exported generator artifact, for tests that pack it with other parts. */
    final Path generatorDir;

    RecallFixture(Path workDir) throws IOException {
        planted = PlantedInterests.generate(300, 3, 3, 3, 6, 8, 0.65, 0.30, 20, 40, 11);
        tree = planted.data.tree();
        GeneratorConfig config = new GeneratorConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), 24, 8, 16, 2, 1, 1, 32, 0.0f);
        TargetBuilder targets = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        GeneratorTrainer trainer = new GeneratorTrainer(planted.data, config, targets,
            new GeneratorTrainer.Options(5, 32, 2, 0.15, 5e-3f, 2, 10, 3, 0));
        Path artifact = Files.createDirectories(workDir).resolve("generator");
        generatorDir = artifact;
        GeneratorArtifact.trainAndWrite(trainer, config, targets, tree, artifact, ProgressListener.NONE);
        // A tiny user tower on the same data and tree, through the one train path.
        int[] users = new int[planted.data.users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        UserTowerTrainer towerTrainer = new UserTowerTrainer(planted.data.sequences(), planted.data.vectors(), tree, tree.metric(),
            new UserTowerConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), 16, 16, 2, 1, 32, 0f), targets,
            new UserTowerTrainer.Options(2, 64, 2, 0.15, 5e-3f, 2, 10, 15, 0.5, 0f, 3, 0));
        Path tower = workDir.resolve("user_tower");
        UserTowerArtifact.trainAndWrite(towerTrainer, users, null, tree, tower, ProgressListener.NONE);
        bundle = BundlePacker.ofTree(tree).name("planted").generator(artifact).userTower(tower).pack();
        bundleWithoutTower = BundlePacker.ofTree(tree).name("planted, no tower").generator(artifact).pack();
        OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        ModelBundle read = BundleArchive.read(bundle, Long.MAX_VALUE);
        generator = InterestGenerator.load(read, sessions);
        userTower = UserTower.load(read, sessions);
    }

    /**
     * A bundle for the same items on another tree ({@code branching} children per circle, leaves of at most
     * {@code leafCapacity}) with its own tiny generator: a model whose circles differ from this fixture's.
     */
    byte[] bundleOnAnotherTree(Path workDir, int branching, int leafCapacity) throws IOException {
        CircleTree other = new HierarchicalKMeans(TreeOptions.defaults(tree.metric()).withBranching(branching)
            .withLeafCapacity(leafCapacity).withSeed(5).withThreads(1)).build(planted.data.vectors());
        SequenceData data = SequenceData.of("planted on another tree", planted.data.userIds(), planted.data.sequences(),
            planted.data.vectors(), other);
        GeneratorConfig config = new GeneratorConfig(other.dimension(), other.maxDepth(), other.maxFanOut(), 24, 8, 16, 2, 1, 1, 32, 0.0f);
        TargetBuilder targets = new TargetBuilder(other, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        GeneratorTrainer trainer = new GeneratorTrainer(data, config, targets, new GeneratorTrainer.Options(2, 32, 2, 0.15, 5e-3f, 2, 10, 3, 0));
        Path artifact = Files.createDirectories(workDir).resolve("generator-" + branching + "-" + leafCapacity);
        GeneratorArtifact.trainAndWrite(trainer, config, targets, other, artifact, ProgressListener.NONE);
        return BundlePacker.ofTree(other).name("planted, another tree").generator(artifact).pack();
    }

    int items() {
        return planted.data.vectors().length;
    }

    static String id(int item) {
        return "i" + item;
    }

    float[] vector(int item) {
        return planted.data.vectors()[item];
    }

    List<String> historyIds(int user) {
        List<String> ids = new ArrayList<>();
        for (int item : planted.data.sequences().get(user)) {
            ids.add(id(item));
        }
        return ids;
    }

    Map<String, Object> uploadBody() {
        return uploadBody(bundle);
    }

    static Map<String, Object> uploadBody(byte[] zip) {
        return Map.of("bundle", Base64.getEncoder().encodeToString(zip));
    }

    /** The items a filter keeps (all when null). */
    interface ItemFilter {
        boolean keep(int item);
    }

    /**
     * What the rimirec query should answer: the planner's circles for the user's history (items found by id, leaves
     * by descent), then an exact k-NN inside every circle (excluding the history when asked), then the quota merge.
     *
     * @param k the query's fixed per-circle k, or null for its default
     */
    List<String> expected(int user, int beams, int size, Integer k, double alpha, boolean excludeHistory, ItemFilter filter) {
        return expected(true, user, beams, size, k, alpha, excludeHistory, filter);
    }

    /** As above, with the bundle's user tower ({@code tower}) or with mean-of-slice user vectors (the bundle without one). */
    List<String> expected(boolean tower, int user, int beams, int size, Integer k, double alpha, boolean excludeHistory, ItemFilter filter) {
        List<HistoryItem> history = new ArrayList<>();
        Set<Integer> historyItems = new HashSet<>();
        for (int item : planted.data.sequences().get(user)) {
            history.add(new HistoryItem(id(item), vector(item), tree.assign(vector(item))));
            historyItems.add(item);
        }
        RecallPlanner.Plan plan = new RecallPlanner(generator, tower ? userTower : UserVectors.MEAN_OF_SLICE, RecallPlanner.DEFAULT_MAX_PER_CIRCLE)
            .plan(history, beams);
        List<QuotaMerge.CircleCandidates> candidates = new ArrayList<>();
        int[] ks = QuotaMerge.candidatesPerCircle(size, plan.circles().stream().mapToDouble(RecallPlanner.CirclePlan::probability).toArray(), alpha);
        for (int i = 0; i < plan.circles().size(); i++) {
            RecallPlanner.CirclePlan c = plan.circles().get(i);
            int circleK = k != null ? k : ks[i]; // null: the query's default, quota + headroom
            List<Integer> inCircle = new ArrayList<>();
            for (int item = 0; item < items(); item++) {
                if (c.circle().contains(tree.assign(vector(item))) && (!excludeHistory || !historyItems.contains(item))
                    && (filter == null || filter.keep(item))) {
                    inCircle.add(item);
                }
            }
            inCircle.sort(Comparator.comparingDouble(item -> -tree.metric().similarity(c.userVector(), vector(item))));
            List<String> ids = inCircle.subList(0, Math.min(circleK, inCircle.size())).stream().map(RecallFixture::id).toList();
            candidates.add(new QuotaMerge.CircleCandidates(c.circle().toString(), c.probability(), ids));
        }
        return QuotaMerge.merge(candidates, size, alpha).stream().map(QuotaMerge.Hit::item).toList();
    }

    /** The index body: the rimirec fields for this catalogue's dimension and metric, plus an in_stock flag. */
    Map<String, Object> indexBody(int shards, int replicas, String pipeline) {
        Map<String, Object> vector = Map.of("type", "knn_vector", "dimension", tree.dimension(),
            "method", Map.of("name", "hnsw", "engine", "lucene", "space_type", tree.metric().knnSpaceType()));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("item_vector", vector);
        properties.put("circles", Map.of("type", "keyword"));
        properties.put("circle_leaf", Map.of("type", "keyword"));
        properties.put("circle_tree", Map.of("type", "keyword"));
        properties.put("in_stock", Map.of("type", "boolean"));
        return Map.of("settings", Map.of("index", Map.of("knn", true, "number_of_shards", shards, "number_of_replicas", replicas,
            "default_pipeline", pipeline)), "mappings", Map.of("properties", properties));
    }

    static boolean inStock(int item) {
        return item % 4 != 0;
    }
}
