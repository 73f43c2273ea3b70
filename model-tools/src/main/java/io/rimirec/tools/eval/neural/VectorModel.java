package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.ScoringRecommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.nn.LossCurve;
import io.rimirec.tools.train.nn.Nn;
import io.rimirec.tools.train.nn.Params;
import io.rimirec.tools.train.nn.Torch;
import io.rimirec.tools.train.nn.TrainLoop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * An embedding-based retrieval model trained with DJL: a user tower maps a history to one or more vectors, the
 * item table holds one vector per item, and an item's score is its best inner product with any of the user's
 * vectors (for several interest vectors this equals retrieving top-M per vector and merging by score, as
 * ComiRec does). Training and item export happen in {@link #fit}; scoring runs the user tower (frozen) in DJL
 * and the dot products in Java.
 *
 * <p>Common settings: {@code dim}, {@code epochs}, {@code batch}, {@code lr}, {@code maxLen} (history items the
 * tower reads), {@code negatives} (0 = softmax over the whole catalogue, else sampled softmax with that many
 * shared uniform negatives), {@code weightDecay}.
 */
abstract class VectorModel extends ScoringRecommender {

    protected final Settings settings;
    protected final int dim;
    protected final int maxLen;
    protected final int negatives;
    protected Params params;
    protected int numItems;
    private float[] itemMatrix;
    private LossCurve curve;
    private double fitSeconds;

    VectorModel(Settings settings) {
        this.settings = settings;
        this.dim = settings.getInt("dim");
        this.maxLen = settings.getInt("maxLen");
        this.negatives = settings.getInt("negatives");
    }

    /** Defines the parameters for a catalogue of {@code numItems} items. */
    protected abstract void define(Params p, int numItems);

    /** Trains the parameters, one {@link TrainLoop#epoch} call per epoch; returns the loss curve. */
    protected abstract LossCurve train(TrainingData data, FitContext ctx, Random rnd);

    /** User vectors {@code [b, k, dim]} for a batch of histories (inference, frozen parameters). */
    protected abstract NDArray userVectors(NDManager m, List<int[]> histories);

    /** The item vectors {@code [numItems, dim]} scored against user vectors. */
    protected abstract NDArray itemVectors();

    @Override
    public final void fit(TrainingData data, FitContext ctx) {
        long t0 = System.nanoTime();
        Torch.TRAINING.lock();
        try {
            Torch.engine().setRandomSeed((int) ctx.seed());
            numItems = data.numItems();
            params = new Params(ctx.seed());
            define(params, numItems);
            ctx.log().printf(Locale.ROOT, "%s: %d parameters, settings %s%n", getClass().getSimpleName(), params.count(), settings);
            curve = train(data, ctx, new Random(ctx.seed()));
            params.freeze();
            itemMatrix = itemVectors().toFloatArray();
            afterFit(data, ctx);
        } finally {
            Torch.TRAINING.unlock();
        }
        fitSeconds = (System.nanoTime() - t0) / 1e9;
    }

    /** Runs once after training, with the trained (frozen) parameters still open: what a model keeps beyond its scores. */
    protected void afterFit(TrainingData data, FitContext ctx) {}

    /** Loss of a softmax over the whole catalogue, or sampled over shared uniform negatives; see {@link #newCurve}. */
    protected NDArray softmaxLoss(NDManager m, NDArray user, NDArray items, long[] targets, Random rnd) {
        return Nn.softmaxLoss(m, user, items, targets, negatives, numItems, rnd);
    }

    /** The loss a model that has learned nothing would have: ln(candidates of each softmax). */
    protected LossCurve newCurve() {
        return LossCurve.softmax(negatives, numItems);
    }

    @Override
    protected int numItems() {
        return numItems;
    }

    @Override
    protected void score(List<Query> batch, float[][] scores) {
        List<int[]> hist = new ArrayList<>(batch.size());
        for (Query q : batch) {
            hist.add(q.history());
        }
        float[] users;
        int k;
        try (NDManager m = params.manager().newSubManager()) {
            NDArray u = userVectors(m, hist);
            k = (int) u.getShape().get(1);
            users = u.toFloatArray();
        }
        maxDot(users, k, itemMatrix, dim, scores);
    }

    /**
     * {@code scores[q][i]} = the best dot product of item i with any of query q's {@code k} vectors.
     *
     * @param users [queries * k * d] row-major
     * @param items [numItems * d] row-major, numItems = {@code scores[q].length}
     */
    static void maxDot(float[] users, int k, float[] items, int d, float[][] scores) {
        for (int q = 0; q < scores.length; q++) {
            float[] s = scores[q];
            java.util.Arrays.fill(s, Float.NEGATIVE_INFINITY);
            for (int v = 0; v < k; v++) {
                int uo = (q * k + v) * d;
                for (int i = 0; i < s.length; i++) {
                    int io = i * d;
                    float dot = 0f;
                    for (int j = 0; j < d; j++) {
                        dot += users[uo + j] * items[io + j];
                    }
                    if (dot > s[i]) {
                        s[i] = dot;
                    }
                }
            }
        }
    }

    @Override
    public Map<String, Object> diagnostics() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (params != null) {
            m.put("parameters", params.count());
        }
        m.put("fit_seconds", Math.round(fitSeconds * 10) / 10.0);
        if (curve != null) {
            m.putAll(curve.toMap());
        }
        return m;
    }

    @Override
    public void close() {
        if (params != null) {
            params.close();
        }
    }
}
