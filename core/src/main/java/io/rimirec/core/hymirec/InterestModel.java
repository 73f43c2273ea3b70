package io.rimirec.core.hymirec;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.onnx.ArtifactFiles;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.onnx.OnnxSignature;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HyMiRec interest model at serving time: a user's history in, s interest vectors out, each searched in the
 * items' vector field ({@code "strategy": "hymirec"} of the query; docs/hymirec.md). The ONNX signature (docs/formats.md,
 * also what a model trained elsewhere must offer):
 *
 * <pre>
 *   recent_vectors float[batch, r, dim]   the newest r &lt;= max_recent items, exact vectors, right-aligned (newest last)
 *   recent_mask    float[batch, r]        1 = item, 0 = padding (left)
 *   long_vectors   float[batch, l, dim]   the newest l &lt;= max_long items as the light model reads them (when max_long &gt; 0)
 *   long_mask      float[batch, l]
 *   -&gt; interests  float[batch, s, dim]
 * </pre>
 *
 * With {@code long_input: codebook} the long items are their codebook reconstructions, exactly as the items' stamped
 * codes give them back, so a history read as vectors and one read from codes feed the light model the same values.
 * The session is opened once; {@link #interests} is thread-safe.
 */
public final class InterestModel implements AutoCloseable {

    public static final String NAME = "interest_model";

    private final InterestModelManifest manifest;
    private final Codebook codebook;
    private final OrtEnvironment env;
    private final OrtSession session;

    private InterestModel(InterestModelManifest manifest, Codebook codebook, OrtEnvironment env, OrtSession session) {
        this.manifest = manifest;
        this.codebook = codebook;
        this.env = env;
        this.session = session;
    }

    /** Loads the bundle's {@code interest_model} part, with the bundle's codebook when the model reads reconstructions. */
    public static InterestModel load(ModelBundle bundle, OnnxSessionFactory sessions) throws IOException {
        if (!bundle.hasPart(BundleManifest.PART_INTEREST_MODEL)) {
            throw new IllegalArgumentException("model bundle has no [" + BundleManifest.PART_INTEREST_MODEL + "] part (parts: "
                + bundle.manifest().parts().keySet() + ")");
        }
        String where = "bundle part " + BundleManifest.PART_INTEREST_MODEL + "/";
        return load(ArtifactFiles.inMemory(bundle.partFiles(BundleManifest.PART_INTEREST_MODEL), where, "interest model"), where,
            bundle.manifest().dimension(), bundle.codebook(), sessions);
    }

    /**
     * Loads an artifact held in memory (file name to bytes; {@code where} prefixes names in messages), as the tools hold
     * a freshly exported one; {@code codebook} may be null for a model whose long input is exact vectors.
     */
    public static InterestModel load(Map<String, byte[]> files, String where, int dimension, Codebook codebook, OnnxSessionFactory sessions)
        throws IOException {
        return load(ArtifactFiles.inMemory(files, where, "interest model"), where, dimension, codebook, sessions);
    }

    /** Loads the artifact in {@code dir}; {@code codebook} may be null for a model whose long input is exact vectors. */
    public static InterestModel load(Path dir, int dimension, Codebook codebook, OnnxSessionFactory sessions) throws IOException {
        return load(ArtifactFiles.inDirectory(dir, "interest model"), dir.toString(), dimension, codebook, sessions);
    }

    private static InterestModel load(ArtifactFiles files, String where, int dimension, Codebook codebook, OnnxSessionFactory sessions)
        throws IOException {
        InterestModelManifest manifest = InterestModelManifest.parse(files.read(InterestModelManifest.FILE_NAME),
            files.name(InterestModelManifest.FILE_NAME));
        if (manifest.vectorDimension() != dimension) {
            throw new IllegalArgumentException("interest model [" + where + "] reads and emits vectors of dimension " + manifest.vectorDimension()
                + " but the model's items (the k-NN field) have dimension " + dimension);
        }
        Codebook used = null;
        if (manifest.hasLongInput() && manifest.longInput() == InterestModelManifest.LongInput.CODEBOOK) {
            if (codebook == null) {
                throw new IllegalArgumentException("interest model [" + where + "] reads the long history as codebook reconstructions but no codebook "
                    + "was given: pack the codebook it was trained with (" + manifest.codebookHash() + ") into the bundle");
            }
            if (!codebook.contentHash().equals(manifest.codebookHash())) {
                throw new IllegalArgumentException("interest model [" + where + "] was trained with codebook " + manifest.codebookHash()
                    + " but the bundle's codebook is " + codebook.contentHash() + ": pack the codebook it was trained with");
            }
            used = codebook;
        }
        String modelName = files.name(manifest.modelFile());
        OrtSession session = sessions.openModel(files.read(manifest.modelFile()), modelName);
        try {
            checkSignature(session, manifest, modelName);
        } catch (IOException | OrtException | RuntimeException e) {
            OnnxSignature.closeQuietly(session);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return new InterestModel(manifest, used, sessions.environment(), session);
    }

    private static void checkSignature(OrtSession session, InterestModelManifest manifest, String modelName) throws IOException, OrtException {
        Map<String, Integer> expected = new HashMap<>(Map.of("recent_vectors", 3, "recent_mask", 2));
        if (manifest.hasLongInput()) {
            expected.put("long_vectors", 3);
            expected.put("long_mask", 2);
        }
        Map<String, long[]> inputs = OnnxSignature.requireInputs(session, modelName, expected,
            "; an interest model reads " + expected.keySet() + " (docs/formats.md)");
        for (String vectors : new String[] {"recent_vectors", "long_vectors"}) {
            if (inputs.containsKey(vectors)) {
                long d = inputs.get(vectors)[2];
                if (d > 0 && d != manifest.vectorDimension()) {
                    throw new IOException("ONNX model file [" + modelName + "] reads [" + vectors + "] of dimension " + d
                        + " but its manifest says vector_dimension " + manifest.vectorDimension());
                }
            }
        }
        long[] shape = OnnxSignature.requireOutput(session, modelName, "interests", 3);
        if ((shape[1] > 0 && shape[1] != manifest.interests()) || (shape[2] > 0 && shape[2] != manifest.vectorDimension())) {
            throw new IOException("ONNX model file [" + modelName + "] emits interests of shape [batch, " + shape[1] + ", " + shape[2]
                + "] but its manifest says " + manifest.interests() + " interests of dimension " + manifest.vectorDimension());
        }
    }

    public InterestModelManifest manifest() {
        return manifest;
    }

    /**
     * The s interest vectors of one user.
     *
     * @param history         the history's vectors, oldest first (at least one)
     * @param fromStoredCodes the vectors were decoded from the items' stamped codes (then they already are what the light
     *                        model reads, and the recent part reads them too: an approximation of the exact vectors)
     */
    public float[][] interests(List<float[]> history, boolean fromStoredCodes) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("the interest model needs at least one history item");
        }
        int d = manifest.vectorDimension();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).length != d) {
                throw new IllegalArgumentException("history item " + i + " has a vector of dimension " + history.get(i).length
                    + " but the interest model expects " + d);
            }
        }
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            int r = Math.min(manifest.maxRecent(), history.size());
            feeds.put("recent_vectors", tensor(history.subList(history.size() - r, history.size()), false, d));
            feeds.put("recent_mask", ones(r));
            if (manifest.hasLongInput()) {
                int l = Math.min(manifest.maxLong(), history.size());
                boolean reconstruct = codebook != null && !fromStoredCodes;
                feeds.put("long_vectors", tensor(history.subList(history.size() - l, history.size()), reconstruct, d));
                feeds.put("long_mask", ones(l));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                FloatBuffer fb = ((OnnxTensor) result.get("interests").orElseThrow()).getFloatBuffer();
                float[][] out = new float[manifest.interests()][d];
                for (float[] row : out) {
                    fb.get(row);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("interest model failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** [1, n, d] of the items (reconstructed through the codebook when asked); no padding is needed for one user. */
    private OnnxTensor tensor(List<float[]> items, boolean reconstruct, int d) throws OrtException {
        float[] flat = new float[items.size() * d];
        for (int i = 0; i < items.size(); i++) {
            float[] v = reconstruct ? PackedCodes.storedReconstruction(codebook, items.get(i)) : items.get(i);
            System.arraycopy(v, 0, flat, i * d, d);
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {1, items.size(), d});
    }

    private OnnxTensor ones(int n) throws OrtException {
        float[] m = new float[n];
        java.util.Arrays.fill(m, 1f);
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(m), new long[] {1, n});
    }

    @Override
    public void close() {
        OnnxSignature.closeQuietly(session);
    }
}
