package io.rimirec.plugin.action;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.json.Json;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.ModelParts;
import io.rimirec.plugin.RimirecPlugin;
import io.rimirec.plugin.model.ModelCache;
import io.rimirec.plugin.model.ModelStore;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.util.Map;

/**
 * Validates an uploaded bundle completely — archive, manifest, tree, and every model part opened as the query opens it
 * (nothing is stored when anything is wrong) — stores it, and evicts the
 * model from every node's cache.
 */
public final class TransportPutModelAction extends HandledTransportAction<PutModelAction.Request, PutModelAction.Response> {

    private static final Logger logger = LogManager.getLogger(TransportPutModelAction.class);
    /** Sessions opened only to validate uploads (closed right away), on the CPU. */
    private static final OnnxSessionFactory SESSIONS = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
    private final ModelStore store;
    private final ModelCache cache;
    private final ThreadPool threadPool;
    private final Client client;

    @Inject
    public TransportPutModelAction(
        TransportService transportService,
        ActionFilters actionFilters,
        ModelStore store,
        ModelCache cache,
        ThreadPool threadPool,
        Client client
    ) {
        super(PutModelAction.NAME, transportService, actionFilters, PutModelAction.Request::new);
        this.store = store;
        this.cache = cache;
        this.threadPool = threadPool;
        this.client = client;
    }

    @Override
    protected void doExecute(Task task, PutModelAction.Request request, ActionListener<PutModelAction.Response> listener) {
        String id = request.modelId();
        threadPool.executor(RimirecPlugin.THREAD_POOL).execute(() -> {
            byte[] bytes = BytesReference.toBytes(request.bundle());
            Map<String, Object> manifest;
            try {
                ModelBundle bundle = BundleArchive.read(bytes, cache.maxBundleBytes(), cache.bundleLimitName());
                // Open the model parts as the query will, so an unloadable generator or user tower is refused now.
                ModelParts.check(bundle, SESSIONS);
                manifest = summary(bundle);
            } catch (Exception e) {
                listener.onFailure(new IllegalArgumentException("invalid bundle for model [" + id + "]: " + e.getMessage(), e));
                return;
            }
            store.put(id, bytes, manifest, ActionListener.wrap(result -> {
                cache.invalidate(id);
                client.execute(ClearModelCacheAction.INSTANCE, new ClearModelCacheAction.Request(id), ActionListener.wrap(r -> {
                    if (r.hasFailures()) {
                        logger.warn("model [{}] stored, but {} node(s) could not drop the old version now; they will notice within "
                            + "the revalidation interval", id, r.failures().size());
                    }
                    listener.onResponse(new PutModelAction.Response(result.stored(), result.previous() == null));
                }, e -> {
                    logger.warn("model [{}] stored, but clearing node caches failed", id, e);
                    listener.onResponse(new PutModelAction.Response(result.stored(), result.previous() == null));
                }));
            }, listener::onFailure));
        });
    }

    /** The manifest as the store keeps it for GET: everything but the per-file list. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(ModelBundle bundle) throws java.io.IOException {
        Map<String, Object> m = (Map<String, Object>) Json.parse(bundle.manifest().toJson());
        m.remove("files");
        m.put("file_count", bundle.manifest().files().size());
        m.put("tree", Map.of(
            "nodes", bundle.tree().nodeCount(),
            "leaves", bundle.tree().leafCount(),
            "depth", bundle.tree().maxDepth(),
            "items", bundle.tree().itemCount()
        ));
        return m;
    }
}
