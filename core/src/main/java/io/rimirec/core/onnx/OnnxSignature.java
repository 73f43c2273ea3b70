package io.rimirec.core.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The checks every model part (generator, user tower, interest model) runs on an opened graph before serving it: named
 * inputs and outputs of the expected ranks, with messages that name the file and list what the graph has.
 */
public final class OnnxSignature {

    private OnnxSignature() {}

    /**
     * Fails unless {@code session} has every input of {@code ranks} (name to rank) as a tensor of that rank; returns the
     * inputs' shapes (-1 for a dynamic size). {@code hint} (possibly empty) ends the message: what such a part must read.
     */
    public static Map<String, long[]> requireInputs(OrtSession session, String file, Map<String, Integer> ranks, String hint)
        throws IOException, OrtException {
        Map<String, NodeInfo> info = session.getInputInfo();
        Map<String, long[]> shapes = new HashMap<>();
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            NodeInfo n = info.get(e.getKey());
            if (n == null || !(n.getInfo() instanceof TensorInfo t) || t.getShape().length != e.getValue()) {
                throw new IOException("ONNX model file [" + file + "] lacks input [" + e.getKey() + "] of rank " + e.getValue()
                    + " (inputs: " + info.keySet() + ")" + hint);
            }
            shapes.put(e.getKey(), t.getShape());
        }
        return shapes;
    }

    /** Fails unless {@code session} has output {@code name} as a tensor of {@code rank} (0 = any rank); returns its shape. */
    public static long[] requireOutput(OrtSession session, String file, String name, int rank) throws IOException, OrtException {
        NodeInfo out = session.getOutputInfo().get(name);
        if (out == null || !(out.getInfo() instanceof TensorInfo t) || (rank > 0 && t.getShape().length != rank)) {
            throw new IOException("ONNX model file [" + file + "] lacks output [" + name + "]" + (rank > 0 ? " of rank " + rank : "")
                + " (outputs: " + session.getOutputNames() + ")");
        }
        return t.getShape();
    }

    /** Releases a session's native memory on a failure path; nothing to recover if that fails too. */
    public static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException | RuntimeException ignored) {
            // releasing native memory
        }
    }
}
