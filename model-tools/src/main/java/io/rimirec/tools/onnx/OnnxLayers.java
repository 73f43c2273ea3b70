package io.rimirec.tools.onnx;

import static io.rimirec.tools.onnx.OnnxGraphBuilder.attr;
import static io.rimirec.tools.onnx.OnnxGraphBuilder.in;

/**
 * The layers the exported networks share, written as ONNX nodes the way the trainers compute them: parameters are
 * graph initializers named as in training ({@code name.w}/{@code name.b} for a dense layer, {@code name.g}/{@code name.b}
 * for a LayerNorm, {@code name.q/k/v/o} for attention).
 */
final class OnnxLayers {

    private OnnxLayers() {}

    /** x W + b. */
    static String linear(OnnxGraphBuilder g, String x, String name) {
        return g.op("Add", in(g.op("MatMul", in(x, name + ".w")), name + ".b"));
    }

    /** LayerNorm over the last axis, epsilon 1e-5 as in training. */
    static String layerNorm(OnnxGraphBuilder g, String x, String name) {
        return g.op("LayerNormalization", in(x, name + ".g", name + ".b"), attr("axis", -1L), attr("epsilon", 1e-5f));
    }

    /** ff2(relu(ff1(x))): the point-wise feed-forward layer. */
    static String feedForward(OnnxGraphBuilder g, String x, String ff1, String ff2) {
        return linear(g, g.op("Relu", in(linear(g, x, ff1))), ff2);
    }

    /**
     * Multi-head attention of {@code xq} [b, lq, width] over {@code xkv} [b, lk, width] with an additive {@code bias}
     * broadcastable to [b, heads, lq, lk]. The 1/sqrt(head dim) scale is folded into the query projection, so the graph
     * reads {@code name.q.w_scaled}/{@code name.q.b_scaled} (written here from {@code qw}, {@code qb}) and the caller must
     * not write {@code name.q.w}/{@code name.q.b}.
     */
    static String attention(OnnxGraphBuilder g, String xq, String xkv, String bias, String name, int heads, int width,
                            float[] qw, long[] qwShape, float[] qb, long[] qbShape) {
        long dh = width / heads;
        String split = g.longs(name + ".split_shape", 0, 0, heads, dh);
        String merge = g.longs(name + ".merge_shape", 0, 0, width);
        float scale = 1f / (float) Math.sqrt(dh);
        g.floats(name + ".q.w_scaled", scaled(qw, scale), qwShape);
        g.floats(name + ".q.b_scaled", scaled(qb, scale), qbShape);
        String q = g.op("Add", in(g.op("MatMul", in(xq, name + ".q.w_scaled")), name + ".q.b_scaled"));
        q = g.op("Transpose", in(g.op("Reshape", in(q, split))), attr("perm", 0L, 2L, 1L, 3L));
        String k = g.op("Transpose", in(g.op("Reshape", in(linear(g, xkv, name + ".k"), split))), attr("perm", 0L, 2L, 3L, 1L));
        String v = g.op("Transpose", in(g.op("Reshape", in(linear(g, xkv, name + ".v"), split))), attr("perm", 0L, 2L, 1L, 3L));
        String s = g.op("Add", in(g.op("MatMul", in(q, k)), bias));
        String o = g.op("MatMul", in(g.op("Softmax", in(s), attr("axis", -1L)), v));
        o = g.op("Reshape", in(g.op("Transpose", in(o), attr("perm", 0L, 2L, 1L, 3L)), merge));
        return linear(g, o, name + ".o");
    }

    /** Whether an initializer is a query projection, which {@link #attention} writes pre-scaled instead. */
    static boolean isQueryProjection(String parameter) {
        return parameter.matches(".*\\.q\\.[wb]");
    }

    private static float[] scaled(float[] a, float s) {
        float[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= s;
        }
        return out;
    }
}
