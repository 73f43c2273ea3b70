package io.rimirec.tools.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

import java.util.Random;

/**
 * The layers the baselines are built from, as functions of {@link Params}. Written out because DJL's transformer
 * block uses BatchNorm; LayerNorm here normalises each token over its last axis.
 *
 * <p><b>Constants in the autograd graph go through {@link #scale}</b>, never through DJL's {@code mul(Number)} /
 * {@code div(Number)} / {@code maximum(Number)} on an array that needs a gradient: on PyTorch those wrap the number
 * in a tensor over a Java direct buffer ({@code from_blob}, memory owned by Java) and close it as soon as the forward
 * op returns, while autograd keeps the tensor for the backward pass. A garbage collection between forward and
 * backward frees the buffer and the backward multiplies by whatever the freed memory then holds: silently wrong
 * gradients, now and then NaN (the HyMiRec divergence, docs/hymirec.md). {@code add(Number)} / {@code sub(Number)}
 * are safe (their backward does not read the constant), and arrays without gradients (masks) are unaffected.
 */
public final class Nn {

    /** Additive bias for masked attention logits. */
    public static final float NEG = -1e9f;

    private Nn() {}

    /**
     * {@code x * s} with the constant in torch-owned memory ({@code full}), so the autograd graph keeps it alive
     * whatever happens to the Java handle; see the class comment for why not {@code x.mul(s)}.
     */
    public static NDArray scale(NDArray x, float s) {
        try (NDArray c = x.getManager().full(new Shape(), s)) {
            return x.mul(c);
        }
    }

    public static NDArray linear(NDArray x, Params p, String name) {
        return x.matMul(p.get(name + ".w")).add(p.get(name + ".b"));
    }

    public static NDArray layerNorm(NDArray x, Params p, String name) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(d), p.get(name + ".g"), p.get(name + ".b"), 1e-5f).singletonOrThrow();
    }

    public static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }

    /** Rows of {@code table} for int64 {@code ids} of any shape: result has shape ids.shape + [d]. */
    public static NDArray lookup(NDArray table, NDArray ids) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Int64 ids {@code [rows, cols]} from Java. */
    public static NDArray ids(NDManager m, long[] data, int rows, int cols) {
        return m.create(data, new Shape(rows, cols));
    }

    /**
     * Multi-head scaled dot-product self-attention with projections {@code name.q/k/v/o}.
     *
     * @param x    [b, l, d]
     * @param bias additive, broadcastable to [b, heads, l, l] (0 = attend, {@link #NEG} = masked)
     */
    public static NDArray selfAttention(NDArray x, Params p, String name, int heads, NDArray bias, float dropout, boolean training) {
        return attention(x, x, p, name, heads, bias, dropout, training);
    }

    /**
     * Multi-head attention of queries {@code xq} [b, lq, d] over keys/values {@code xkv} [b, lk, d], projections
     * {@code name.q/k/v/o}; {@code bias} is additive, broadcastable to [b, heads, lq, lk].
     */
    public static NDArray attention(NDArray xq, NDArray xkv, Params p, String name, int heads, NDArray bias, float dropout, boolean training) {
        long b = xq.getShape().get(0);
        long lq = xq.getShape().get(1);
        long lk = xkv.getShape().get(1);
        long d = xq.getShape().get(2);
        long dh = d / heads;
        NDArray q = linear(xq, p, name + ".q").reshape(b, lq, heads, dh).transpose(0, 2, 1, 3);
        NDArray k = linear(xkv, p, name + ".k").reshape(b, lk, heads, dh).transpose(0, 2, 3, 1);
        NDArray v = linear(xkv, p, name + ".v").reshape(b, lk, heads, dh).transpose(0, 2, 1, 3);
        NDArray att = scale(q.matMul(k), 1f / (float) Math.sqrt(dh)).add(bias).softmax(-1);
        att = dropout(att, dropout, training);
        NDArray o = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, lq, d);
        return linear(o, p, name + ".o");
    }

    /** Parameters of one {@link #block}: {@code name.ln1}, {@code name.att}, {@code name.ln2}, {@code name.ff1/ff2}. */
    public static void defineBlock(Params p, String name, int d) {
        p.norm(name + ".ln1", d);
        defineAttention(p, name + ".att", d);
        p.norm(name + ".ln2", d);
        p.dense(name + ".ff1", d, d);
        p.dense(name + ".ff2", d, d);
    }

    /**
     * One pre-LayerNorm transformer block (self-attention, then a point-wise ReLU feed-forward layer, each with
     * dropout and a residual connection); {@code keep} [b, l, 1] zeroes padding positions after each half.
     */
    public static NDArray block(NDArray x, Params p, String name, int heads, NDArray bias, NDArray keep, float dropout, boolean training) {
        NDArray h = layerNorm(x, p, name + ".ln1");
        x = x.add(dropout(selfAttention(h, p, name + ".att", heads, bias, dropout, training), dropout, training));
        h = layerNorm(x, p, name + ".ln2");
        NDArray f = linear(dropout(ai.djl.nn.Activation.relu(linear(h, p, name + ".ff1")), dropout, training), p, name + ".ff2");
        return x.add(dropout(f, dropout, training)).mul(keep);
    }

    /** Rows scaled to unit L2 norm over the last axis. */
    public static NDArray l2Normalize(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
    }

    public static void defineAttention(Params p, String name, int d) {
        for (String part : new String[] {"q", "k", "v", "o"}) {
            p.dense(name + "." + part, d, d);
        }
    }

    /** [l, l] additive causal bias: position i sees positions <= i. */
    public static NDArray causalBias(NDManager m, int l) {
        float[] bias = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                bias[i * l + j] = NEG;
            }
        }
        return m.create(bias, new Shape(l, l));
    }

    /** [b, l] mask (1 = item, 0 = padding) to an additive key bias [b, 1, 1, l]. */
    public static NDArray keyBias(NDArray mask) {
        return mask.sub(1f).mul(-NEG).expandDims(1).expandDims(1);
    }

    /** Mean cross-entropy of picking {@code targets} (int64 [b]) from {@code logits} [b, c]. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        long b = targets.getShape().get(0);
        return logits.logSoftmax(1).gather(targets.reshape(b, 1), 1).neg().mean();
    }

    /**
     * Cross-entropy of each row's target: a softmax over the whole catalogue ({@code negatives} = 0) or over the target
     * and {@code negatives} shared uniform negatives (a negative that is the row's own target is masked out).
     *
     * @param user  [b, d] query vectors
     * @param items [numItems, d] output vectors
     */
    public static NDArray softmaxLoss(NDManager m, NDArray user, NDArray items, long[] targets, int negatives, int numItems, Random rnd) {
        int b = targets.length;
        NDArray t = m.create(targets);
        if (negatives <= 0) {
            return crossEntropy(user.matMul(items.transpose()), t);
        }
        long[] neg = new long[negatives];
        for (int i = 0; i < negatives; i++) {
            neg[i] = rnd.nextInt(numItems);
        }
        float[] hitBias = new float[b * negatives];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < negatives; i++) {
                if (neg[i] == targets[r]) {
                    hitBias[r * negatives + i] = NEG;
                }
            }
        }
        NDArray pos = user.mul(lookup(items, t)).sum(new int[] {1}, true);
        NDArray negLogits = user.matMul(lookup(items, m.create(neg)).transpose()).add(m.create(hitBias, new Shape(b, negatives)));
        NDArray logits = pos.concat(negLogits, 1);
        return crossEntropy(logits, m.zeros(new Shape(b), DataType.INT64));
    }
}
