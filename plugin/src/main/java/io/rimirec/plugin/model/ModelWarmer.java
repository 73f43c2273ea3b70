package io.rimirec.plugin.model;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.tree.CircleTree;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.support.PlainActionFuture;
import org.opensearch.common.unit.TimeValue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Loads a model's new version on a node and runs its ONNX parts once, so the first query after an upload finds it
 * ready: loading the bundle, opening the sessions and ONNX Runtime's first run otherwise land on that query (285 ms
 * against a warm query's tens of milliseconds were seen). Every node warms an uploaded model before the upload answers,
 * so its caller (or a roll-out's alias swap) can send queries right after: any node may coordinate a query. The
 * node's model cache stays bounded (its LRU limit) however many models are uploaded.
 */
public final class ModelWarmer {

    private static final Logger logger = LogManager.getLogger(ModelWarmer.class);
    private final ModelCache cache;
    private final OnnxSessionFactory sessions;

    public ModelWarmer(ModelCache cache, OnnxSessionFactory sessions) {
        this.cache = cache;
        this.sessions = sessions;
    }

    /**
     * Drops this node's version of {@code modelId}, loads the stored one and runs its parts once, waiting at most
     * {@code timeout}. Never throws: a failure is logged and left to the first query to report.
     */
    public void reload(String modelId, TimeValue timeout) {
        cache.invalidate(modelId);
        long t0 = System.nanoTime();
        try {
            PlainActionFuture<LoadedModel> loaded = PlainActionFuture.newFuture();
            cache.getModel(modelId, loaded);
            LoadedModel model = loaded.get(timeout.millis(), TimeUnit.MILLISECONDS);
            run(model);
            logger.debug("model [{}]: new version loaded and warmed in {} ms", modelId, (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception e) {
            logger.warn("model [{}]: could not warm the new version; the first query will load it", modelId, e);
        }
    }

    /** Drops this node's version of {@code modelId} (deleted). */
    public void drop(String modelId) {
        cache.invalidate(modelId);
    }

    /** One small inference through each ONNX part the model has: opens the sessions and pays ONNX Runtime's first run. */
    void run(LoadedModel model) throws IOException {
        CircleTree tree = model.tree();
        float[] v = tree.centroid(tree.nodeCount() > 1 ? 1 : 0);
        List<HistoryItem> history = List.of(new HistoryItem(null, v, tree.assign(v)));
        BundleManifest manifest = model.bundle().manifest();
        if (manifest.hasPart(BundleManifest.PART_GENERATOR)) {
            model.withPlanner(sessions, planner -> planner.plan(history, 1));
        }
        if (manifest.hasPart(BundleManifest.PART_INTEREST_MODEL)) {
            model.withInterestModel(sessions, m -> m.interests(List.of(v), false));
        }
    }
}
