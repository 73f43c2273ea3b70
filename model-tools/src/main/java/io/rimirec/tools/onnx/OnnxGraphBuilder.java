package io.rimirec.tools.onnx;

import com.google.protobuf.ByteString;
import io.rimirec.tools.onnx.proto.Onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds one ONNX graph (opset {@value #OPSET}, IR version {@value #IR_VERSION}) node by node. Every helper returns
 * the name of the value it produces, so the exporter reads like the forward pass it mirrors.
 */
public final class OnnxGraphBuilder {

    public static final int OPSET = 17;
    public static final int IR_VERSION = 8;

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private int counter;

    public OnnxGraphBuilder(String name) {
        graph.setName(name);
    }

    // ---- inputs, outputs, constants ------------------------------------------------------------------------------

    /** A graph input; a dimension is either a number or a symbolic name (a String) for a dynamic size. */
    public String input(String name, Onnx.TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    public void output(String name, Onnx.TensorProto.DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    private static Onnx.ValueInfoProto valueInfo(String name, Onnx.TensorProto.DataType type, Object... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            Onnx.TensorShapeProto.Dimension.Builder dim = Onnx.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return Onnx.ValueInfoProto.newBuilder()
            .setName(name)
            .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
            .build();
    }

    public String floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        b.flip();
        graph.addInitializer(tensor(name, Onnx.TensorProto.DataType.FLOAT, dims).setRawData(ByteString.copyFrom(b)));
        return name;
    }

    public String longs(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        b.flip();
        graph.addInitializer(tensor(name, Onnx.TensorProto.DataType.INT64, values.length).setRawData(ByteString.copyFrom(b)));
        return name;
    }

    public String scalar(String name, float value) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
        b.flip();
        graph.addInitializer(tensor(name, Onnx.TensorProto.DataType.FLOAT).setRawData(ByteString.copyFrom(b)));
        return name;
    }

    private static Onnx.TensorProto.Builder tensor(String name, Onnx.TensorProto.DataType type, long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    // ---- nodes ---------------------------------------------------------------------------------------------------

    /** Adds a node with a fresh output name and returns it. */
    public String op(String type, String[] inputs, Onnx.AttributeProto... attributes) {
        String out = type.toLowerCase(java.util.Locale.ROOT) + "_" + (counter++);
        opInto(out, type, inputs, attributes);
        return out;
    }

    /** Adds a node writing to {@code output} (e.g. a graph output). */
    public String opInto(String output, String type, String[] inputs, Onnx.AttributeProto... attributes) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(type).setName(output + "_node").addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (Onnx.AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return output;
    }

    public static Onnx.AttributeProto attr(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static Onnx.AttributeProto attr(String name, float value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static Onnx.AttributeProto attr(String name, long... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static String[] in(String... names) {
        return names;
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    public Onnx.ModelProto model(String docString) {
        return Onnx.ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("rimirec")
            .setProducerVersion("1")
            .setDocString(docString)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(graph)
            .build();
    }

    public void write(Path file, String docString) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            model(docString).writeTo(out);
        }
    }
}
