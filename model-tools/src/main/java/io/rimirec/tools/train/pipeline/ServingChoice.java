package io.rimirec.tools.train.pipeline;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.hymirec.InterestModel;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.recall.UserVectors;
import io.rimirec.core.tower.UserTower;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.tower.UserTowerArtifact;
import io.rimirec.tools.util.Metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ways a trained model can answer a {@code rimirec} query, run in memory exactly as the query runs them
 * ({@link InMemoryRecall}: the planner, exact searches, the query's merges), and the choice among them that
 * {@code rimirec train} records in the bundle as the model's serving defaults: the strategy, the beams and whether
 * each circle's user vector reads the history inside it (the behaviour split) or the whole history.
 *
 * <p>The choice is made on <b>selection users</b> (carved out like the check's users, never the same ones), by
 * Recall@{@value #CUTOFF}; the held-out check then reports every way on its own users, so the served configuration is
 * measured on users that did not choose it. Which way wins depends on the data (on ML-1M the whole-history user vectors
 * win with a trained tower; on short sequences fewer beams may), which is why it is measured rather than fixed.
 */
public final class ServingChoice implements AutoCloseable {

    /** The cutoff the choice maximises recall at (the check's largest). */
    public static final int CUTOFF = 50;
    /** The beams tried. */
    public static final int[] BEAMS = {1, 2, 4, 6, 8};

    /** One way to serve: its row name in reports and the serving defaults that select it. */
    public record Way(String name, BundleManifest.Serving serving) {
        boolean hymirec() {
            return BundleManifest.Serving.HYMIREC.equals(serving.strategy());
        }
    }

    /** The chosen way and every way's Recall@{@value #CUTOFF} on the selection users (percent). */
    public record Choice(Way way, int users, Map<String, Double> recall) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("served", way.name());
            m.put("serving_defaults", way.serving().toString());
            m.put("selection_users", users);
            Map<String, String> r = new LinkedHashMap<>();
            recall.forEach((k, v) -> r.put(k, String.format(Locale.ROOT, "%.2f", v)));
            m.put("selection_recall_at_" + CUTOFF, r);
            return m;
        }
    }

    private final InMemoryRecall recall;
    private final InterestGenerator generator;
    private final UserTower tower;
    private final InterestModel interests;
    private final RecallPlanner split;
    private final RecallPlanner unified;
    private final List<Way> ways = new ArrayList<>();

    /**
     * Opens the parts in {@code modelDir} (generator, user tower when there is one, interest model when there is one) with
     * the item vectors and tree they serve.
     */
    public static ServingChoice open(float[][] vectors, CircleTree tree, Path modelDir, Codebook codebook) throws IOException {
        OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        InterestGenerator generator = InterestGenerator.load(modelDir.resolve(GeneratorArtifact.DIRECTORY), tree, sessions);
        UserTower tower = null;
        InterestModel interests = null;
        try {
            Path towerDir = modelDir.resolve(UserTowerArtifact.DIRECTORY);
            tower = Files.isDirectory(towerDir) ? UserTower.load(towerDir, tree, sessions) : null;
            Path interestDir = modelDir.resolve(BundleManifest.PART_INTEREST_MODEL);
            interests = Files.isDirectory(interestDir) ? InterestModel.load(interestDir, tree.dimension(), codebook, sessions) : null;
        } catch (IOException | RuntimeException e) {
            generator.close();
            if (tower != null) {
                tower.close();
            }
            throw e;
        }
        return new ServingChoice(new InMemoryRecall(vectors, tree), generator, tower, interests);
    }

    private ServingChoice(InMemoryRecall recall, InterestGenerator generator, UserTower tower, InterestModel interests) {
        this.recall = recall;
        this.generator = generator;
        this.tower = tower;
        this.interests = interests;
        UserVectors userVectors = tower != null ? tower : UserVectors.MEAN_OF_SLICE;
        this.split = new RecallPlanner(generator, userVectors, RecallPlanner.DEFAULT_MAX_PER_CIRCLE);
        this.unified = split.withHistoryMode(RecallPlanner.HistoryMode.UNIFIED);
        // Cheaper ways first: a later way must do strictly better to be chosen.
        for (int b : BEAMS) {
            ways.add(new Way("rimirec-b" + b, new BundleManifest.Serving(BundleManifest.Serving.CIRCLES, b, true)));
            ways.add(new Way("rimirec-b" + b + "-whole-history", new BundleManifest.Serving(BundleManifest.Serving.CIRCLES, b, false)));
        }
        if (interests != null) {
            ways.add(new Way("hymirec", new BundleManifest.Serving(BundleManifest.Serving.HYMIREC, null, null)));
        }
    }

    public List<Way> ways() {
        return List.copyOf(ways);
    }

    public InMemoryRecall recall() {
        return recall;
    }

    /** The planner of the circles' ways ({@code split} = the behaviour split), for callers that also inspect the plan. */
    public RecallPlanner planner(boolean split) {
        return split ? this.split : unified;
    }

    /** The top {@code m} that {@code way} serves for a history (catalogue indexes), {@code exclude} left out. */
    public int[] rank(Way way, List<HistoryItem> history, int m, BitSet exclude) {
        if (history.isEmpty()) {
            return new int[0];
        }
        if (way.hymirec()) {
            return recall.recommendInterests(interests.interests(history.stream().map(HistoryItem::vector).toList(), false), m, exclude);
        }
        RecallPlanner planner = planner(way.serving().historySplit());
        return recall.recommend(planner.plan(history, way.serving().beams()), m, 1.0, false, exclude);
    }

    /** The way with the best mean Recall@{@value #CUTOFF} over {@code users}; null when there are none. */
    public Choice choose(List<TrainRun.HeldOutUser> users) {
        if (users.isEmpty()) {
            return null;
        }
        Map<String, Double> recallByWay = new LinkedHashMap<>();
        Way best = null;
        double bestRecall = -1;
        for (Way way : ways) {
            double sum = 0;
            for (TrainRun.HeldOutUser u : users) {
                BitSet exclude = new BitSet();
                for (int item : u.history()) {
                    exclude.set(item);
                }
                BitSet targets = new BitSet();
                for (int t : u.targets()) {
                    targets.set(t);
                }
                sum += Metrics.recall(rank(way, recall.history(u.history()), CUTOFF, exclude), CUTOFF, targets);
            }
            double r = 100 * sum / users.size();
            recallByWay.put(way.name(), r);
            if (r > bestRecall) {
                bestRecall = r;
                best = way;
            }
        }
        return new Choice(best, users.size(), recallByWay);
    }

    @Override
    public void close() {
        generator.close();
        if (tower != null) {
            tower.close();
        }
        if (interests != null) {
            interests.close();
        }
    }
}
