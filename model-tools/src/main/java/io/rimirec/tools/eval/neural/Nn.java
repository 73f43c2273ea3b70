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
 */
final class Nn {

    /** Additive bias for masked attention logits. */
    static final float NEG = -1e9f;

    private Nn() {}

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
        Shape s = x.getShape();
        long b = s.get(0);
        long l = s.get(1);
        long d = s.get(2);
        long dh = d / heads;
        NDArray q = linear(x, p, name + ".q").reshape(b, l, heads, dh).transpose(0, 2, 1, 3);
        NDArray k = linear(x, p, name + ".k").reshape(b, l, heads, dh).transpose(0, 2, 3, 1);
        NDArray v = linear(x, p, name + ".v").reshape(b, l, heads, dh).transpose(0, 2, 1, 3);
        NDArray att = q.matMul(k).mul(1f / (float) Math.sqrt(dh)).add(bias).softmax(-1);
        att = dropout(att, dropout, training);
        NDArray o = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, l, d);
        return linear(o, p, name + ".o");
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
