package io.rimirec.tools.train.generator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.rimirec.tools.train.nn.TransformerParams;

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

    private final GeneratorConfig config;
    private final TransformerParams t;

    public GeneratorNetwork(GeneratorConfig config, NDManager parent, long seed) {
        this.config = config;
        this.t = new TransformerParams(parent, config.width(), config.heads(), config.dropout());
        Random r = new Random(seed);
        int d = config.width();
        int v = config.vocabularySize();
        t.dense("enc.in", config.vectorDimension(), d, r);
        t.norm("enc.in.ln", d);
        t.embedding("enc.circle", v, d, r);
        t.embedding("enc.pos", config.maxHistory(), d, r);
        for (int i = 0; i < config.encoderLayers(); i++) {
            String p = "enc.l" + i;
            t.norm(p + ".ln1", d);
            t.attention(p + ".self", r);
            t.norm(p + ".ln2", d);
            t.feedForward(p, config.ffn(), r);
        }
        t.norm("enc.ln", d);
        t.embedding("dec.tok", v, d, r);
        t.embedding("dec.pos", config.maxDecodeLength(), d, r);
        for (int i = 0; i < config.decoderLayers(); i++) {
            String p = "dec.l" + i;
            t.norm(p + ".ln1", d);
            t.attention(p + ".self", r);
            t.norm(p + ".ln2", d);
            t.attention(p + ".cross", r);
            t.norm(p + ".ln3", d);
            t.feedForward(p, config.ffn(), r);
        }
        t.norm("dec.ln", d);
        t.dense("dec.out", d, v, r);
        t.requireGradients();
    }

    public GeneratorConfig config() {
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

    // ---- forward ---------------------------------------------------------------------------------------------

    /**
     * @param vectors   float [b, l, dim]
     * @param circles   int64 [b, l, levels], PAD = 0
     * @param positions int64 [b, l]
     * @param mask      float [b, l], 1 = item, 0 = padding
     * @return memory, float [b, l, width]
     */
    public NDArray encode(NDArray vectors, NDArray circles, NDArray positions, NDArray mask, boolean training) {
        NDArray x = t.layerNorm(t.linear(vectors, "enc.in"), "enc.in.ln");
        NDArray c = t.gather(circles, "enc.circle"); // [b, l, levels, d]
        NDArray present = circles.neq(0).toType(DataType.FLOAT32, false).expandDims(-1);
        x = x.add(c.mul(present).sum(new int[] {2}));
        x = x.add(t.gather(positions, "enc.pos"));
        x = t.dropout(x, training);
        NDArray keyBias = TransformerParams.paddingBias(mask);
        for (int i = 0; i < config.encoderLayers(); i++) {
            String p = "enc.l" + i;
            NDArray h = t.layerNorm(x, p + ".ln1");
            x = x.add(t.dropout(t.attend(h, h, keyBias, p + ".self"), training));
            h = t.layerNorm(x, p + ".ln2");
            x = x.add(t.dropout(t.feedForward(h, p), training));
        }
        return t.layerNorm(x, "enc.ln");
    }

    /**
     * @param memory     float [m, l, width] with m = 1 or m = b (broadcast over the token batch)
     * @param memoryMask float [m, l]
     * @param tokens     int64 [b, t], starting with BOS
     * @return logits for every position, float [b, t, vocabulary]
     */
    public NDArray decode(NDArray memory, NDArray memoryMask, NDArray tokens, boolean training) {
        long len = tokens.getShape().get(1);
        NDArray x = t.gather(tokens, "dec.tok");
        x = x.add(t.derive("dec.pos", x.getManager(), pos -> pos.get("0:" + len)));
        x = t.dropout(x, training);
        NDArray causal = TransformerParams.causalBias(tokens.getManager(), (int) len);
        NDArray memBias = TransformerParams.paddingBias(memoryMask);
        for (int i = 0; i < config.decoderLayers(); i++) {
            String p = "dec.l" + i;
            NDArray h = t.layerNorm(x, p + ".ln1");
            x = x.add(t.dropout(t.attend(h, h, causal, p + ".self"), training));
            h = t.layerNorm(x, p + ".ln2");
            x = x.add(t.dropout(t.attend(h, memory, memBias, p + ".cross"), training));
            h = t.layerNorm(x, p + ".ln3");
            x = x.add(t.dropout(t.feedForward(h, p), training));
        }
        return t.linear(t.layerNorm(x, "dec.ln"), "dec.out");
    }

    /**
     * What the exported encoder outputs as {@code memory}: every decoder layer's cross-attention keys and values
     * of the encoded history, {@code [K_0 | V_0 | K_1 | V_1 | ...]} along the last axis (computed once per query
     * instead of once per decoder step).
     */
    public NDArray crossMemory(NDArray encoded) {
        NDList parts = new NDList();
        for (int i = 0; i < config.decoderLayers(); i++) {
            parts.add(t.linear(encoded, "dec.l" + i + ".cross.k"));
            parts.add(t.linear(encoded, "dec.l" + i + ".cross.v"));
        }
        return NDArrays.concat(parts, 2);
    }

    @Override
    public void close() {
        t.close();
    }
}
