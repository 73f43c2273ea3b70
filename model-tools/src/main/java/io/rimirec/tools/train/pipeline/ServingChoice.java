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
    /** The name of the way that serves the HyMiRec interest model. */
    public static final String HYMIREC = "hymirec";
    /** Names of the circles' ways with whole-history user vectors end with this. */
    public static final String WHOLE_HISTORY = "-whole-history";

    /** One way to serve: its row name in reports and the serving defaults that select it. */
    public record Way(String name, BundleManifest.Serving serving) {}

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
            ways.add(new Way("rimirec-b" + b + WHOLE_HISTORY, new BundleManifest.Serving(BundleManifest.Serving.CIRCLES, b, false)));
        }
        if (interests != null) {
            ways.add(new Way(HYMIREC, new BundleManifest.Serving(BundleManifest.Serving.HYMIREC, null, null)));
        }
    }

    public List<Way> ways() {
        return List.copyOf(ways);
    }

    public InMemoryRecall recall() {
        return recall;
    }

    /**
     * One user's top {@code m} under every way, by way name (empty lists for a history with no vector), and the
     * behaviour-split plan of every B ({@link #BEAMS}, empty for such a history). The generator runs once per B: both
     * history modes search the same circles.
     */
    public record Ranked(Map<String, int[]> byWay, Map<Integer, RecallPlanner.Plan> splitPlans) {}

    /** Every way's answer for a history (catalogue indexes), {@code exclude} left out. */
    public Ranked rankAll(List<HistoryItem> history, int m, BitSet exclude) {
        Map<String, int[]> byWay = new LinkedHashMap<>();
        Map<Integer, RecallPlanner.Plan> splitPlans = new LinkedHashMap<>();
        if (history.isEmpty()) {
            ways.forEach(w -> byWay.put(w.name(), new int[0]));
            return new Ranked(byWay, splitPlans);
        }
        for (int b : BEAMS) {
            RecallPlanner.Generated circles = split.generate(history, b);
            RecallPlanner.Plan splitPlan = split.plan(history, circles);
            splitPlans.put(b, splitPlan);
            byWay.put("rimirec-b" + b, recall.recommend(splitPlan, m, 1.0, false, exclude));
            byWay.put("rimirec-b" + b + WHOLE_HISTORY, recall.recommend(unified.plan(history, circles), m, 1.0, false, exclude));
        }
        if (interests != null) {
            byWay.put(HYMIREC, recall.recommendInterests(interests.interests(history.stream().map(HistoryItem::vector).toList(), false), m, exclude));
        }
        return new Ranked(byWay, splitPlans);
    }

    /** The way with the best mean Recall@{@value #CUTOFF} over {@code users}; null when there are none. */
    public Choice choose(List<TrainRun.HeldOutUser> users) {
        if (users.isEmpty()) {
            return null;
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        ways.forEach(w -> sums.put(w.name(), 0.0));
        for (TrainRun.HeldOutUser u : users) {
            BitSet exclude = new BitSet();
            for (int item : u.history()) {
                exclude.set(item);
            }
            BitSet targets = new BitSet();
            for (int t : u.targets()) {
                targets.set(t);
            }
            rankAll(recall.history(u.history()), CUTOFF, exclude).byWay()
                .forEach((name, ranked) -> sums.merge(name, Metrics.recall(ranked, CUTOFF, targets), Double::sum));
        }
        Map<String, Double> recallByWay = new LinkedHashMap<>();
        Way best = null;
        for (Way way : ways) { // in order, cheaper first: a later way must do strictly better
            double r = 100 * sums.get(way.name()) / users.size();
            recallByWay.put(way.name(), r);
            if (best == null || r > recallByWay.get(best.name())) {
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
