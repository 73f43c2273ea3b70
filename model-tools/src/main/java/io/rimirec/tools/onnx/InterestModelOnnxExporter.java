package io.rimirec.tools.onnx;

import io.rimirec.tools.onnx.proto.Onnx;

import java.util.Map;

import static io.rimirec.tools.onnx.OnnxGraphBuilder.attr;
import static io.rimirec.tools.onnx.OnnxGraphBuilder.in;
import static io.rimirec.tools.onnx.OnnxLayers.feedForward;
import static io.rimirec.tools.onnx.OnnxLayers.layerNorm;
import static io.rimirec.tools.onnx.OnnxLayers.linear;

/**
 * Writes a trained HyMiRec coarse + refined model (the evaluation's {@code HyMiRec}, docs/hymirec.md) as one ONNX
 * graph (opset 17), op for op its inference forward pass, with item vectors in place of the training's item-table
 * lookups (the served items' vectors are that table's rows):
 *
 * <pre>
 *   recent_vectors float[batch, r, dim], recent_mask float[batch, r]          r &lt;= maxRecent, right-aligned
 *   long_vectors   float[batch, l, dim], long_mask   float[batch, l]          l &lt;= maxLong (only with the light model)
 *   -&gt; interests float[batch, interests, dim], unit length
 * </pre>
 * Position embeddings are the last r (l) rows of the trained tables, as the right-aligned training layout gives them.
 */
public final class InterestModelOnnxExporter {

    /** The model's shape; {@code maxLong} = 0 for a model without the light model. */
    public record Shape(int dim, int interests, int coarse, int maxRecent, int maxLong, int blocks, int heads) {
        public boolean light() {
            return maxLong > 0;
        }
    }

    /** A parameter's values and shape. */
    public record Tensor(float[] values, long[] shape) {}

    private final Shape shape;
    private final Map<String, Tensor> params;

    /** @param params the trained parameters by their training names, without the item table (the graph reads vectors) */
    public InterestModelOnnxExporter(Shape shape, Map<String, Tensor> params) {
        this.shape = shape;
        this.params = params;
    }

    /** The serialised ONNX model. */
    public byte[] toBytes() {
        return graph().model("rimirec interest model (HyMiRec): history vectors -> " + shape.interests() + " interest vectors").toByteArray();
    }

    OnnxGraphBuilder graph() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("rimirec_interest_model");
        Onnx.TensorProto.DataType f = Onnx.TensorProto.DataType.FLOAT;
        int d = shape.dim();
        String recent = g.input("recent_vectors", f, "batch", "recent", d);
        String recentMask = g.input("recent_mask", f, "batch", "recent");
        String longVectors = null;
        String longMask = null;
        if (shape.light()) {
            longVectors = g.input("long_vectors", f, "batch", "long", d);
            longMask = g.input("long_mask", f, "batch", "long");
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            String name = e.getKey();
            if (!OnnxLayers.isQueryProjection(name)) {
                g.floats(name, e.getValue().values(), e.getValue().shape());
            }
        }
        String axisLast = g.longs("const.axis_last", -1);
        String axes12 = g.longs("const.axes12", 1, 2);
        String one = g.scalar("const.one_f", 1f);
        String big = g.scalar("const.big", 1e9f);
        String batch = g.op("Shape", in(recentMask), attr("start", 0L), attr("end", 1L));

        // Recent items: v * sqrt(d) + position, zero at padding.
        String x = g.op("Mul", in(recent, g.scalar("const.sqrt_d", (float) Math.sqrt(d))));
        x = g.op("Add", in(x, lastRows(g, "pos", shape.maxRecent(), recentMask)));
        x = g.op("Mul", in(x, g.op("Unsqueeze", in(recentMask, axisLast))));
        String queries = broadcast(g, "refined.q", shape.interests(), batch);
        String seq;
        String mask;
        String onesRefined = g.op("Expand", in(g.floats("const.ones_refined", ones(shape.interests()), 1, shape.interests()),
            g.op("Concat", in(batch, g.longs("const.n_refined", shape.interests())), attr("axis", 0L))));
        if (shape.light()) {
            String coarse = g.op("Add", in(coarseInterests(g, longVectors, longMask, batch, axes12, one, big), "indicator"));
            String onesCoarse = g.op("Expand", in(g.floats("const.ones_coarse", ones(shape.coarse()), 1, shape.coarse()),
                g.op("Concat", in(batch, g.longs("const.n_coarse", shape.coarse())), attr("axis", 0L))));
            seq = g.op("Concat", in(coarse, x, queries), attr("axis", 1L));
            mask = g.op("Concat", in(onesCoarse, recentMask, onesRefined), attr("axis", 1L));
        } else {
            seq = g.op("Concat", in(x, queries), attr("axis", 1L));
            mask = g.op("Concat", in(recentMask, onesRefined), attr("axis", 1L));
        }
        String keep = g.op("Unsqueeze", in(mask, axisLast));
        String bias = keyBias(g, mask, axes12, one, big);
        for (int b = 0; b < shape.blocks(); b++) {
            String p = "b" + b;
            String h = layerNorm(g, seq, p + ".ln1");
            seq = g.op("Add", in(seq, attention(g, h, h, bias, p + ".att")));
            h = layerNorm(g, seq, p + ".ln2");
            seq = g.op("Mul", in(g.op("Add", in(seq, feedForward(g, h, p + ".ff1", p + ".ff2"))), keep));
        }
        String last = g.op("Slice", in(seq, g.longs("const.last_s", -shape.interests()), g.longs("const.end", Long.MAX_VALUE),
            g.longs("const.axis1", 1)));
        String out = layerNorm(g, last, "ln");
        // Unit length, as training scores them: x / sqrt(sum x^2 + 1e-12).
        String norm = g.op("Sqrt", in(g.op("Add", in(g.op("ReduceSum", in(g.op("Mul", in(out, out)), axisLast), attr("keepdims", 1L)),
            g.scalar("const.eps", 1e-12f)))));
        g.opInto("interests", "Div", in(out, norm));
        g.output("interests", f, "batch", shape.interests(), d);
        return g;
    }

    /** The light model: learnable coarse queries attend over the long history's vectors. */
    private String coarseInterests(OnnxGraphBuilder g, String longVectors, String longMask, String batch, String axes12, String one, String big) {
        String x = g.op("Add", in(linear(g, longVectors, "long.in"), lastRows(g, "long.pos", shape.maxLong(), longMask)));
        x = layerNorm(g, x, "long.ln");
        String q = broadcast(g, "coarse.q", shape.coarse(), batch);
        String att = attention(g, layerNorm(g, q, "light.lnq"), x, keyBias(g, longMask, axes12, one, big), "light.att");
        q = g.op("Add", in(q, att));
        q = g.op("Add", in(q, feedForward(g, layerNorm(g, q, "light.ln2"), "light.ff1", "light.ff2")));
        return layerNorm(g, q, "light.ln");
    }

    /** The last n rows of a [max, d] position table, n = the mask's length: the right-aligned training layout. */
    private static String lastRows(OnnxGraphBuilder g, String table, int max, String mask) {
        String n = g.op("Shape", in(mask), attr("start", 1L), attr("end", 2L));
        String start = g.op("Sub", in(g.longs(table + ".rows", max), n));
        return g.op("Slice", in(table, start, table + ".rows", g.longs(table + ".axis0", 0)));
    }

    /** A learnable [n, d] table repeated over the batch: [batch, n, d]. */
    private String broadcast(OnnxGraphBuilder g, String table, int n, String batch) {
        return g.op("Expand", in(table, g.op("Concat", in(batch, g.longs(table + ".nd", n, shape.dim())), attr("axis", 0L))));
    }

    /** [b, l] mask (1 = item) to the additive key bias [b, 1, 1, l] training uses: 0 or -1e9. */
    private static String keyBias(OnnxGraphBuilder g, String mask, String axes12, String one, String big) {
        return g.op("Unsqueeze", in(g.op("Mul", in(g.op("Sub", in(mask, one)), big)), axes12));
    }

    private String attention(OnnxGraphBuilder g, String xq, String xkv, String bias, String name) {
        Tensor qw = param(name + ".q.w");
        Tensor qb = param(name + ".q.b");
        return OnnxLayers.attention(g, xq, xkv, bias, name, shape.heads(), shape.dim(), qw.values(), qw.shape(), qb.values(), qb.shape());
    }

    private Tensor param(String name) {
        Tensor t = params.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the interest model has no parameter [" + name + "]; have " + params.keySet());
        }
        return t;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
