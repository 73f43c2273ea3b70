package io.rimirec.tools.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.core.generate.EncoderInput;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.tools.train.generator.GeneratorNetwork;
import io.rimirec.tools.train.generator.GeneratorTrainer;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The proof of an export: the same inputs through the DJL network and through ONNX Runtime on the exported
 * files, compared element by element. Decoder prefixes of every length 1..levels+1 are checked, with memory
 * batch = token batch and with one memory broadcast to several token rows (how the beam search calls it). The
 * encoder's memory (cross-attention keys and values) is compared with {@link GeneratorNetwork#crossMemory}.
 */
public final class GeneratorParity {

    /** Largest absolute differences seen. */
    public record Report(double encoderMaxAbsDiff, double decoderMaxAbsDiff, int encoderChecks, int decoderChecks) {
        public double max() {
            return Math.max(encoderMaxAbsDiff, decoderMaxAbsDiff);
        }
    }

    private GeneratorParity() {}

    public static Report check(GeneratorNetwork net, Path encoderFile, Path decoderFile, List<EncoderInput> inputs, long seed) throws IOException {
        OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        OrtEnvironment env = sessions.environment();
        CircleVocabulary vocab = new CircleVocabulary(net.config().levels(), net.config().fanOut());
        Random random = new Random(seed);
        double encMax = 0, decMax = 0;
        int encChecks = 0, decChecks = 0;
        try (OrtSession encoder = sessions.open(encoderFile); OrtSession decoder = sessions.open(decoderFile);
             NDManager m = NDManager.newBaseManager()) {
            for (EncoderInput in : inputs) {
                NDArray[] a = GeneratorTrainer.encoderArrays(m, in);
                NDArray memory = net.encode(a[0], a[1], a[2], a[3], false);
                float[] djlMemory = net.crossMemory(memory).toFloatArray();
                int memWidth = GeneratorOnnxExporter.memoryWidth(net.config());
                float[] ortMemory;
                try (OnnxTensor vt = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.vectors), new long[] {in.batch, in.length, in.dimension});
                     OnnxTensor ct = OnnxTensor.createTensor(env, LongBuffer.wrap(in.circles), new long[] {in.batch, in.length, in.levels});
                     OnnxTensor pt = OnnxTensor.createTensor(env, LongBuffer.wrap(in.positions), new long[] {in.batch, in.length});
                     OnnxTensor mt = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.mask), new long[] {in.batch, in.length});
                     OrtSession.Result r = encoder.run(Map.of("item_vectors", vt, "item_circles", ct, "item_positions", pt, "item_mask", mt))) {
                    ortMemory = floats((OnnxTensor) r.get(0));
                }
                encMax = Math.max(encMax, maxAbsDiff(djlMemory, ortMemory));
                encChecks++;
                for (int t = 1; t <= net.config().maxDecodeLength(); t++) {
                    // Memory batch = token batch.
                    long[] tokens = randomPrefixes(random, vocab, in.batch, t);
                    NDArray logits = net.decode(memory, a[3], m.create(tokens, new Shape(in.batch, t)), false);
                    float[] djl = logits.get(new NDIndex(":, -1, :")).toFloatArray();
                    decMax = Math.max(decMax, maxAbsDiff(djl, runDecoder(env, decoder, ortMemory, in.mask, in.batch, in.length, memWidth, tokens, in.batch, t)));
                    decChecks++;
                    // One memory (the first history) broadcast to 3 token rows.
                    long[] three = randomPrefixes(random, vocab, 3, t);
                    float[] mem0 = java.util.Arrays.copyOf(ortMemory, in.length * memWidth);
                    float[] mask0 = java.util.Arrays.copyOf(in.mask, in.length);
                    NDArray logits3 = net.decode(memory.get("0:1"), a[3].get("0:1"), m.create(three, new Shape(3, t)), false);
                    decMax = Math.max(decMax, maxAbsDiff(logits3.get(new NDIndex(":, -1, :")).toFloatArray(),
                        runDecoder(env, decoder, mem0, mask0, 1, in.length, memWidth, three, 3, t)));
                    decChecks++;
                }
            }
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime failed on the exported generator: " + e.getMessage(), e);
        }
        return new Report(encMax, decMax, encChecks, decChecks);
    }

    private static long[] randomPrefixes(Random r, CircleVocabulary vocab, int batch, int t) {
        long[] out = new long[batch * t];
        for (int b = 0; b < batch; b++) {
            out[b * t] = CircleVocabulary.BOS;
            for (int j = 1; j < t; j++) {
                out[b * t + j] = vocab.token(j - 1, r.nextInt(vocab.fanOut()));
            }
        }
        return out;
    }

    private static float[] runDecoder(OrtEnvironment env, OrtSession decoder, float[] memory, float[] mask, int memBatch, int length, int width,
                                      long[] tokens, int batch, int t) throws OrtException {
        try (OnnxTensor mt = OnnxTensor.createTensor(env, FloatBuffer.wrap(memory), new long[] {memBatch, length, width});
             OnnxTensor kt = OnnxTensor.createTensor(env, FloatBuffer.wrap(mask), new long[] {memBatch, length});
             OnnxTensor tt = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {batch, t});
             OrtSession.Result r = decoder.run(Map.of("memory", mt, "memory_mask", kt, "tokens", tt))) {
            return floats((OnnxTensor) r.get(0));
        }
    }

    private static float[] floats(OnnxTensor t) {
        FloatBuffer fb = t.getFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("output sizes differ: DJL " + a.length + ", ONNX Runtime " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
