package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

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
final class Nn {

    /** Additive bias for masked attention logits. */
    static final float NEG = -1e9f;

    private Nn() {}

    /**
     * {@code x * s} with the constant in torch-owned memory ({@code full}), so the autograd graph keeps it alive
     * whatever happens to the Java handle; see the class comment for why not {@code x.mul(s)}.
     */
    static NDArray scale(NDArray x, float s) {
        try (NDArray c = x.getManager().full(new Shape(), s)) {
            return x.mul(c);
        }
    }

    static NDArray linear(NDArray x, Params p, String name) {
        return x.matMul(p.get(name + ".w")).add(p.get(name + ".b"));
    }

    static NDArray layerNorm(NDArray x, Params p, String name) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(d), p.get(name + ".g"), p.get(name + ".b"), 1e-5f).singletonOrThrow();
    }

    static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }

    /** Rows of {@code table} for int64 {@code ids} of any shape: result has shape ids.shape + [d]. */
    static NDArray lookup(NDArray table, NDArray ids) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Int64 ids {@code [rows, cols]} from Java. */
    static NDArray ids(NDManager m, long[] data, int rows, int cols) {
        return m.create(data, new Shape(rows, cols));
    }

    /**
     * Multi-head scaled dot-product self-attention with projections {@code name.q/k/v/o}.
     *
     * @param x    [b, l, d]
     * @param bias additive, broadcastable to [b, heads, l, l] (0 = attend, {@link #NEG} = masked)
     */
    static NDArray selfAttention(NDArray x, Params p, String name, int heads, NDArray bias, float dropout, boolean training) {
        return attention(x, x, p, name, heads, bias, dropout, training);
    }

    /**
     * Multi-head attention of queries {@code xq} [b, lq, d] over keys/values {@code xkv} [b, lk, d], projections
     * {@code name.q/k/v/o}; {@code bias} is additive, broadcastable to [b, heads, lq, lk].
     */
    static NDArray attention(NDArray xq, NDArray xkv, Params p, String name, int heads, NDArray bias, float dropout, boolean training) {
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
    static void defineBlock(Params p, String name, int d) {
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
    static NDArray block(NDArray x, Params p, String name, int heads, NDArray bias, NDArray keep, float dropout, boolean training) {
        NDArray h = layerNorm(x, p, name + ".ln1");
        x = x.add(dropout(selfAttention(h, p, name + ".att", heads, bias, dropout, training), dropout, training));
        h = layerNorm(x, p, name + ".ln2");
        NDArray f = linear(dropout(ai.djl.nn.Activation.relu(linear(h, p, name + ".ff1")), dropout, training), p, name + ".ff2");
        return x.add(dropout(f, dropout, training)).mul(keep);
    }

    /** Rows scaled to unit L2 norm over the last axis. */
    static NDArray l2Normalize(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
    }

    static void defineAttention(Params p, String name, int d) {
        for (String part : new String[] {"q", "k", "v", "o"}) {
            p.dense(name + "." + part, d, d);
        }
    }

    /** [l, l] additive causal bias: position i sees positions <= i. */
    static NDArray causalBias(NDManager m, int l) {
        float[] bias = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                bias[i * l + j] = NEG;
            }
        }
        return m.create(bias, new Shape(l, l));
    }

    /** [b, l] mask (1 = item, 0 = padding) to an additive key bias [b, 1, 1, l]. */
    static NDArray keyBias(NDArray mask) {
        return mask.sub(1f).mul(-NEG).expandDims(1).expandDims(1);
    }

    /** Mean cross-entropy of picking {@code targets} (int64 [b]) from {@code logits} [b, c]. */
    static NDArray crossEntropy(NDArray logits, NDArray targets) {
        long b = targets.getShape().get(0);
        return logits.logSoftmax(1).gather(targets.reshape(b, 1), 1).neg().mean();
    }
}
