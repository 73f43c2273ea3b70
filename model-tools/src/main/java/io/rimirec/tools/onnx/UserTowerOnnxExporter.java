package io.rimirec.tools.onnx;

import ai.djl.ndarray.NDArray;
import io.rimirec.tools.onnx.proto.Onnx;
import io.rimirec.tools.train.tower.UserTowerConfig;
import io.rimirec.tools.train.tower.UserTowerNetwork;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static io.rimirec.tools.onnx.OnnxGraphBuilder.attr;
import static io.rimirec.tools.onnx.OnnxGraphBuilder.in;
import static io.rimirec.tools.onnx.OnnxLayers.layerNorm;
import static io.rimirec.tools.onnx.OnnxLayers.linear;

/**
 * Writes a trained {@link UserTowerNetwork} as one ONNX graph (opset 17), op for op its inference forward pass:
 *
 * <pre>
 *   user_tower.onnx  item_vectors float[batch,slice,vector_dimension], item_positions int64[batch,slice],
 *                    item_mask float[batch,slice], circle int64[batch,levels]   -> user_vector float[batch,vector_dimension]
 * </pre>
 * batch and slice are dynamic; slice may hold only padding (an empty slice: the circle's own vector).
 */
public final class UserTowerOnnxExporter {

    private final UserTowerNetwork net;
    private final UserTowerConfig config;

    public UserTowerOnnxExporter(UserTowerNetwork net) {
        this.net = net;
        this.config = net.config();
    }

    public void write(Path file) throws IOException {
        graph().write(file, "rimirec user tower: one circle's history slice + circle token -> user vector");
    }

    OnnxGraphBuilder graph() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("rimirec_user_tower");
        Onnx.TensorProto.DataType f = Onnx.TensorProto.DataType.FLOAT;
        Onnx.TensorProto.DataType i64 = Onnx.TensorProto.DataType.INT64;
        int d = config.vectorDimension();
        String vectors = g.input("item_vectors", f, "batch", "slice", d);
        String positions = g.input("item_positions", i64, "batch", "slice");
        String mask = g.input("item_mask", f, "batch", "slice");
        String circle = g.input("circle", i64, "batch", config.levels());
        for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
            if (!OnnxLayers.isQueryProjection(e.getKey())) { // written pre-scaled by attention()
                g.floats(e.getKey(), e.getValue().toFloatArray(), e.getValue().getShape().getShape());
            }
        }
        String axis1 = g.longs("const.axis1", 1);
        String axisLast = g.longs("const.axis_last", -1);
        String zero = g.longs("const.zero", 0);
        String one = g.longs("const.one", 1);
        // Items: LN(W_in v + b) + position embedding.
        String x = layerNorm(g, linear(g, vectors, "in"), "in.ln");
        x = g.op("Add", in(x, g.op("Gather", in("pos.emb", positions), attr("axis", 0L))));
        // CLS: base + sum of the circle's token embeddings (PAD contributes nothing).
        String present = g.op("Cast", in(g.op("Greater", in(circle, zero))), attr("to", (long) Onnx.TensorProto.DataType.FLOAT.getNumber()));
        present = g.op("Unsqueeze", in(present, axisLast));
        String tokens = g.op("ReduceSum", in(g.op("Mul", in(g.op("Gather", in("circle.emb", circle), attr("axis", 0L)), present)), axis1), attr("keepdims", 0L));
        String cls = g.op("Add", in(tokens, g.op("Reshape", in("cls.emb", g.longs("const.width", config.width())))));
        String seq = g.op("Concat", in(g.op("Unsqueeze", in(cls, axis1)), x), attr("axis", 1L));
        // Mask with the CLS position always present, as an additive [b, 1, 1, 1 + s] bias.
        String firstCol = g.op("Slice", in(mask, zero, one, axis1));
        String ones = g.op("Add", in(g.op("Mul", in(firstCol, g.scalar("const.zero_f", 0f))), g.scalar("const.one_f", 1f)));
        String fullMask = g.op("Concat", in(ones, mask), attr("axis", 1L));
        String bias = g.op("Mul", in(g.op("Sub", in(fullMask, "const.one_f")), g.scalar("const.big", 1e9f)));
        bias = g.op("Unsqueeze", in(bias, g.longs("const.axes12", 1, 2)));
        for (int i = 0; i < config.layers(); i++) {
            String p = "l" + i;
            String h = layerNorm(g, seq, p + ".ln1");
            seq = g.op("Add", in(seq, attention(g, h, bias, p + ".att")));
            h = layerNorm(g, seq, p + ".ln2");
            seq = g.op("Add", in(seq, linear(g, g.op("Relu", in(linear(g, h, p + ".ff1"))), p + ".ff2")));
        }
        String head = g.op("Squeeze", in(g.op("Slice", in(seq, zero, one, axis1)), axis1));
        head = linear(g, layerNorm(g, head, "out.ln"), "out");
        // Recency pool: sum_i v_i e^{r[pos_i]} / (1 + sum_j e^{r[pos_j]}) over real items.
        String weight = g.op("Mul", in(g.op("Exp", in(g.op("Gather", in("recency", positions), attr("axis", 0L)))), mask));
        String denom = g.op("Add", in(g.op("ReduceSum", in(weight, axis1), attr("keepdims", 1L)), "const.one_f"));
        String pooled = g.op("ReduceSum", in(g.op("Mul", in(vectors, g.op("Unsqueeze", in(weight, axisLast)))), axis1), attr("keepdims", 0L));
        pooled = g.op("Div", in(pooled, denom));
        g.opInto("user_vector", "Add", in(head, pooled));
        g.output("user_vector", f, "batch", d);
        return g;
    }

    /** Multi-head self-attention (the shared layer, query projection pre-scaled). */
    private String attention(OnnxGraphBuilder g, String x, String bias, String p) {
        NDArray qw = net.param(p + ".q.w");
        NDArray qb = net.param(p + ".q.b");
        return OnnxLayers.attention(g, x, x, bias, p, config.heads(), config.width(), qw.toFloatArray(), qw.getShape().getShape(),
            qb.toFloatArray(), qb.getShape().getShape());
    }
}
