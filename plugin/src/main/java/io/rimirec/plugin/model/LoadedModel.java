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
 * components that are costly to open (ONNX sessions) are created on first use: by {@link ModelWarmer} when the model
 * is uploaded, else by the first query.
 *
 * <p>Their native memory is released as soon as nothing needs it ({@link LeasedResource}): once the cache drops the
 * model ({@link #close()}), the sessions close when the last request running them finishes, or at once when none is.
 * A request that got the model just before it was dropped still runs, so replacing a model under load fails no query.
 * Before, dropped models kept their sessions for a fixed 60 s grace period: a node taking uploads faster than that held
 * every version's sessions (1.6 MB each for the demo model, +347 MB over 200 quick uploads), which looked like a leak.
 */
public final class LoadedModel implements AutoCloseable {

    /** Work with an opened model part. */
    @FunctionalInterface
    public interface Use<P, T> {
        T apply(P part) throws IOException;
    }

    /** The generator and user tower behind a recall planner, closed together. */
    private record PlannerParts(RecallPlanner planner, InterestGenerator generator, UserTower userTower) implements AutoCloseable {
        @Override
        public void close() {
            generator.close();
            if (userTower != null) {
                userTower.close();
            }
        }
    }

    private final String id;
    private final String hash;
    private final ModelBundle bundle;
    private volatile long validatedAtNanos;
    private final LeasedResource<PlannerParts> planner = new LeasedResource<>();
    private final LeasedResource<InterestModel> interestModel = new LeasedResource<>();

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
     * Runs {@code work} with the recall planner of this model (generator + user vectors: the bundle's
     * {@code user_tower} part when it has one, else the mean of each circle's slice), opening it on first use; its
     * sessions stay open until {@code work} returns.
     *
     * @throws IllegalArgumentException when the bundle has no generator part
     */
    public <T> T withPlanner(OnnxSessionFactory sessions, Use<RecallPlanner, T> work) throws IOException {
        return planner.use(() -> openPlanner(sessions), parts -> work.apply(parts.planner()));
    }

    /**
     * Runs {@code work} with the HyMiRec interest model of this model ({@code "strategy": "hymirec"}), opening it on
     * first use; its session stays open until {@code work} returns.
     *
     * @throws IllegalArgumentException when the bundle has no interest model part
     */
    public <T> T withInterestModel(OnnxSessionFactory sessions, Use<InterestModel, T> work) throws IOException {
        return interestModel.use(() -> openInterestModel(sessions), work);
    }

    private PlannerParts openPlanner(OnnxSessionFactory sessions) throws IOException {
        if (!bundle.manifest().hasPart(BundleManifest.PART_GENERATOR)) {
            throw new IllegalArgumentException("model [" + id + "] has no [" + BundleManifest.PART_GENERATOR
                + "] part, which the rimirec query needs: pack it with 'rimirec model pack --generator <dir>'");
        }
        InterestGenerator generator = InterestGenerator.load(bundle, sessions);
        UserTower userTower = null;
        if (bundle.hasPart(BundleManifest.PART_USER_TOWER)) {
            try {
                userTower = UserTower.load(bundle, sessions);
            } catch (IOException | RuntimeException e) {
                generator.close();
                throw e;
            }
        }
        UserVectors userVectors = userTower != null ? userTower : UserVectors.MEAN_OF_SLICE;
        return new PlannerParts(new RecallPlanner(generator, userVectors, RecallPlanner.DEFAULT_MAX_PER_CIRCLE), generator, userTower);
    }

    private InterestModel openInterestModel(OnnxSessionFactory sessions) throws IOException {
        if (!bundle.manifest().hasPart(BundleManifest.PART_INTEREST_MODEL)) {
            throw new IllegalArgumentException("model [" + id + "] has no [" + BundleManifest.PART_INTEREST_MODEL + "] part, which "
                + "\"strategy\": \"hymirec\" needs (parts: " + bundle.manifest().parts().keySet() + "): pack one with "
                + "'rimirec model pack --interest-model <dir>', or use the default strategy circles");
        }
        return InterestModel.load(bundle, sessions);
    }

    /** The cache dropped this model: its sessions close now, or when the last request using them finishes. */
    @Override
    public void close() {
        planner.drop();
        interestModel.drop();
    }
}
