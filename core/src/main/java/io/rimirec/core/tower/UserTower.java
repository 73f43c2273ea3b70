package io.rimirec.core.tower;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.onnx.ArtifactFiles;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.onnx.OnnxSignature;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.UserVectors;
import io.rimirec.core.split.BehaviourSplit;
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
 * The trained user tower at serving time (HimiRec stage 2, step 4): every circle's slice of the history plus the
 * circle's token in, one user vector per circle out, all circles of a query in one ONNX Runtime run.
 *
 * <p>Loads a user tower artifact ({@code user_tower.json} + {@code user_tower.onnx}, docs/formats.md) for one circle
 * tree, from a directory, from memory, or from a {@link ModelBundle}'s {@code user_tower} part. The session is opened
 * once and shared: {@link #embed} is thread-safe.
 *
 * <p>Input rules: slices are chronological; a slice longer than the manifest's {@code max_slice} keeps its newest
 * items; every item needs a vector of the manifest's {@code vector_dimension} (otherwise an error naming the item and
 * the expected dimension). <b>An empty slice</b> (a generated circle holding none of the history) is valid: the tower
 * then reads only the circle token and returns the circle's learned vector (training sees such samples whenever a
 * user's next item is the first one in its circle).
 */
public final class UserTower implements UserVectors, AutoCloseable {

    public static final String NAME = "user_tower";

    private final UserTowerManifest manifest;
    private final OrtEnvironment env;
    private final OrtSession session;

    private UserTower(UserTowerManifest manifest, OrtEnvironment env, OrtSession session) {
        this.manifest = manifest;
        this.env = env;
        this.session = session;
    }

    /** Loads the artifact in {@code dir} for {@code tree}. */
    public static UserTower load(Path dir, CircleTree tree, OnnxSessionFactory sessions) throws IOException {
        return load(ArtifactFiles.inDirectory(dir, "user tower"), dir.toString(), tree, sessions);
    }

    /** Loads the bundle's {@code user_tower} part for the bundle's own tree, from the bundle's bytes in memory. */
    public static UserTower load(ModelBundle bundle, OnnxSessionFactory sessions) throws IOException {
        if (!bundle.hasPart(BundleManifest.PART_USER_TOWER)) {
            throw new IllegalArgumentException("model bundle has no [" + BundleManifest.PART_USER_TOWER + "] part (parts: "
                + bundle.manifest().parts().keySet() + ")");
        }
        return load(bundle.partFiles(BundleManifest.PART_USER_TOWER), "bundle part " + BundleManifest.PART_USER_TOWER + "/", bundle.tree(), sessions);
    }

    /** Loads an artifact held in memory (file name → bytes); {@code where} prefixes file names in messages. */
    public static UserTower load(Map<String, byte[]> files, String where, CircleTree tree, OnnxSessionFactory sessions) throws IOException {
        return load(ArtifactFiles.inMemory(files, where, "user tower"), where, tree, sessions);
    }

    /** The one loading path: manifest, tree hash, dimensions, the session and its signature. */
    private static UserTower load(ArtifactFiles files, String where, CircleTree tree, OnnxSessionFactory sessions) throws IOException {
        UserTowerManifest manifest = UserTowerManifest.parse(files.read(UserTowerManifest.FILE_NAME), files.name(UserTowerManifest.FILE_NAME));
        manifest.checkTree(tree.contentHash(), where);
        if (manifest.vectorDimension() != tree.dimension()) {
            throw new IllegalArgumentException("user tower [" + where + "] reads item vectors of dimension " + manifest.vectorDimension()
                + " but the circle tree (and the index) has dimension " + tree.dimension());
        }
        if (manifest.outputDimension() != tree.dimension()) {
            throw new IllegalArgumentException("user tower [" + where + "] emits user vectors of dimension " + manifest.outputDimension()
                + " but the k-NN field (the circle tree) has dimension " + tree.dimension());
        }
        manifest.vocabulary().checkCovers(tree);
        String modelName = files.name(manifest.modelFile());
        OrtSession session = sessions.openModel(files.read(manifest.modelFile()), modelName);
        try {
            Map<String, long[]> inputs = OnnxSignature.requireInputs(session, modelName,
                Map.of("item_vectors", 3, "item_positions", 2, "item_mask", 2, "circle", 2),
                ": a user tower must read item_vectors, item_positions, item_mask and circle");
            long[] vecShape = inputs.get("item_vectors");
            if (vecShape[2] > 0 && vecShape[2] != manifest.vectorDimension()) {
                throw new IOException("ONNX model file [" + modelName + "] reads item vectors of dimension " + vecShape[2]
                    + " but its manifest says vector_dimension " + manifest.vectorDimension());
            }
            long[] circleShape = inputs.get("circle");
            if (circleShape[1] > 0 && circleShape[1] != manifest.levels()) {
                throw new IOException("ONNX model file [" + modelName + "] reads circles of " + circleShape[1]
                    + " levels but its manifest says " + manifest.levels());
            }
            long outDim = OnnxSignature.requireOutput(session, modelName, "user_vector", 2)[1];
            if (outDim > 0 && outDim != manifest.outputDimension()) {
                throw new IOException("ONNX model file [" + modelName + "] emits user vectors of dimension " + outDim
                    + " but its manifest says output.dimension " + manifest.outputDimension());
            }
        } catch (IOException | OrtException | RuntimeException e) {
            OnnxSignature.closeQuietly(session);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return new UserTower(manifest, sessions.environment(), session);
    }

    public UserTowerManifest manifest() {
        return manifest;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[][] embed(List<HistoryItem> history, List<BehaviourSplit.Slice> slices) {
        List<TowerInput.Row> rows = new ArrayList<>(slices.size());
        for (BehaviourSplit.Slice s : slices) {
            List<float[]> v = new ArrayList<>(s.positions().size());
            for (int p : s.positions()) {
                v.add(history.get(p).vector());
            }
            rows.add(new TowerInput.Row(s.circle(), v));
        }
        return run(rows);
    }

    /** One run for every row; a vector per row, in order. */
    public float[][] run(List<TowerInput.Row> rows) {
        if (rows.isEmpty()) {
            return new float[0][];
        }
        TowerInput in = TowerInput.of(rows, manifest.vocabulary(), manifest.vectorDimension(), manifest.maxSlice());
        try (OnnxTensor vt = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.vectors), new long[] {in.batch, in.length, in.dimension});
             OnnxTensor pt = OnnxTensor.createTensor(env, LongBuffer.wrap(in.positions), new long[] {in.batch, in.length});
             OnnxTensor mt = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.mask), new long[] {in.batch, in.length});
             OnnxTensor ct = OnnxTensor.createTensor(env, LongBuffer.wrap(in.circles), new long[] {in.batch, in.levels});
             OrtSession.Result r = session.run(Map.of("item_vectors", vt, "item_positions", pt, "item_mask", mt, "circle", ct))) {
            FloatBuffer fb = ((OnnxTensor) r.get("user_vector").orElseThrow()).getFloatBuffer();
            int d = manifest.outputDimension();
            float[][] out = new float[in.batch][d];
            for (int b = 0; b < in.batch; b++) {
                fb.get(out[b]);
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("user tower failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        OnnxSignature.closeQuietly(session);
    }
}
