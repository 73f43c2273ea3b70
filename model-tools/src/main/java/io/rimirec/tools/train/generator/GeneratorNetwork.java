package io.rimirec.tools.train.generator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The interest generator: a pre-LN transformer encoder over the history and a pre-LN transformer decoder over
 * circle tokens, written with plain DJL NDArray operations so that {@link io.rimirec.tools.onnx.GeneratorOnnxExporter}
 * can emit the same computation node for node.
 *
 * <p>Encoder input per history position: {@code LN(W_v·vector + b)} + Σ over the item's leaf-path tokens of a
 * circle embedding (PAD contributes nothing) + a position embedding indexed by distance from the most recent
 * item. No item ids: any item with a vector can be read at serving time.
 *
 * <p>Decoder: token embedding + position embedding; per block causal self-attention, cross-attention over the
 * encoder memory (padding masked), feed-forward; final LayerNorm and a linear map to vocabulary logits. The
 * circle embeddings of encoder and decoder are separate tables (paper §2.2: the spaces differ).
 *
 * <p>Parameters are plain arrays in {@link #parameters()}, named as the ONNX initializers are.
 */
public final class GeneratorNetwork implements AutoCloseable {

    static final float NEG = -1e9f;
    static final float LN_EPS = 1e-5f;

    private final GeneratorConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    public GeneratorNetwork(GeneratorConfig config, NDManager parent, long seed) {
        this.config = config;
        this.manager = parent.newSubManager();
        Random r = new Random(seed);
        int d = config.width();
        int v = config.vocabularySize();
        dense("enc.in", config.vectorDimension(), d, r);
        norm("enc.in.ln", d);
        embedding("enc.circle", v, d, r);
        embedding("enc.pos", config.maxHistory(), d, r);
        for (int i = 0; i < config.encoderLayers(); i++) {
            String p = "enc.l" + i;
            norm(p + ".ln1", d);
            attention(p + ".self", d, r);
            norm(p + ".ln2", d);
            dense(p + ".ff1", d, config.ffn(), r);
            dense(p + ".ff2", config.ffn(), d, r);
        }
        norm("enc.ln", d);
        embedding("dec.tok", v, d, r);
        embedding("dec.pos", config.maxDecodeLength(), d, r);
        for (int i = 0; i < config.decoderLayers(); i++) {
            String p = "dec.l" + i;
            norm(p + ".ln1", d);
            attention(p + ".self", d, r);
            norm(p + ".ln2", d);
            attention(p + ".cross", d, r);
            norm(p + ".ln3", d);
            dense(p + ".ff1", d, config.ffn(), r);
            dense(p + ".ff2", config.ffn(), d, r);
        }
        norm("dec.ln", d);
        dense("dec.out", d, v, r);
        for (NDArray a : params.values()) {
            a.setRequiresGradient(true);
        }
    }

    public GeneratorConfig config() {
        return config;
    }

    public Map<String, NDArray> parameters() {
        return params;
    }

    public NDArray param(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public long parameterCount() {
        long n = 0;
        for (NDArray a : params.values()) {
            n += a.size();
        }
        return n;
    }

    // ---- initialisation --------------------------------------------------------------------------------------

    private void dense(String name, int in, int out, Random r) {
        float bound = (float) Math.sqrt(6.0 / (in + out)); // Xavier uniform
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (r.nextFloat() * 2 - 1) * bound;
        }
        params.put(name + ".w", manager.create(w, new Shape(in, out)));
        params.put(name + ".b", manager.zeros(new Shape(out)));
    }

    private void norm(String name, int d) {
        params.put(name + ".g", manager.ones(new Shape(d)));
        params.put(name + ".b", manager.zeros(new Shape(d)));
    }

    private void embedding(String name, int rows, int d, Random r) {
        float[] w = new float[rows * d];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02);
        }
        params.put(name, manager.create(w, new Shape(rows, d)));
    }

    private void attention(String name, int d, Random r) {
        for (String s : new String[] {"q", "k", "v", "o"}) {
            dense(name + "." + s, d, d, r);
        }
    }

    // ---- forward ---------------------------------------------------------------------------------------------

    /**
     * @param vectors   float [b, l, dim]
     * @param circles   int64 [b, l, levels], PAD = 0
     * @param positions int64 [b, l]
     * @param mask      float [b, l], 1 = item, 0 = padding
     * @return memory, float [b, l, width]
     */
    public NDArray encode(NDArray vectors, NDArray circles, NDArray positions, NDArray mask, boolean training) {
        NDArray x = linear(vectors, "enc.in");
        x = layerNorm(x, "enc.in.ln");
        NDArray c = Embedding.embedding(circles, param("enc.circle"), ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow(); // [b, l, levels, d]
        NDArray present = circles.neq(0).toType(DataType.FLOAT32, false).expandDims(-1);
        x = x.add(c.mul(present).sum(new int[] {2}));
        x = x.add(Embedding.embedding(positions, param("enc.pos"), ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow());
        x = dropout(x, training);
        NDArray keyBias = paddingBias(mask);
        for (int i = 0; i < config.encoderLayers(); i++) {
            String p = "enc.l" + i;
            NDArray h = layerNorm(x, p + ".ln1");
            x = x.add(dropout(attend(h, h, keyBias, p + ".self"), training));
            h = layerNorm(x, p + ".ln2");
            x = x.add(dropout(feedForward(h, p), training));
        }
        return layerNorm(x, "enc.ln");
    }

    /**
     * @param memory     float [m, l, width] with m = 1 or m = b (broadcast over the token batch)
     * @param memoryMask float [m, l]
     * @param tokens     int64 [b, t], starting with BOS
     * @return logits for every position, float [b, t, vocabulary]
     */
    public NDArray decode(NDArray memory, NDArray memoryMask, NDArray tokens, boolean training) {
        long t = tokens.getShape().get(1);
        NDArray x = Embedding.embedding(tokens, param("dec.tok"), ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
        x = x.add(param("dec.pos").get("0:" + t));
        x = dropout(x, training);
        NDArray causal = causalBias(tokens.getManager(), (int) t);
        NDArray memBias = paddingBias(memoryMask);
        for (int i = 0; i < config.decoderLayers(); i++) {
            String p = "dec.l" + i;
            NDArray h = layerNorm(x, p + ".ln1");
            x = x.add(dropout(attend(h, h, causal, p + ".self"), training));
            h = layerNorm(x, p + ".ln2");
            x = x.add(dropout(attend(h, memory, memBias, p + ".cross"), training));
            h = layerNorm(x, p + ".ln3");
            x = x.add(dropout(feedForward(h, p), training));
        }
        x = layerNorm(x, "dec.ln");
        return linear(x, "dec.out");
    }

    /**
     * What the exported encoder outputs as {@code memory}: every decoder layer's cross-attention keys and values
     * of the encoded history, {@code [K_0 | V_0 | K_1 | V_1 | ...]} along the last axis (computed once per query
     * instead of once per decoder step).
     */
    public NDArray crossMemory(NDArray encoded) {
        ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList();
        for (int i = 0; i < config.decoderLayers(); i++) {
            parts.add(linear(encoded, "dec.l" + i + ".cross.k"));
            parts.add(linear(encoded, "dec.l" + i + ".cross.v"));
        }
        return ai.djl.ndarray.NDArrays.concat(parts, 2);
    }

    /** [b, l] 1/0 mask to an additive [b, 1, 1, l] bias (0 or -1e9). */
    static NDArray paddingBias(NDArray mask) {
        return mask.sub(1f).mul(-NEG).expandDims(1).expandDims(1);
    }

    /** [t, t] additive bias: 0 on and below the diagonal, -1e9 above. */
    static NDArray causalBias(NDManager m, int t) {
        float[] b = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                b[i * t + j] = NEG;
            }
        }
        return m.create(b, new Shape(t, t));
    }

    private NDArray attend(NDArray query, NDArray keyValue, NDArray bias, String p) {
        int h = config.heads();
        int dh = config.headDim();
        Shape qs = query.getShape();
        Shape ks = keyValue.getShape();
        NDArray q = linear(query, p + ".q").reshape(qs.get(0), qs.get(1), h, dh).transpose(0, 2, 1, 3);
        NDArray k = linear(keyValue, p + ".k").reshape(ks.get(0), ks.get(1), h, dh).transpose(0, 2, 3, 1);
        NDArray v = linear(keyValue, p + ".v").reshape(ks.get(0), ks.get(1), h, dh).transpose(0, 2, 1, 3);
        NDArray s = q.matMul(k).mul(1f / (float) Math.sqrt(dh)).add(bias);
        NDArray o = s.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(qs.get(0), qs.get(1), config.width());
        return linear(o, p + ".o");
    }

    private NDArray feedForward(NDArray x, String p) {
        return linear(linear(x, p + ".ff1").maximum(0f), p + ".ff2");
    }

    private NDArray linear(NDArray x, String p) {
        return x.matMul(param(p + ".w")).add(param(p + ".b"));
    }

    private NDArray layerNorm(NDArray x, String p) {
        return LayerNorm.layerNorm(x, new Shape(config.width()), param(p + ".g"), param(p + ".b"), LN_EPS).singletonOrThrow();
    }

    private NDArray dropout(NDArray x, boolean training) {
        if (!training || config.dropout() == 0f) {
            return x;
        }
        return Dropout.dropout(x, config.dropout(), true).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
