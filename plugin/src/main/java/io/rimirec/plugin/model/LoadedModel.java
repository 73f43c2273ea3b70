package io.rimirec.plugin.model;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.hymirec.InterestModel;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.recall.UserVectors;
import io.rimirec.core.tower.UserTower;
import io.rimirec.core.tree.CircleTree;

import java.io.IOException;

/**
 * A model loaded on this node: the verified bundle (tree included) under the stored hash it came from. Serving
 * components that are costly to open (ONNX sessions) are created on first use, so ingest-only nodes never pay
 * for them, and closed when the model leaves the cache.
 */
public final class LoadedModel implements AutoCloseable {

    private final String id;
    private final String hash;
    private final ModelBundle bundle;
    private volatile long validatedAtNanos;
    private volatile RecallPlanner planner;
    private InterestGenerator generator; // guarded by this
    private UserTower userTower; // guarded by this
    private volatile InterestModel interestModel; // written under this
    private boolean closed; // guarded by this

    LoadedModel(String id, String hash, ModelBundle bundle, long validatedAtNanos) {
        this.id = id;
        this.hash = hash;
        this.bundle = bundle;
        this.validatedAtNanos = validatedAtNanos;
    }

    public String id() {
        return id;
    }

    /** SHA-256 of the stored bundle: identifies this exact version. */
    public String hash() {
        return hash;
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public CircleTree tree() {
        return bundle.tree();
    }

    long validatedAtNanos() {
        return validatedAtNanos;
    }

    void markValidated(long nanos) {
        this.validatedAtNanos = nanos;
    }

    /**
     * The recall planner of this model (generator + user vectors: the bundle's {@code user_tower} part when it has one,
     * else the mean of each circle's slice), opened on first use: ONNX sessions cost memory and
     * time, and nodes that only ingest never need them.
     *
     * @throws IllegalArgumentException when the bundle has no generator part
     */
    public RecallPlanner planner(OnnxSessionFactory sessions) throws IOException {
        RecallPlanner p = planner;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("model [" + id + "] was replaced or deleted while this request used it; retry");
            }
            if (planner == null) {
                if (!bundle.manifest().hasPart(BundleManifest.PART_GENERATOR)) {
                    throw new IllegalArgumentException("model [" + id + "] has no [" + BundleManifest.PART_GENERATOR
                        + "] part, which the rimirec query needs: pack it with 'rimirec model pack --generator <dir>'");
                }
                InterestGenerator g = InterestGenerator.load(bundle, sessions);
                UserVectors userVectors = UserVectors.MEAN_OF_SLICE;
                if (bundle.hasPart(BundleManifest.PART_USER_TOWER)) {
                    try {
                        userTower = UserTower.load(bundle, sessions);
                    } catch (IOException | RuntimeException e) {
                        g.close();
                        throw e;
                    }
                    userVectors = userTower;
                }
                generator = g;
                planner = new RecallPlanner(generator, userVectors, RecallPlanner.DEFAULT_MAX_PER_CIRCLE);
            }
            return planner;
        }
    }

    /**
     * The HyMiRec interest model of this model ({@code "strategy": "hymirec"}), opened on first use.
     *
     * @throws IllegalArgumentException when the bundle has no interest model part
     */
    public InterestModel interestModel(OnnxSessionFactory sessions) throws IOException {
        InterestModel m = interestModel;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("model [" + id + "] was replaced or deleted while this request used it; retry");
            }
            if (interestModel == null) {
                if (!bundle.manifest().hasPart(BundleManifest.PART_INTEREST_MODEL)) {
                    throw new IllegalArgumentException("model [" + id + "] has no [" + BundleManifest.PART_INTEREST_MODEL + "] part, which "
                        + "\"strategy\": \"hymirec\" needs (parts: " + bundle.manifest().parts().keySet() + "): pack one with "
                        + "'rimirec model pack --interest-model <dir>', or use the default strategy circles");
                }
                interestModel = InterestModel.load(bundle, sessions);
            }
            return interestModel;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (interestModel != null) {
            interestModel.close();
            interestModel = null;
        }
        if (generator != null) {
            generator.close();
            generator = null;
        }
        if (userTower != null) {
            userTower.close();
            userTower = null;
        }
    }
}
