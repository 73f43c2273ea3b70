package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.LossCurve;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.ScoringRecommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;

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

    /** Loss of a softmax over the whole catalogue, or sampled over shared uniform negatives; see {@link #chance}. */
    protected NDArray softmaxLoss(NDManager m, NDArray user, NDArray items, long[] targets, Random rnd) {
        int b = targets.length;
        NDArray t = m.create(targets);
        if (negatives <= 0) {
            return Nn.crossEntropy(user.matMul(items.transpose()), t);
        }
        long[] neg = new long[negatives];
        for (int i = 0; i < negatives; i++) {
            neg[i] = rnd.nextInt(numItems);
        }
        // A negative that happens to be the row's own target is masked out (accidental hit).
        float[] hitBias = new float[b * negatives];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < negatives; i++) {
                if (neg[i] == targets[r]) {
                    hitBias[r * negatives + i] = Nn.NEG;
                }
            }
        }
        NDArray pos = user.mul(Nn.lookup(items, t)).sum(new int[] {1}, true);
        NDArray negLogits = user.matMul(Nn.lookup(items, m.create(neg)).transpose()).add(m.create(hitBias, new Shape(b, negatives)));
        NDArray logits = pos.concat(negLogits, 1);
        return Nn.crossEntropy(logits, m.zeros(new Shape(b), ai.djl.ndarray.types.DataType.INT64));
    }

    /** The loss a model that has learned nothing would have: ln(candidates of each softmax). */
    protected LossCurve newCurve() {
        return negatives <= 0
            ? new LossCurve("softmax over all " + numItems + " items", numItems)
            : new LossCurve("sampled softmax, 1 positive + " + negatives + " negatives", 1L + negatives);
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
        int d = dim;
        for (int q = 0; q < batch.size(); q++) {
            float[] s = scores[q];
            java.util.Arrays.fill(s, Float.NEGATIVE_INFINITY);
            for (int v = 0; v < k; v++) {
                int uo = (q * k + v) * d;
                for (int i = 0; i < numItems; i++) {
                    int io = i * d;
                    float dot = 0f;
                    for (int j = 0; j < d; j++) {
                        dot += users[uo + j] * itemMatrix[io + j];
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
