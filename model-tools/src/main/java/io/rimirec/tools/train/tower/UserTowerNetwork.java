package io.rimirec.tools.train.tower;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The user tower: one circle's history slice plus the circle token in, one user vector out. Plain DJL NDArray
 * operations, so {@link io.rimirec.tools.onnx.UserTowerOnnxExporter} emits the same computation node for node.
 *
 * <ul>
 *   <li>A CLS position = a learned base vector + the sum of the circle's per-(level, child) token embeddings (the
 *       root circle is the base alone).</li>
 *   <li>Item positions = {@code LN(W_in·v + b)} + a position embedding indexed by distance from the slice's newest
 *       item (recency: the newest items predict the next ones best on ML-1M).</li>
 *   <li>Pre-LN self-attention blocks over [CLS, items] (padding masked; CLS is never masked, so an empty slice is
 *       defined: it gives the circle's own vector).</li>
 *   <li>User vector = {@code W_out·LN(h_CLS) + b} + a recency pool of the input vectors,
 *       {@code Σ v_i·e^{r[pos_i]} / (1 + Σ e^{r[pos_j]})}: a direct, recency-weighted path in the item space that a
 *       short training run learns quickly.</li>
 * </ul>
 */
public final class UserTowerNetwork implements AutoCloseable {

    static final float NEG = -1e9f;
    static final float LN_EPS = 1e-5f;

    private final UserTowerConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    public UserTowerNetwork(UserTowerConfig config, NDManager parent, long seed) {
        this.config = config;
        this.manager = parent.newSubManager();
        Random r = new Random(seed);
        int w = config.width();
        int d = config.vectorDimension();
        dense("in", d, w, r);
        norm("in.ln", w);
        embedding("pos.emb", config.maxSlice(), w, r);
        embedding("circle.emb", config.vocabularySize(), w, r);
        embedding("cls.emb", 1, w, r);
        for (int i = 0; i < config.layers(); i++) {
            String p = "l" + i;
            norm(p + ".ln1", w);
            for (String s : new String[] {"q", "k", "v", "o"}) {
                dense(p + ".att." + s, w, w, r);
            }
            norm(p + ".ln2", w);
            dense(p + ".ff1", w, config.ffn(), r);
            dense(p + ".ff2", config.ffn(), w, r);
        }
        norm("out.ln", w);
        dense("out", w, d, r);
        params.put("recency", manager.zeros(new Shape(config.maxSlice())));
        for (NDArray a : params.values()) {
            a.setRequiresGradient(true);
        }
    }

    public UserTowerConfig config() {
        return config;
    }

    /** Parameters by name (the ONNX initializers' names). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    public NDArray param(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no user tower parameter " + name);
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

    /** Copies every parameter of {@code values} whose name and size match (a pretrained tower into one for a tree). */
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

    public Map<String, float[]> snapshot() {
        Map<String, float[]> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    private void dense(String name, int in, int out, Random r) {
        float bound = (float) Math.sqrt(6.0 / (in + out));
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

    /**
     * @param vectors   float [b, s, dim] the slice's item vectors (as the index holds them)
     * @param positions int64 [b, s] distance from the slice's newest item
     * @param mask      float [b, s] 1 = item, 0 = padding
     * @param circles   int64 [b, levels] circle tokens, PAD = 0
     * @return user vectors, float [b, dim]
     */
    public NDArray forward(NDArray vectors, NDArray positions, NDArray mask, NDArray circles, boolean training) {
        long b = vectors.getShape().get(0);
        NDArray x = layerNorm(linear(vectors, "in"), "in.ln");
        x = x.add(gather(positions, "pos.emb"));
        NDArray present = circles.neq(0).toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray cls = gather(circles, "circle.emb").mul(present).sum(new int[] {1}).add(param("cls.emb").reshape(config.width()));
        NDArray seq = NDArrays.concat(new NDList(cls.expandDims(1), x), 1);
        seq = dropout(seq, training);
        NDArray fullMask = NDArrays.concat(new NDList(mask.getManager().ones(new Shape(b, 1)), mask), 1);
        NDArray bias = fullMask.sub(1f).mul(-NEG).expandDims(1).expandDims(1);
        for (int i = 0; i < config.layers(); i++) {
            String p = "l" + i;
            NDArray h = layerNorm(seq, p + ".ln1");
            seq = seq.add(dropout(attend(h, bias, p + ".att"), training));
            h = layerNorm(seq, p + ".ln2");
            seq = seq.add(dropout(linear(linear(h, p + ".ff1").maximum(0f), p + ".ff2"), training));
        }
        NDArray head = linear(layerNorm(seq.get(":, 0, :"), "out.ln"), "out");
        NDArray recency = Embedding.embedding(positions, param("recency").reshape(config.maxSlice(), 1), SparseFormat.DENSE).singletonOrThrow().squeeze(-1);
        NDArray weight = recency.exp().mul(mask);
        NDArray pooled = vectors.mul(weight.expandDims(-1)).sum(new int[] {1}).div(weight.sum(new int[] {1}, true).add(1f));
        return head.add(pooled);
    }

    private NDArray gather(NDArray index, String table) {
        return Embedding.embedding(index, param(table), SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray attend(NDArray x, NDArray bias, String p) {
        int h = config.heads();
        int dh = config.headDim();
        Shape s = x.getShape();
        NDArray q = linear(x, p + ".q").reshape(s.get(0), s.get(1), h, dh).transpose(0, 2, 1, 3);
        NDArray k = linear(x, p + ".k").reshape(s.get(0), s.get(1), h, dh).transpose(0, 2, 3, 1);
        NDArray v = linear(x, p + ".v").reshape(s.get(0), s.get(1), h, dh).transpose(0, 2, 1, 3);
        NDArray a = q.matMul(k).mul(1f / (float) Math.sqrt(dh)).add(bias).softmax(-1);
        return linear(a.matMul(v).transpose(0, 2, 1, 3).reshape(s.get(0), s.get(1), config.width()), p + ".o");
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
