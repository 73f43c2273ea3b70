package io.rimirec.plugin.action;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.json.Json;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.ModelParts;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.plugin.RimirecPlugin;
import io.rimirec.plugin.model.ModelCache;
import io.rimirec.plugin.model.ModelStore;
import io.rimirec.plugin.model.StoredModel;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;

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
            store.put(id, bytes, manifest, previous -> checkSameStamps(id, previous, manifest, request.allowTreeChange()),
                ActionListener.wrap(result -> {
                    // Every node, this one included, drops the old version; those that served it load and warm the new one.
                    client.execute(ClearModelCacheAction.INSTANCE, new ClearModelCacheAction.Request(id, true), ActionListener.wrap(r -> {
                        if (r.hasFailures()) {
                            logger.warn("model [{}] stored, but {} node(s) could not drop the old version now; they will notice "
                                + "within the revalidation interval", id, r.failures().size());
                        }
                        listener.onResponse(new PutModelAction.Response(result.stored(), result.previous() == null));
                    }, e -> {
                        cache.invalidate(id);
                        logger.warn("model [{}] stored, but clearing node caches failed", id, e);
                        listener.onResponse(new PutModelAction.Response(result.stored(), result.previous() == null));
                    }));
                }, listener::onFailure));
        });
    }

    /**
     * Refuses (409) to replace a stored model by one whose tree or codebook differs, unless {@code allowed}: the items
     * indexed with the stored version carry circles and codes computed by them, which the new version would read
     * wrongly until every item is re-stamped. Retrained generators and towers on the same tree replace freely.
     */
    static void checkSameStamps(String id, StoredModel previous, Map<String, Object> manifest, boolean allowed) {
        if (previous == null || allowed) {
            return;
        }
        String what = null, was = null, now = null;
        Object oldTree = previous.manifest().get(TREE_HASH), newTree = manifest.get(TREE_HASH);
        Object oldCodebook = previous.manifest().get(CODEBOOK_SHA256), newCodebook = manifest.get(CODEBOOK_SHA256);
        if (oldTree != null && !oldTree.equals(newTree)) {
            what = "tree";
            was = stamp(oldTree);
            now = stamp(newTree);
        } else if (previous.manifest().containsKey(CODEBOOK_SHA256) && !Objects.equals(oldCodebook, newCodebook)) {
            what = "codebook";
            was = oldCodebook == null ? "none" : stamp(oldCodebook);
            now = newCodebook == null ? "none" : stamp(newCodebook);
        }
        if (what == null) {
            return;
        }
        throw new OpenSearchStatusException("model [" + id + "] is stored with " + what + " [" + was + "] and the new bundle has " + what
            + " [" + now + "]: items indexed with the stored model carry circles (and codes) computed by its " + what + ", which the "
            + "new one does not share, so queries would refuse them until every item is re-stamped. Upload the new bundle under a new "
            + "model id and switch over when its index is ready (docs/model-store.md, \"Changing a model's tree\"), or pass "
            + "allow_tree_change=true and re-stamp the items through the pipeline (_update_by_query) right after", RestStatus.CONFLICT);
    }

    /** The first 16 hex digits of a hash, as the items' stamps show it. */
    private static String stamp(Object hash) {
        String h = hash == null ? "none" : hash.toString();
        return h.length() > CircleTree.STAMP_LENGTH ? h.substring(0, CircleTree.STAMP_LENGTH) : h;
    }

    private static final String TREE_HASH = "tree_hash";
    /** SHA-256 of the codebook file, kept in the stored summary so a replacement can be compared. */
    static final String CODEBOOK_SHA256 = "codebook_sha256";

    /** The manifest as the store keeps it for GET: everything but the per-file list. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(ModelBundle bundle) throws IOException {
        Map<String, Object> m = (Map<String, Object>) Json.parse(bundle.manifest().toJson());
        m.remove("files");
        m.put("file_count", bundle.manifest().files().size());
        m.put("tree_stamp", bundle.tree().stamp());
        m.put(CODEBOOK_SHA256, codebookSha256(bundle));
        m.put("tree", Map.of(
            "nodes", bundle.tree().nodeCount(),
            "leaves", bundle.tree().leafCount(),
            "depth", bundle.tree().maxDepth(),
            "items", bundle.tree().itemCount()
        ));
        return m;
    }

    /** The codebook file's SHA-256 from the manifest's file list, or null when the bundle has no codebook. */
    private static String codebookSha256(ModelBundle bundle) {
        if (!bundle.manifest().hasPart(BundleManifest.PART_CODEBOOK)) {
            return null;
        }
        String path = bundle.manifest().part(BundleManifest.PART_CODEBOOK);
        return bundle.manifest().files().stream().filter(f -> f.path().equals(path)).map(f -> f.sha256()).findFirst().orElse(null);
    }
}
