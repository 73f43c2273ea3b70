package io.rimirec.tools.eval.rimirec;

import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.codebook.Residual;
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
 * circle (mean of the history inside it), an exact search inside each circle, the quota merge. Every B shares one
 * fitted {@link RimirecModel} per task. It is the {@code rimirec} query's code path ({@link RecallPlanner},
 * {@link QuotaMerge}) with the k-NN search done exactly in memory, so the online query should reproduce these rows.
 *
 * <p>The {@code -codes} rows read the history as the query does with {@code "history_source": "codes"}: every history
 * item's vector is its reconstruction from packed codes of a cosine residual codebook (3 layers of 256, balance ratio 2,
 * trained on the item vectors), and its leaf is the reconstruction's leaf. Candidates are still searched on the real
 * vectors, as in the index.
 *
 * <p>A history with no item that has a vector (only items unseen in training) gets no recommendations.
 */
public final class RimirecMethod implements Method {

    private final int beams;
    private final boolean historyFromCodes;

    public RimirecMethod(int beams) {
        this(beams, false);
    }

    public RimirecMethod(int beams, boolean historyFromCodes) {
        this.beams = beams;
        this.historyFromCodes = historyFromCodes;
    }

    @Override
    public String name() {
        return "rimirec-b" + beams + (historyFromCodes ? "-codes" : "");
    }

    @Override
    public String describe() {
        return "rimirec, B=" + beams + (historyFromCodes ? ", history decoded from cosine residual codes (3x256)" : "") + ": generated circles, per-circle mean user vectors, exact search inside each circle, quota merge";
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

    @Override
    public Recommender create(Settings settings) {
        return new Recommender() {
            private RimirecModel model;
            private float[][] historyVectors; // model.vectors, or their reconstructions from codes
            private io.rimirec.core.tree.CirclePath[] historyLeaves;

            @Override
            public void fit(TrainingData data, FitContext ctx) {
                // Everything but alpha shapes the model; the B rows of one run share it.
                Settings modelSettings = settings.with("alpha", 0);
                model = data.derived("rimirec-model " + modelSettings, () -> RimirecModel.train(data, settings, ctx));
                historyVectors = model.vectors;
                historyLeaves = model.leafOf;
                if (historyFromCodes) {
                    float[][][] decoded = data.derived("rimirec-codes " + modelSettings, () -> decodedVectors(model, ctx.seed()));
                    historyVectors = decoded[0];
                    historyLeaves = new io.rimirec.core.tree.CirclePath[historyVectors.length];
                    for (int i = 0; i < historyVectors.length; i++) {
                        historyLeaves[i] = historyVectors[i] == null ? null : model.tree.assign(historyVectors[i]);
                    }
                }
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
                    if (historyVectors[item] != null) {
                        history.add(new HistoryItem(Integer.toString(item), historyVectors[item], historyLeaves[item]));
                    }
                }
                if (history.isEmpty()) {
                    return new int[0];
                }
                RecallPlanner.Plan plan = model.planner.plan(history, beams);
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

            /** Every item vector passed through a codebook trained on them: packed, unpacked, decoded (wrapped in one more array level for the cache). */
            private float[][][] decodedVectors(RimirecModel m, long seed) {
                List<float[]> present = new ArrayList<>();
                for (float[] v : m.vectors) {
                    if (v != null) {
                        present.add(v);
                    }
                }
                Codebook codebook = new CodebookTrainer(CodebookOptions.defaults(Residual.COSINE).withSeed(seed))
                    .train(present.toArray(new float[0][]), null).codebook();
                float[][] out = new float[m.vectors.length][];
                for (int i = 0; i < out.length; i++) {
                    if (m.vectors[i] != null) {
                        out[i] = codebook.decode(PackedCodes.unpack(codebook, PackedCodes.pack(codebook, codebook.encode(m.vectors[i]))));
                    }
                }
                return new float[][][] {out};
            }

            @Override
            public Map<String, Object> diagnostics() {
                return model == null ? Map.of() : model.diagnostics;
            }
        };
    }
}
