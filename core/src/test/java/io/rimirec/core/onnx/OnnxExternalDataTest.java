package io.rimirec.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models written here byte by byte (the ONNX schema's field numbers): {@code Y = X + W} with W an initializer, or W a
 * Constant node's tensor attribute. Inline, ONNX Runtime runs them; with W's data in an external file they are refused
 * before ONNX Runtime sees them.
 */
class OnnxExternalDataTest {

    /** A protobuf message under construction. */
    static final class Proto {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long v) {
            key(field, 0);
            raw(v);
            return this;
        }

        Proto bytes(int field, byte[] b) {
            key(field, 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return bytes(field, m.out.toByteArray());
        }

        private void key(int field, int wire) {
            raw((long) field << 3 | wire);
        }

        private void raw(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) (v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static Proto floatInput(String name) { // ValueInfoProto: float tensor of shape [2]
        Proto dim = new Proto().varint(1, 2);
        Proto shape = new Proto().message(1, dim);
        Proto tensorType = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Tensor W = [1.5, -2] (FLOAT, dims [2]), inline or pointing at {@code location}. */
    static Proto weight(String externalLocation) {
        Proto t = new Proto().varint(1, 2).varint(2, 1).string(8, "W");
        if (externalLocation == null) {
            t.bytes(9, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array());
        } else {
            t.message(13, new Proto().string(1, "location").string(2, externalLocation)).varint(14, 1);
        }
        return t;
    }

    static byte[] model(Proto weight, boolean asConstantNode) {
        Proto graph = new Proto();
        if (asConstantNode) {
            Proto attribute = new Proto().string(1, "value").message(5, weight).varint(20, 4); // type TENSOR
            graph.message(1, new Proto().string(2, "W").string(4, "Constant").message(5, attribute));
        }
        graph.message(1, new Proto().string(1, "X").string(1, "W").string(2, "Y").string(4, "Add"));
        graph.string(2, "g");
        if (!asConstantNode) {
            graph.message(5, weight);
        }
        graph.message(11, floatInput("X")).message(12, floatInput("Y"));
        return new Proto().varint(1, 8).message(8, new Proto().string(1, "").varint(2, 17)).message(7, graph).bytes();
    }

    @Test
    void aSelfContainedModelOpensAndRuns() throws Exception {
        OnnxSessionFactory f = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        for (boolean constant : new boolean[] {false, true}) {
            try (OrtSession s = f.open(model(weight(null), constant), "inline.onnx");
                 OnnxTensor x = OnnxTensor.createTensor(f.environment(), new float[] {1f, 1f});
                 OrtSession.Result r = s.run(Map.of("X", x))) {
                assertArrayEquals(new float[] {2.5f, -1f}, (float[]) r.get(0).getValue(), 0f, "constant node: " + constant);
            }
        }
    }

    @Test
    void aTensorWithExternalDataIsRefusedBeforeOnnxRuntimeReadsAnyFile() {
        OnnxSessionFactory f = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        for (boolean constant : new boolean[] {false, true}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.open(model(weight("config/opensearch.keystore"), constant), "bundle part generator/generator.onnx"));
            assertTrue(e.getMessage().contains("ONNX model [bundle part generator/generator.onnx] keeps the data of tensor [W] in an external file"),
                e.getMessage());
            assertTrue(!e.getMessage().contains("keystore"), "the path it names is not echoed: " + e.getMessage());
        }
    }

    @Test
    void whatTheReaderCannotWalkIsRefusedToo() {
        for (byte[] garbage : new byte[][] {{(byte) 0xff, (byte) 0xff, (byte) 0xff}, {0x3a, 0x7f, 0x01}, {0x0b, 0x0c}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExternalData.refuse(garbage, "x.onnx"));
            assertTrue(e.getMessage().startsWith("ONNX model [x.onnx] could not be read (corrupt or not an ONNX model?)"), e.getMessage());
        }
        // Deep nesting stops the scan instead of the stack: graph -> node -> attribute -> graph -> ...
        Proto g = new Proto();
        for (int i = 0; i < 2_000; i++) {
            g = new Proto().message(1, new Proto().message(5, new Proto().message(6, g)));
        }
        byte[] deep = new Proto().message(7, g).bytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExternalData.refuse(deep, "deep"));
        assertTrue(e.getMessage().contains("nested deeper than 64 levels"), e.getMessage());
    }
}
