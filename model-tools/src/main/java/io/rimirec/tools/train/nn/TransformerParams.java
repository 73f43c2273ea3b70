package io.rimirec.tools.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.Random;

/**
 * The named parameters of a small pre-LN transformer and the plain DJL operations built on them, shared by the
 * interest generator and the user tower. Everything is an explicit NDArray operation on parameters named as the ONNX
 * initializers are, so the exporters can emit the same computation node for node.
 *
 * <p>Naming: a dense layer {@code p} has {@code p.w} [in, out] and {@code p.b}; a LayerNorm {@code p} has {@code p.g}
 * and {@code p.b}; an attention block {@code p} has dense layers {@code p.q}, {@code p.k}, {@code p.v}, {@code p.o};
 * a feed-forward block {@code p} has {@code p.ff1} and {@code p.ff2}.
 */
public final class TransformerParams implements AutoCloseable {

    /** Additive attention bias of a masked position. */
    public static final float NEG = -1e9f;
    public static final float LN_EPS = 1e-5f;

    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final int width;
    private final int heads;
    private final float dropout;

    /**
     * @param width   model width (LayerNorm size, attention output size)
     * @param heads   attention heads; {@code width} must divide by it
     * @param dropout dropout rate in training (0 = none)
     */
    public TransformerParams(NDManager parent, int width, int heads, float dropout) {
        if (heads <= 0 || width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " must be a positive multiple of heads " + heads);
        }
        this.manager = parent.newSubManager();
        this.width = width;
        this.heads = heads;
        this.dropout = dropout;
    }

    // ---- initialisation --------------------------------------------------------------------------------------

    /** A dense layer with Xavier-uniform weights and zero bias. */
    public void dense(String name, int in, int out, Random r) {
        float bound = (float) Math.sqrt(6.0 / (in + out));
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (r.nextFloat() * 2 - 1) * bound;
        }
        params.put(name + ".w", manager.create(w, new Shape(in, out)));
        params.put(name + ".b", manager.zeros(new Shape(out)));
    }

    /** A LayerNorm of size {@code d}: gain 1, bias 0. */
    public void norm(String name, int d) {
        params.put(name + ".g", manager.ones(new Shape(d)));
        params.put(name + ".b", manager.zeros(new Shape(d)));
    }

    /** An embedding table, N(0, 0.02). */
    public void embedding(String name, int rows, int d, Random r) {
        float[] w = new float[rows * d];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02);
        }
        params.put(name, manager.create(w, new Shape(rows, d)));
    }

    /** The q, k, v, o projections of one attention block, width x width. */
    public void attention(String name, Random r) {
        for (String s : new String[] {"q", "k", "v", "o"}) {
            dense(name + "." + s, width, width, r);
        }
    }

    /** The two layers of a feed-forward block, width -> ffn -> width. */
    public void feedForward(String name, int ffn, Random r) {
        dense(name + ".ff1", width, ffn, r);
        dense(name + ".ff2", ffn, width, r);
    }

    /** A parameter initialised to zeros. */
    public void zeros(String name, Shape shape) {
        params.put(name, manager.zeros(shape));
    }

    /** Marks every parameter as trainable; call once all are defined. */
    public void requireGradients() {
        for (NDArray a : params.values()) {
            a.setRequiresGradient(true);
        }
    }

    // ---- access ----------------------------------------------------------------------------------------------

    /** Parameters by name (the ONNX initializers' names), in definition order. */
    public Map<String, NDArray> all() {
        return params;
    }

    /** Arrays the parameters' manager holds now: the parameters and the optimiser's state, a constant while training. */
    public int managedArrays() {
        return manager.getManagedArrays().size();
    }

    public NDArray get(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public long count() {
        long n = 0;
        for (NDArray a : params.values()) {
            n += a.size();
        }
        return n;
    }

    /** Every parameter's values, by name (to keep the best epoch's weights). */
    public Map<String, float[]> snapshot() {
        Map<String, float[]> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    /** Copies every value of {@code values} whose name and size match a parameter; returns how many were copied. */
    public int load(Map<String, float[]> values) {
        int n = 0;
        for (Map.Entry<String, NDArray> p : params.entrySet()) {
            float[] v = values.get(p.getKey());
            if (v != null && v.length == p.getValue().size()) {
                p.getValue().set(v);
                n++;
            }
        }
        return n;
    }

    // ---- operations ------------------------------------------------------------------------------------------

    /**
     * {@code op} (a slice, a reshape) applied to parameter {@code name}, owned by {@code m}. An array derived from a
     * parameter lands in the parameters' manager, which lives as long as the network: without this every training step
     * left one array, and the autograd graph behind it, until training ended (native memory grew per step; the same
     * class of leak HyMiRec had).
     */
    public NDArray derive(String name, NDManager m, UnaryOperator<NDArray> op) {
        NDArray param = get(name);
        NDArray out = op.apply(param);
        if (out != param) {
            out.attach(m);
        }
        return out;
    }

    public NDArray linear(NDArray x, String p) {
        return x.matMul(get(p + ".w")).add(get(p + ".b"));
    }

    public NDArray layerNorm(NDArray x, String p) {
        return LayerNorm.layerNorm(x, new Shape(width), get(p + ".g"), get(p + ".b"), LN_EPS).singletonOrThrow();
    }

    public NDArray dropout(NDArray x, boolean training) {
        if (!training || dropout == 0f) {
            return x;
        }
        return Dropout.dropout(x, dropout, true).singletonOrThrow();
    }

    /** Rows of embedding table {@code table} for the int64 {@code index}: shape of index + [d]. */
    public NDArray gather(NDArray index, String table) {
        return lookup(index, get(table));
    }

    /** Rows of {@code table} [rows, d] for the int64 {@code index}: shape of index + [d]. */
    public static NDArray lookup(NDArray index, NDArray table) {
        return Embedding.embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** ReLU feed-forward block {@code p}. */
    public NDArray feedForward(NDArray x, String p) {
        return linear(Activation.relu(linear(x, p + ".ff1")), p + ".ff2"); // not maximum(0f): see scale()
    }

    /**
     * Multi-head attention block {@code p} of {@code query} [b, t, width] over {@code keyValue} [b', s, width] (b' = b
     * or 1) with an additive {@code bias} broadcastable to [b, heads, t, s].
     */
    public NDArray attend(NDArray query, NDArray keyValue, NDArray bias, String p) {
        int dh = width / heads;
        Shape qs = query.getShape();
        Shape ks = keyValue.getShape();
        NDArray q = linear(query, p + ".q").reshape(qs.get(0), qs.get(1), heads, dh).transpose(0, 2, 1, 3);
        NDArray k = linear(keyValue, p + ".k").reshape(ks.get(0), ks.get(1), heads, dh).transpose(0, 2, 3, 1);
        NDArray v = linear(keyValue, p + ".v").reshape(ks.get(0), ks.get(1), heads, dh).transpose(0, 2, 1, 3);
        NDArray s = scale(q.matMul(k), 1f / (float) Math.sqrt(dh)).add(bias);
        NDArray o = s.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(qs.get(0), qs.get(1), width);
        return linear(o, p + ".o");
    }

    /**
     * {@code x * s} with the constant in torch-owned memory. Not {@code x.mul(s)} (nor {@code div} or
     * {@code maximum} with a number) on an array that needs a gradient: DJL wraps the number in a tensor over a Java
     * direct buffer and closes it when the forward op returns, while autograd keeps it for the backward pass; a GC in
     * between frees the buffer and the backward reads freed memory (wrong or NaN gradients; docs/hymirec.md).
     */
    public static NDArray scale(NDArray x, float s) {
        try (NDArray c = x.getManager().full(new Shape(), s)) {
            return x.mul(c);
        }
    }

    /** [b, l] 1/0 mask to an additive [b, 1, 1, l] bias (0 or {@link #NEG}). */
    public static NDArray paddingBias(NDArray mask) {
        return mask.sub(1f).mul(-NEG).expandDims(1).expandDims(1);
    }

    /** [t, t] additive bias: 0 on and below the diagonal, {@link #NEG} above. */
    public static NDArray causalBias(NDManager m, int t) {
        float[] b = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                b[i * t + j] = NEG;
            }
        }
        return m.create(b, new Shape(t, t));
    }

    @Override
    public void close() {
        manager.close();
    }
}
