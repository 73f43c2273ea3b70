package io.rimirec.tools.eval.rimirec;

import io.rimirec.core.merge.QuotaMerge;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.tree.CirclePath;
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
 * circle (mean of the history inside it), an exact search inside each circle, the quota merge. Every B shares one
 * fitted {@link RimirecModel} per task. It is the {@code rimirec} query's code path ({@link RecallPlanner},
 * {@link QuotaMerge}) with the k-NN search done exactly in memory, so the online query should reproduce these rows.
 *
 * <p>A history with no item that has a vector (only items unseen in training) gets no recommendations.
 */
public final class RimirecMethod implements Method {

    /**
     * rimirec itself, or one of the paper's two ablations (HimiRec Table 3). Every variant uses the same fitted
     * {@link RimirecModel} (generator, tree, item vectors and whatever {@code UserVectors} the model has).
     */
    public enum Variant {
        /** Circles from the generator, the history split by circle, each circle searched with its own user vector. */
        MAIN("rimirec-b", "generated circles, per-circle user vectors from the split history, exact search inside each circle, quota merge"),
        /** The same circles and per-circle user vectors, but every search runs over the whole library. */
        WHOLE_LIBRARY("rimirec-wholelib-b", "ablation: as rimirec, but each circle's user vector searches the whole library, not its circle"),
        /** The same circles and circle searches, but every circle's user vector comes from the whole history (no split). */
        UNIFIED("rimirec-unified-b", "ablation: as rimirec, but every circle's user vector is built from the whole history (no behaviour split)");

        final String prefix;
        final String what;

        Variant(String prefix, String what) {
            this.prefix = prefix;
            this.what = what;
        }
    }

    private final int beams;
    private final Variant variant;

    public RimirecMethod(int beams) {
        this(beams, Variant.MAIN);
    }

    public RimirecMethod(int beams, Variant variant) {
        this.beams = beams;
        this.variant = variant;
    }

    public int beams() {
        return beams;
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public String name() {
        return variant.prefix + beams;
    }

    @Override
    public String describe() {
        return "rimirec, B=" + beams + ": " + variant.what;
    }

    @Override
    public List<Settings> grid(boolean quick) {
        if (quick) {
            return List.of(Settings.of("dim", 16, "k", 4, "c", 250, "maxHistory", 30, "recent", 15, "width", 32, "heads", 4, "layers", 1,
                "ffn", 64, "dropout", 0.0, "epochs", 6, "samplesPerUser", 2, "maxMinutes", 2.0, "alpha", 1.0));
        }
        // The generator's ML-1M configuration (docs/generator.md), trained within a time limit.
        return List.of(Settings.of("dim", 32, "k", 4, "c", 250, "maxHistory", 50, "recent", 25, "width", 64, "heads", 4, "layers", 2,
            "ffn", 256, "dropout", 0.1, "epochs", 30, "samplesPerUser", 2, "maxMinutes", 20.0, "alpha", 1.0));
    }

    /**
     * The model fitted on {@code data} with {@code settings}, trained once and shared by every B and every variant
     * (alpha only changes the merge, so it is not part of the key).
     */
    static RimirecModel sharedModel(TrainingData data, Settings settings, FitContext ctx) {
        Settings modelSettings = settings.with("alpha", 0);
        return data.derived("rimirec-model " + modelSettings, () -> RimirecModel.train(data, settings, ctx));
    }

    @Override
    public Recommender create(Settings settings) {
        return new Recommender() {
            private RimirecModel model;
            private RecallPlanner planner;

            @Override
            public void fit(TrainingData data, FitContext ctx) {
                model = sharedModel(data, settings, ctx);
                planner = variant == Variant.UNIFIED ? model.planner.withHistoryMode(RecallPlanner.HistoryMode.UNIFIED) : model.planner;
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
                RecallPlanner.Plan plan = planner.plan(history, beams);
                List<QuotaMerge.CircleCandidates> candidates = new ArrayList<>(plan.circles().size());
                for (RecallPlanner.CirclePlan c : plan.circles()) {
                    int[] searched = variant == Variant.WHOLE_LIBRARY ? model.itemsUnder(CirclePath.ROOT) : model.itemsUnder(c.circle());
                    List<String> ids = exactTop(c.userVector(), searched, m, query.exclude());
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
