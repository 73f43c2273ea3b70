package io.rimirec.tools.eval.rimirec;

import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.codebook.Residual;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.pipeline.InMemoryRecall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * rimirec offline, one row per beam width B: the interest generator's B circles for the history, one user vector per
 * circle (the trained user tower, or the mean of the history inside it with {@code userVectors=mean}), an exact search inside each circle, the quota merge. Every B shares one
 * fitted {@link RimirecModel} per task. It is the {@code rimirec} query's code path ({@link RecallPlanner},
 * {@link io.rimirec.core.merge.QuotaMerge}, through {@link InMemoryRecall}) with the k-NN search done exactly in memory, so the online query should reproduce these rows.
 *
 * <p>The {@code -codes} rows read the history as the query does with {@code "history_source": "codes"}: every history
 * item's vector is its reconstruction from packed codes of a cosine residual codebook (3 layers of 256, balance ratio 2,
 * trained on the item vectors), and its leaf is the reconstruction's leaf. Candidates are still searched on the real
 * vectors, as in the index.
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
        UNIFIED("rimirec-unified-b", "ablation: as rimirec, but every circle's user vector is built from the whole history (no behaviour split)"),
        /** The same fitted tree and generator, but mean-of-slice user vectors instead of the trained user tower. */
        MEAN("rimirec-mean-b", "as rimirec, but each circle's user vector is the mean of its slice (same fitted model): isolates what the user tower adds");

        final String prefix;
        final String what;

        Variant(String prefix, String what) {
            this.prefix = prefix;
            this.what = what;
        }
    }

    private final int beams;
    private final Variant variant;
    private final boolean historyFromCodes;

    public RimirecMethod(int beams) {
        this(beams, Variant.MAIN, false);
    }

    public RimirecMethod(int beams, Variant variant) {
        this(beams, variant, false);
    }

    /** rimirec with the history read from residual codes (as {@code "history_source": "codes"} does). */
    public RimirecMethod(int beams, boolean historyFromCodes) {
        this(beams, Variant.MAIN, historyFromCodes);
    }

    private RimirecMethod(int beams, Variant variant, boolean historyFromCodes) {
        this.beams = beams;
        this.variant = variant;
        this.historyFromCodes = historyFromCodes;
    }

    public int beams() {
        return beams;
    }

    public Variant variant() {
        return variant;
    }

    @Override
    public String name() {
        return variant.prefix + beams + (historyFromCodes ? "-codes" : "");
    }

    @Override
    public String describe() {
        return "rimirec, B=" + beams + (historyFromCodes ? ", history decoded from cosine residual codes (3x256)" : "") + ": " + variant.what;
    }

    @Override
    public List<Settings> grid(boolean quick) {
        if (quick) {
            return List.of(Settings.of("dim", 16, "k", 4, "c", 250, "maxHistory", 30, "recent", 15, "width", 32, "heads", 4, "layers", 1,
                "ffn", 64, "dropout", 0.0, "epochs", 6, "samplesPerUser", 2, "maxMinutes", 2.0, "alpha", 1.0, "vectors", "content",
                "userVectors", "tower", "towerMaxSlice", 20, "towerWidth", 16, "towerLayers", 1, "towerEpochs", 4, "towerSamples", 4,
                "negatives", 32, "globalShare", 0.5, "pretrainMinutes", 1.0, "towerMinutes", 1.0, "pretrainPatience", 2));
        }
        // The generator's ML-1M configuration (docs/generator.md) and the user tower's (docs/user-tower.md), each bound by
        // epochs and early stopping, not by time: time limits made a fit depend on the machine's load (two fits of the
        // same command got 4 and 15 pretraining epochs and R@50 32.6 vs 35.5). Set maxMinutes / pretrainMinutes /
        // towerMinutes with --set to cap a run on a slow machine. Pretraining waits 5 epochs for a better validation loss:
        // with 2 it stopped at a one-epoch bump (best epoch 4, validation 3.021, R@50 32.6) where a longer run reached
        // 2.945 after 15 epochs (R@50 35.5).
        // The generator is smaller than docs/generator.md's ML-1M one (width 32, one layer each side, history 30): on the shared
        // machine the full one did not finish its first epoch within the limit.
        return List.of(Settings.of("dim", 64, "k", 4, "c", 250, "maxHistory", 30, "recent", 15, "width", 32, "heads", 4, "layers", 1,
            "ffn", 128, "dropout", 0.1, "epochs", 30, "samplesPerUser", 1, "maxMinutes", 0.0, "alpha", 1.0, "vectors", "learned",
            "userVectors", "tower", "towerMaxSlice", 50, "towerWidth", 64, "towerLayers", 1, "towerEpochs", 30, "towerSamples", 4,
            "negatives", 128, "globalShare", 0.5, "pretrainMinutes", 0.0, "towerMinutes", 0.0, "pretrainPatience", 5));
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
            private float[][] historyVectors; // the model's item vectors, or their reconstructions from codes
            private CirclePath[] historyLeaves;
            private RecallPlanner planner;

            @Override
            public void fit(TrainingData data, FitContext ctx) {
                Settings modelSettings = settings.with("alpha", 0);
                model = sharedModel(data, settings, ctx);
                planner = switch (variant) {
                    case UNIFIED -> model.planner.withHistoryMode(RecallPlanner.HistoryMode.UNIFIED);
                    case MEAN -> model.meanPlanner;
                    case MAIN, WHOLE_LIBRARY -> model.planner;
                };
                historyVectors = model.recall.vectors();
                historyLeaves = model.recall.leaves();
                if (historyFromCodes) {
                    float[][][] decoded = data.derived("rimirec-codes " + modelSettings, () -> decodedVectors(model, ctx.seed()));
                    historyVectors = decoded[0];
                    historyLeaves = new CirclePath[historyVectors.length];
                    for (int i = 0; i < historyVectors.length; i++) {
                        historyLeaves[i] = historyVectors[i] == null ? null : model.tree.assign(historyVectors[i]);
                    }
                }
            }

            @Override
            public int[][] recommend(List<Query> batch, int m) {
                return Recommender.eachQuery(batch, query -> recommendOne(query, m));
            }

            private int[] recommendOne(Query query, int m) {
                List<HistoryItem> history = new ArrayList<>();
                for (int item : query.history()) {
                    if (historyVectors[item] != null) {
                        history.add(new HistoryItem(Integer.toString(item), historyVectors[item], historyLeaves[item]));
                    }
                }
                return model.recall.recommend(planner, history, beams, m, settings.getDouble("alpha"), variant == Variant.WHOLE_LIBRARY, query.exclude());
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
