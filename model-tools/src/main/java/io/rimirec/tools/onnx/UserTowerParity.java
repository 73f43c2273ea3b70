package io.rimirec.tools.onnx;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.tower.TowerInput;
import io.rimirec.tools.train.tower.UserTowerNetwork;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The proof of a user tower export: the same inputs through the DJL network and ONNX Runtime, compared element by element. */
public final class UserTowerParity {

    /** Largest absolute difference seen over {@code checks} batches. */
    public record Report(double maxAbsDiff, int checks) {}

    private UserTowerParity() {}

    public static Report check(UserTowerNetwork net, Path onnxFile, List<TowerInput> inputs) throws IOException {
        OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        OrtEnvironment env = sessions.environment();
        double max = 0;
        try (OrtSession session = sessions.open(onnxFile); NDManager m = NDManager.newBaseManager()) {
            for (TowerInput in : inputs) {
                float[] djl = net.forward(m.create(in.vectors, new Shape(in.batch, in.length, in.dimension)), m.create(in.positions, new Shape(in.batch, in.length)),
                    m.create(in.mask, new Shape(in.batch, in.length)), m.create(in.circles, new Shape(in.batch, in.levels)), false).toFloatArray();
                try (OnnxTensor vt = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.vectors), new long[] {in.batch, in.length, in.dimension});
                     OnnxTensor pt = OnnxTensor.createTensor(env, LongBuffer.wrap(in.positions), new long[] {in.batch, in.length});
                     OnnxTensor mt = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.mask), new long[] {in.batch, in.length});
                     OnnxTensor ct = OnnxTensor.createTensor(env, LongBuffer.wrap(in.circles), new long[] {in.batch, in.levels});
                     OrtSession.Result r = session.run(Map.of("item_vectors", vt, "item_positions", pt, "item_mask", mt, "circle", ct))) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    float[] ort = new float[fb.remaining()];
                    fb.get(ort);
                    max = Math.max(max, GeneratorParity.maxAbsDiff(djl, ort));
                }
            }
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime failed on the exported user tower: " + e.getMessage(), e);
        }
        return new Report(max, inputs.size());
    }
}
