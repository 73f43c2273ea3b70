package io.rimirec.core.generate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.onnx.ArtifactFiles;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.onnx.OnnxSignature;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stage 1 of HimiRec at serving time: a user's history in, the circles the user is interested in out.
 *
 * <p>Loads a generator artifact ({@code generator.json}, {@code encoder.onnx}, {@code decoder.onnx}; see
 * docs/formats.md) for one circle tree, from a directory or from memory (the {@code generator} part of a
 * {@link ModelBundle}, as the plugin holds bundles). The two ONNX Runtime sessions are opened
 * once and shared: {@link #generate} is thread-safe. One call runs the encoder once and the decoder once per
 * tree level, with all beams batched and the encoder memory broadcast to them.
 *
 * <p>Input rules: the history is chronological (oldest first); every item needs a vector of the manifest's
 * dimension (callers drop items they could not find, e.g. unknown ids, before calling); an empty history is an
 * error (there is no evidence to generate from: the caller decides on a cold-start fallback); a history longer
 * than {@code max_history} keeps its {@code recent_history} newest items plus evenly spaced older ones
 * ({@link HistoryWindow}).
 */
public final class InterestGenerator implements AutoCloseable {

    private final GeneratorManifest manifest;
    private final CircleTree tree;
    private final CircleVocabulary vocabulary;
    private final ConstrainedBeamSearch search;
    private final OrtEnvironment env;
    private final OrtSession encoder;
    private final OrtSession decoder;

    private InterestGenerator(GeneratorManifest manifest, CircleTree tree, LengthPolicy policy, OrtEnvironment env, OrtSession encoder, OrtSession decoder) {
        this.manifest = manifest;
        this.tree = tree;
        this.vocabulary = manifest.vocabulary();
        this.search = new ConstrainedBeamSearch(tree, vocabulary, policy);
        this.env = env;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** Loads the artifact in {@code dir} for {@code tree} with the manifest's length policy. */
    public static InterestGenerator load(Path dir, CircleTree tree, OnnxSessionFactory sessions) throws IOException {
        return load(dir, tree, sessions, null);
    }

    /** As {@link #load(Path, CircleTree, OnnxSessionFactory)}, with another length policy (null = the manifest's). */
    public static InterestGenerator load(Path dir, CircleTree tree, OnnxSessionFactory sessions, LengthPolicy policy) throws IOException {
        return load(ArtifactFiles.inDirectory(dir, "generator"), dir.toString(), tree, sessions, policy);
    }

    /**
     * Loads the bundle's {@code generator} part for the bundle's own tree, from the bytes the bundle holds in memory
     * (nothing touches the disk), with the manifest's length policy.
     */
    public static InterestGenerator load(ModelBundle bundle, OnnxSessionFactory sessions) throws IOException {
        return load(bundle, sessions, null);
    }

    /** As {@link #load(ModelBundle, OnnxSessionFactory)}, with another length policy (null = the manifest's). */
    public static InterestGenerator load(ModelBundle bundle, OnnxSessionFactory sessions, LengthPolicy policy) throws IOException {
        if (!bundle.hasPart(BundleManifest.PART_GENERATOR)) {
            throw new IllegalArgumentException("model bundle has no [" + BundleManifest.PART_GENERATOR + "] part (parts: "
                + bundle.manifest().parts().keySet() + ")");
        }
        String where = "bundle part " + BundleManifest.PART_GENERATOR + "/";
        return load(bundle.partFiles(BundleManifest.PART_GENERATOR), where, bundle.tree(), sessions, policy);
    }

    /**
     * Loads an artifact held in memory: {@code files} maps a file name ({@code generator.json}, {@code encoder.onnx},
     * ...) to its bytes; {@code where} (a bundle part, say) prefixes the file names in messages.
     */
    public static InterestGenerator load(Map<String, byte[]> files, String where, CircleTree tree, OnnxSessionFactory sessions,
                                         LengthPolicy policy) throws IOException {
        return load(ArtifactFiles.inMemory(files, where, "generator"), where, tree, sessions, policy);
    }

    /** The one loading path: manifest, tree and dimension checks, both sessions, their signatures. */
    private static InterestGenerator load(ArtifactFiles files, String where, CircleTree tree, OnnxSessionFactory sessions, LengthPolicy policy)
        throws IOException {
        GeneratorManifest manifest = GeneratorManifest.parse(files.read(GeneratorManifest.FILE_NAME), files.name(GeneratorManifest.FILE_NAME));
        manifest.checkTree(tree.contentHash(), where);
        if (manifest.vectorDimension() != tree.dimension()) {
            throw new IllegalArgumentException("generator [" + where + "] reads vectors of dimension " + manifest.vectorDimension()
                + " but the circle tree has dimension " + tree.dimension());
        }
        manifest.vocabulary().checkCovers(tree);
        String encoderName = files.name(manifest.encoderFile());
        String decoderName = files.name(manifest.decoderFile());
        OrtSession encoder = sessions.openModel(files.read(manifest.encoderFile()), encoderName);
        OrtSession decoder;
        try {
            decoder = sessions.openModel(files.read(manifest.decoderFile()), decoderName);
        } catch (IOException e) {
            OnnxSignature.closeQuietly(encoder);
            throw e;
        }
        try {
            long[] vecShape = OnnxSignature.requireInputs(encoder, encoderName,
                Map.of("item_vectors", 3, "item_circles", 3, "item_positions", 2, "item_mask", 2), "").get("item_vectors");
            OnnxSignature.requireOutput(encoder, encoderName, "memory", 0);
            OnnxSignature.requireInputs(decoder, decoderName, Map.of("memory", 3, "memory_mask", 2, "tokens", 2), "");
            OnnxSignature.requireOutput(decoder, decoderName, "logits", 0);
            if (vecShape[2] > 0 && vecShape[2] != manifest.vectorDimension()) {
                throw new IOException("ONNX model file [" + encoderName + "] reads vectors of dimension " + vecShape[2]
                    + " but its manifest says " + manifest.vectorDimension());
            }
        } catch (IOException | OrtException | RuntimeException e) {
            OnnxSignature.closeQuietly(encoder);
            OnnxSignature.closeQuietly(decoder);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return new InterestGenerator(manifest, tree, policy == null ? manifest.lengthPolicy() : policy, sessions.environment(), encoder, decoder);
    }

    public GeneratorManifest manifest() {
        return manifest;
    }

    public CircleTree tree() {
        return tree;
    }

    public LengthPolicy lengthPolicy() {
        return search.policy();
    }

    /**
     * The user's interests: up to {@code beams} circles with probabilities that sum to 1.
     *
     * @param vectors chronological history item vectors
     * @param leaves  the items' leaf circles as stored on their documents, or null to descend the tree
     */
    public List<Interest> generate(List<float[]> vectors, List<CirclePath> leaves, int beams) {
        return search(encode(vectors, leaves), beams);
    }

    /** The encoder output for one history: {@code length x width} floats plus its mask. */
    public record Memory(float[] values, float[] mask, int length, int width) {}

    /** Runs the encoder (after windowing the history); the first half of {@link #generate}. */
    public Memory encode(List<float[]> vectors, List<CirclePath> leaves) {
        if (vectors == null || vectors.isEmpty()) {
            throw new IllegalArgumentException("history is empty: the generator needs at least one item with a vector");
        }
        if (leaves != null && leaves.size() != vectors.size()) {
            throw new IllegalArgumentException("history has " + vectors.size() + " vectors but " + leaves.size() + " circle paths");
        }
        int[] keep = manifest.window().select(vectors.size(), null);
        List<float[]> v = new ArrayList<>(keep.length);
        List<CirclePath> p = new ArrayList<>(keep.length);
        for (int i : keep) {
            float[] vec = vectors.get(i);
            if (vec == null) {
                throw new IllegalArgumentException("history item " + i + " has no vector");
            }
            if (vec.length != manifest.vectorDimension()) {
                throw new IllegalArgumentException("history item " + i + " has a vector of dimension " + vec.length + " but the generator expects " + manifest.vectorDimension());
            }
            CirclePath leaf = leaves == null ? null : leaves.get(i);
            if (leaf == null) {
                leaf = tree.assign(vec);
            } else {
                int node = tree.nodeOf(leaf);
                if (node < 0 || !tree.isLeaf(node)) {
                    throw new IllegalArgumentException("history item " + i + " names circle [" + leaf + "], which is not a leaf of the circle tree " + tree.contentHash().substring(0, 12));
                }
            }
            v.add(vec);
            p.add(leaf);
        }
        EncoderInput in = EncoderInput.of(List.of(new EncoderInput.History(v, p)), vocabulary, manifest.vectorDimension());
        try (OnnxTensor vt = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.vectors), new long[] {1, in.length, in.dimension});
             OnnxTensor ct = OnnxTensor.createTensor(env, LongBuffer.wrap(in.circles), new long[] {1, in.length, in.levels});
             OnnxTensor pt = OnnxTensor.createTensor(env, LongBuffer.wrap(in.positions), new long[] {1, in.length});
             OnnxTensor mt = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.mask), new long[] {1, in.length});
             OrtSession.Result r = encoder.run(Map.of("item_vectors", vt, "item_circles", ct, "item_positions", pt, "item_mask", mt))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            return new Memory(values, in.mask, (int) shape[1], (int) shape[2]);
        } catch (OrtException e) {
            throw new IllegalStateException("generator encoder failed: " + e.getMessage(), e);
        }
    }

    /** Runs the constrained beam search over an encoded history; the second half of {@link #generate}. */
    public List<Interest> search(Memory memory, int beams) {
        try (OnnxTensor mem = OnnxTensor.createTensor(env, FloatBuffer.wrap(memory.values), new long[] {1, memory.length, memory.width});
             OnnxTensor mask = OnnxTensor.createTensor(env, FloatBuffer.wrap(memory.mask), new long[] {1, memory.length})) {
            return search.search((tokens, batch, length) -> step(mem, mask, tokens, batch, length), beams);
        } catch (OrtException e) {
            throw new IllegalStateException("generator decoder failed: " + e.getMessage(), e);
        }
    }

    private float[] step(OnnxTensor memory, OnnxTensor mask, long[] tokens, int batch, int length) {
        try (OnnxTensor tt = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {batch, length});
             OrtSession.Result r = decoder.run(Map.of("memory", memory, "memory_mask", mask, "tokens", tt))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("generator decoder failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        OnnxSignature.closeQuietly(encoder);
        OnnxSignature.closeQuietly(decoder);
    }
}
