package io.rimirec.tools.eval.rimirec;

import io.rimirec.core.merge.QuotaMerge;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TopK;
import io.rimirec.tools.eval.TrainingData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * rimirec offline, one row per beam width B: the interest generator's B circles for the history, one user vector per
 * circle (the trained user tower, or the mean of the history inside it with {@code userVectors=mean}), an exact search inside each circle, the quota merge. Every B shares one
 * fitted {@link RimirecModel} per task. It is the {@code rimirec} query's code path ({@link RecallPlanner},
 * {@link QuotaMerge}) with the k-NN search done exactly in memory, so the online query should reproduce these rows.
 *
 * <p>A history with no item that has a vector (only items unseen in training) gets no recommendations.
 */
public final class RimirecMethod implements Method {

    private final int beams;
    private final boolean mean;

    public RimirecMethod(int beams) {
        this(beams, false);
    }

    /**
     * @param mean serve mean-of-slice user vectors from the same fitted model (tree, generator) as the tower rows: the
     *             {@code rimirec-mean-bB} rows, which isolate what the trained user tower adds
     */
    public RimirecMethod(int beams, boolean mean) {
        this.beams = beams;
        this.mean = mean;
    }

    @Override
    public String name() {
        return (mean ? "rimirec-mean-b" : "rimirec-b") + beams;
    }

    @Override
    public String describe() {
        return "rimirec, B=" + beams + ": generated circles, per-circle user vectors (" + (mean ? "mean of the slice, same fitted model as rimirec-b" + beams
            : "trained user tower") + "), exact search inside each circle, quota merge";
    }

    @Override
    public List<Settings> grid(boolean quick) {
        if (quick) {
            return List.of(Settings.of("dim", 16, "k", 4, "c", 250, "maxHistory", 30, "recent", 15, "width", 32, "heads", 4, "layers", 1,
                "ffn", 64, "dropout", 0.0, "epochs", 6, "samplesPerUser", 2, "maxMinutes", 2.0, "alpha", 1.0, "vectors", "content",
                "userVectors", "tower", "towerMaxSlice", 20, "towerWidth", 16, "towerLayers", 1, "towerEpochs", 4, "towerSamples", 4,
                "negatives", 32, "globalShare", 0.5, "pretrainMinutes", 1.0, "towerMinutes", 1.0));
        }
        // The generator's ML-1M configuration (docs/generator.md) and the user tower's (docs/user-tower.md), each trained
        // within a time limit so that one run stays near 30 minutes on a shared 2-core machine.
        // The generator is smaller than docs/generator.md's ML-1M one (width 32, one layer each side, history 30): on the shared
        // machine the full one did not finish its first epoch within the limit.
        return List.of(Settings.of("dim", 64, "k", 4, "c", 250, "maxHistory", 30, "recent", 15, "width", 32, "heads", 4, "layers", 1,
            "ffn", 128, "dropout", 0.1, "epochs", 30, "samplesPerUser", 1, "maxMinutes", 12.0, "alpha", 1.0, "vectors", "learned",
            "userVectors", "tower", "towerMaxSlice", 50, "towerWidth", 64, "towerLayers", 1, "towerEpochs", 30, "towerSamples", 4,
            "negatives", 128, "globalShare", 0.5, "pretrainMinutes", 4.0, "towerMinutes", 6.0));
    }

    @Override
    public Recommender create(Settings settings) {
        return new Recommender() {
            private RimirecModel model;

            @Override
            public void fit(TrainingData data, FitContext ctx) {
                // Everything but alpha shapes the model; the B rows of one run share it.
                Settings modelSettings = settings.with("alpha", 0);
                model = data.derived("rimirec-model " + modelSettings, () -> RimirecModel.train(data, settings, ctx));
            }

            @Override
            public int[][] recommend(List<Query> batch, int m) {
                int[][] out = new int[batch.size()][];
                for (int q = 0; q < batch.size(); q++) {
                    out[q] = recommendOne(batch.get(q), m);
                }
                return out;
            }

            private int[] recommendOne(Query query, int m) {
                List<HistoryItem> history = new ArrayList<>();
                for (int item : query.history()) {
                    if (model.vectors[item] != null) {
                        history.add(new HistoryItem(Integer.toString(item), model.vectors[item], model.leafOf[item]));
                    }
                }
                if (history.isEmpty()) {
                    return new int[0];
                }
                RecallPlanner.Plan plan = (mean ? model.meanPlanner : model.planner).plan(history, beams);
                List<QuotaMerge.CircleCandidates> candidates = new ArrayList<>(plan.circles().size());
                for (RecallPlanner.CirclePlan c : plan.circles()) {
                    List<String> ids = exactTop(c.userVector(), model.itemsUnder(c.circle()), m, query.exclude());
                    candidates.add(new QuotaMerge.CircleCandidates(c.circle().toString(), c.probability(), ids));
                }
                return QuotaMerge.merge(candidates, m, settings.getDouble("alpha")).stream()
                    .mapToInt(h -> Integer.parseInt(h.item())).toArray();
            }

            /** The m members most similar to the user vector, best first, leaving out excluded items (exact search). */
            private List<String> exactTop(float[] user, int[] members, int m, BitSet exclude) {
                int n = 0;
                int[] kept = new int[members.length];
                float[] score = new float[members.length];
                for (int item : members) {
                    if (!exclude.get(item)) {
                        kept[n] = item;
                        score[n++] = model.tree.metric().similarity(user, model.vectors[item]);
                    }
                }
                float[] scores = Arrays.copyOf(score, n);
                int[] top = TopK.select(scores, Math.min(m, n), new BitSet(0));
                List<String> ids = new ArrayList<>(top.length);
                for (int slot : top) {
                    ids.add(Integer.toString(kept[slot]));
                }
                return ids;
            }

            @Override
            public Map<String, Object> diagnostics() {
                return model == null ? Map.of() : model.diagnostics;
            }
        };
    }
}
