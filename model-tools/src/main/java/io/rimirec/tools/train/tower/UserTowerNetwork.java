package io.rimirec.tools.train.tower;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.rimirec.tools.train.nn.TransformerParams;

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

    private final UserTowerConfig config;
    private final TransformerParams t;

    public UserTowerNetwork(UserTowerConfig config, NDManager parent, long seed) {
        this.config = config;
        this.t = new TransformerParams(parent, config.width(), config.heads(), config.dropout());
        Random r = new Random(seed);
        int w = config.width();
        int d = config.vectorDimension();
        t.dense("in", d, w, r);
        t.norm("in.ln", w);
        t.embedding("pos.emb", config.maxSlice(), w, r);
        t.embedding("circle.emb", config.vocabularySize(), w, r);
        t.embedding("cls.emb", 1, w, r);
        for (int i = 0; i < config.layers(); i++) {
            String p = "l" + i;
            t.norm(p + ".ln1", w);
            t.attention(p + ".att", r);
            t.norm(p + ".ln2", w);
            t.feedForward(p, config.ffn(), r);
        }
        t.norm("out.ln", w);
        t.dense("out", w, d, r);
        t.zeros("recency", new Shape(config.maxSlice()));
        t.requireGradients();
    }

    public UserTowerConfig config() {
        return config;
    }

    /** Parameters by name (the ONNX initializers' names). */
    public Map<String, NDArray> parameters() {
        return t.all();
    }

    /** Arrays the parameters' manager holds (see {@link TransformerParams#managedArrays()}). */
    public int managedArrays() {
        return t.managedArrays();
    }

    public NDArray param(String name) {
        return t.get(name);
    }

    public long parameterCount() {
        return t.count();
    }

    /** Copies every parameter of {@code values} whose name and size match (a pretrained tower into one for a tree). */
    public int load(Map<String, float[]> values) {
        return t.load(values);
    }

    public Map<String, float[]> snapshot() {
        return t.snapshot();
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
        NDArray x = t.layerNorm(t.linear(vectors, "in"), "in.ln");
        x = x.add(t.gather(positions, "pos.emb"));
        NDArray present = circles.neq(0).toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray cls = t.gather(circles, "circle.emb").mul(present).sum(new int[] {1})
            .add(t.derive("cls.emb", circles.getManager(), e -> e.reshape(config.width())));
        NDArray seq = NDArrays.concat(new NDList(cls.expandDims(1), x), 1);
        seq = t.dropout(seq, training);
        NDArray fullMask = NDArrays.concat(new NDList(mask.getManager().ones(new Shape(b, 1)), mask), 1);
        NDArray bias = TransformerParams.paddingBias(fullMask);
        for (int i = 0; i < config.layers(); i++) {
            String p = "l" + i;
            NDArray h = t.layerNorm(seq, p + ".ln1");
            seq = seq.add(t.dropout(t.attend(h, h, bias, p + ".att"), training));
            h = t.layerNorm(seq, p + ".ln2");
            seq = seq.add(t.dropout(t.feedForward(h, p), training));
        }
        NDArray head = t.linear(t.layerNorm(seq.get(":, 0, :"), "out.ln"), "out");
        NDArray recency = TransformerParams.lookup(positions, t.derive("recency", positions.getManager(),
            r -> r.reshape(config.maxSlice(), 1))).squeeze(-1);
        NDArray weight = recency.exp().mul(mask);
        NDArray pooled = vectors.mul(weight.expandDims(-1)).sum(new int[] {1}).div(weight.sum(new int[] {1}, true).add(1f));
        return head.add(pooled);
    }

    @Override
    public void close() {
        t.close();
    }
}
