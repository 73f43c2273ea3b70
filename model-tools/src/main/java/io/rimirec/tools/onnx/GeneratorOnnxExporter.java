package io.rimirec.tools.onnx;

import ai.djl.ndarray.NDArray;
import io.rimirec.tools.onnx.proto.Onnx;
import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorNetwork;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static io.rimirec.tools.onnx.OnnxGraphBuilder.attr;
import static io.rimirec.tools.onnx.OnnxGraphBuilder.in;

/**
 * Writes a trained {@link GeneratorNetwork} as two ONNX graphs, op for op the network's inference forward pass
 * (dropout is the identity there):
 *
 * <pre>
 *   encoder.onnx   item_vectors float[b,l,dim], item_circles int64[b,l,levels], item_positions int64[b,l],
 *                  item_mask float[b,l]                                -> memory float[b,l,2*decoderLayers*width]
 *   decoder.onnx   memory float[m,l,2*decoderLayers*width], memory_mask float[m,l], tokens int64[b,t]
 *                                                                             -> logits float[b,vocabulary]
 * </pre>
 *
 * The memory is the decoder's cross-attention keys and values, computed once by the encoder graph. The decoder
 * returns the logits of the last position only (one beam-search step). {@code m} is 1 (one
 * history broadcast to every beam) or {@code b}. All of b, l, m, t are dynamic.
 */
public final class GeneratorOnnxExporter {

    private final GeneratorNetwork net;
    private final GeneratorConfig config;

    public GeneratorOnnxExporter(GeneratorNetwork net) {
        this.net = net;
        this.config = net.config();
    }

    public void writeEncoder(Path file) throws IOException {
        encoder().write(file, "rimirec interest generator: history encoder");
    }

    public void writeDecoder(Path file) throws IOException {
        decoder().write(file, "rimirec interest generator: one decoder step (logits of the last position)");
    }

    OnnxGraphBuilder encoder() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("rimirec_generator_encoder");
        Onnx.TensorProto.DataType f = Onnx.TensorProto.DataType.FLOAT;
        Onnx.TensorProto.DataType i64 = Onnx.TensorProto.DataType.INT64;
        String vectors = g.input("item_vectors", f, "batch", "history", config.vectorDimension());
        String circles = g.input("item_circles", i64, "batch", "history", config.levels());
        String positions = g.input("item_positions", i64, "batch", "history");
        String mask = g.input("item_mask", f, "batch", "history");
        addParameters(g, "enc.");
        String x = linear(g, vectors, "enc.in");
        x = layerNorm(g, x, "enc.in.ln");
        String emb = g.op("Gather", in("enc.circle", circles), attr("axis", 0L));
        String zero = g.longs("const.zero", 0);
        String present = g.op("Cast", in(g.op("Greater", in(circles, zero))), attr("to", (long) Onnx.TensorProto.DataType.FLOAT.getNumber()));
        present = g.op("Unsqueeze", in(present, g.longs("const.axis_last", -1)));
        String circleSum = g.op("ReduceSum", in(g.op("Mul", in(emb, present)), g.longs("const.axis2", 2)), attr("keepdims", 0L));
        x = g.op("Add", in(x, circleSum));
        x = g.op("Add", in(x, g.op("Gather", in("enc.pos", positions), attr("axis", 0L))));
        String bias = paddingBias(g, mask);
        for (int i = 0; i < config.encoderLayers(); i++) {
            String p = "enc.l" + i;
            String h = layerNorm(g, x, p + ".ln1");
            x = g.op("Add", in(x, attention(g, h, h, h, bias, p + ".self", true)));
            h = layerNorm(g, x, p + ".ln2");
            x = g.op("Add", in(x, feedForward(g, h, p)));
        }
        x = layerNorm(g, x, "enc.ln");
        // The decoder's cross-attention keys and values depend only on the history: computed here once per
        // query instead of once per decoder step. memory = [K_0 | V_0 | K_1 | V_1 | ...] along the last axis.
        String[] parts = new String[2 * config.decoderLayers()];
        for (int i = 0; i < config.decoderLayers(); i++) {
            String p = "dec.l" + i + ".cross";
            for (String kv : new String[] {"k", "v"}) {
                NDArray w = net.param(p + "." + kv + ".w");
                NDArray b = net.param(p + "." + kv + ".b");
                g.floats(p + "." + kv + ".w", w.toFloatArray(), w.getShape().getShape());
                g.floats(p + "." + kv + ".b", b.toFloatArray(), b.getShape().getShape());
            }
            parts[2 * i] = linear(g, x, p + ".k");
            parts[2 * i + 1] = linear(g, x, p + ".v");
        }
        g.opInto("memory", "Concat", parts, attr("axis", 2L));
        g.output("memory", f, "batch", "history", memoryWidth(config));
        return g;
    }

    OnnxGraphBuilder decoder() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("rimirec_generator_decoder_step");
        Onnx.TensorProto.DataType f = Onnx.TensorProto.DataType.FLOAT;
        Onnx.TensorProto.DataType i64 = Onnx.TensorProto.DataType.INT64;
        String memory = g.input("memory", f, "memory_batch", "history", memoryWidth(config));
        String mask = g.input("memory_mask", f, "memory_batch", "history");
        String tokens = g.input("tokens", i64, "batch", "steps");
        addParameters(g, "dec.");
        String x = g.op("Gather", in("dec.tok", tokens), attr("axis", 0L));
        // Positions 0..t-1: the first t rows of the position table; the causal bias is cut the same way.
        String t = g.op("Shape", in(tokens), attr("start", 1L), attr("end", 2L));
        String zero = g.longs("const.zero", 0);
        String one = g.longs("const.one", 1);
        x = g.op("Add", in(x, g.op("Slice", in("dec.pos", zero, t, zero))));
        int maxT = config.maxDecodeLength();
        float[] causal = new float[maxT * maxT];
        for (int r = 0; r < maxT; r++) {
            for (int c = r + 1; c < maxT; c++) {
                causal[r * maxT + c] = -1e9f;
            }
        }
        g.floats("const.causal", causal, maxT, maxT);
        String axes01 = g.longs("const.axes01", 0, 1);
        String zeros2 = g.longs("const.zeros2", 0, 0);
        String tt = g.op("Concat", in(t, t), attr("axis", 0L));
        String causalBias = g.op("Slice", in("const.causal", zeros2, tt, axes01));
        String memBias = paddingBias(g, mask);
        for (int i = 0; i < config.decoderLayers(); i++) {
            String p = "dec.l" + i;
            String h = layerNorm(g, x, p + ".ln1");
            x = g.op("Add", in(x, attention(g, h, h, h, causalBias, p + ".self", true)));
            h = layerNorm(g, x, p + ".ln2");
            long d = config.width();
            String axis2 = g.longs(p + ".mem_axis", 2);
            String keys = g.op("Slice", in(memory, g.longs(p + ".k_start", 2 * i * d), g.longs(p + ".k_end", (2 * i + 1) * d), axis2));
            String values = g.op("Slice", in(memory, g.longs(p + ".v_start", (2 * i + 1) * d), g.longs(p + ".v_end", (2 * i + 2) * d), axis2));
            x = g.op("Add", in(x, attention(g, h, keys, values, memBias, p + ".cross", false)));
            h = layerNorm(g, x, p + ".ln3");
            x = g.op("Add", in(x, feedForward(g, h, p)));
        }
        // Only the last position is needed for the next token: cut before the final norm and projection.
        String last = g.op("Slice", in(x, g.longs("const.minus_one", -1), g.longs("const.int_max", Long.MAX_VALUE), one));
        last = g.op("Squeeze", in(last, one));
        last = layerNorm(g, last, "dec.ln");
        String logits = linear(g, last, "dec.out");
        g.opInto("logits", "Identity", in(logits));
        g.output("logits", f, "batch", config.vocabularySize());
        return g;
    }

    /** Width of the encoder's output: keys and values of every decoder layer's cross-attention. */
    public static int memoryWidth(GeneratorConfig config) {
        return 2 * config.decoderLayers() * config.width();
    }

    private static float[] scaled(float[] a, float s) {
        float[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= s;
        }
        return out;
    }

    private void addParameters(OnnxGraphBuilder g, String prefix) {
        for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
            // Query projections are written pre-scaled by attention(); cross K/V of the decoder live in the encoder.
            if (e.getKey().matches(".*\\.q\\.[wb]") || (prefix.equals("dec.") && e.getKey().matches("dec\\.l\\d+\\.cross\\.[kv]\\.[wb]"))) {
                continue;
            }
            if (e.getKey().startsWith(prefix)) {
                g.floats(e.getKey(), e.getValue().toFloatArray(), e.getValue().getShape().getShape());
            }
        }
    }

    private static String linear(OnnxGraphBuilder g, String x, String p) {
        return g.op("Add", in(g.op("MatMul", in(x, p + ".w")), p + ".b"));
    }

    private static String layerNorm(OnnxGraphBuilder g, String x, String p) {
        return g.op("LayerNormalization", in(x, p + ".g", p + ".b"), attr("axis", -1L), attr("epsilon", 1e-5f));
    }

    private static String feedForward(OnnxGraphBuilder g, String x, String p) {
        return linear(g, g.op("Relu", in(linear(g, x, p + ".ff1"))), p + ".ff2");
    }

    /** [b, l] mask to [b, 1, 1, l] additive bias: (mask - 1) * 1e9. */
    private static String paddingBias(OnnxGraphBuilder g, String mask) {
        String b = g.op("Mul", in(g.op("Sub", in(mask, g.scalar("const.one_f_" + mask, 1f))), g.scalar("const.big_" + mask, 1e9f)));
        return g.op("Unsqueeze", in(b, g.longs("const.axes12_" + mask, 1, 2)));
    }

    /**
     * Multi-head attention. With {@code project} the keys and values are projected here from {@code keys} /
     * {@code values}; without, they arrive projected (the decoder's precomputed cross-attention memory). The
     * 1/sqrt(head dim) scale is folded into the query projection.
     */
    private String attention(OnnxGraphBuilder g, String query, String keys, String values, String bias, String p, boolean project) {
        long h = config.heads();
        long dh = config.headDim();
        String split = g.longs(p + ".split_shape", 0, 0, h, dh);
        String merge = g.longs(p + ".merge_shape", 0, 0, config.width());
        float scale = 1f / (float) Math.sqrt(dh);
        NDArray qw = net.param(p + ".q.w");
        NDArray qb = net.param(p + ".q.b");
        g.floats(p + ".q.w_scaled", scaled(qw.toFloatArray(), scale), qw.getShape().getShape());
        g.floats(p + ".q.b_scaled", scaled(qb.toFloatArray(), scale), qb.getShape().getShape());
        String qProj = g.op("Add", in(g.op("MatMul", in(query, p + ".q.w_scaled")), p + ".q.b_scaled"));
        String q = g.op("Transpose", in(g.op("Reshape", in(qProj, split))), attr("perm", 0L, 2L, 1L, 3L));
        String kProj = project ? linear(g, keys, p + ".k") : keys;
        String vProj = project ? linear(g, values, p + ".v") : values;
        String k = g.op("Transpose", in(g.op("Reshape", in(kProj, split))), attr("perm", 0L, 2L, 3L, 1L));
        String v = g.op("Transpose", in(g.op("Reshape", in(vProj, split))), attr("perm", 0L, 2L, 1L, 3L));
        String s = g.op("MatMul", in(q, k));
        s = g.op("Add", in(s, bias));
        String o = g.op("MatMul", in(g.op("Softmax", in(s), attr("axis", -1L)), v));
        o = g.op("Reshape", in(g.op("Transpose", in(o), attr("perm", 0L, 2L, 1L, 3L)), merge));
        return linear(g, o, p + ".o");
    }
}
