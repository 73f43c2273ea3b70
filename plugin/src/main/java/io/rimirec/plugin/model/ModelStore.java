package io.rimirec.plugin.model;

import io.rimirec.core.bundle.BundleArchive;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.delete.DeleteRequest;
import org.opensearch.action.get.GetRequest;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetRequest;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.support.ContextPreservingActionListener;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.index.engine.VersionConflictEngineException;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.sort.SortOrder;
import org.opensearch.transport.client.Client;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps model bundles in the system index {@value #INDEX}: one metadata document per model (id = model id) and the
 * bundle bytes in chunk documents (id = {@code model#hash#n}), so bundles larger than a comfortable document fit and
 * a new upload never overwrites the chunks that readers of the old one are fetching. Every call runs in a stashed
 * thread context: the index belongs to the plugin, not to the user who triggered the call.
 */
public final class ModelStore {

    public static final String INDEX = ".rimirec-models";
    static final int CHUNK_SIZE = 4 * 1024 * 1024;
    /** Chunks per bulk request, so one request stays well under http/transport limits. */
    private static final int CHUNKS_PER_BULK = 4;
    private static final Logger logger = LogManager.getLogger(ModelStore.class);

    private final Client client;
    private final ThreadContext threadContext;

    public ModelStore(Client client) {
        this.client = client;
        this.threadContext = client.threadPool().getThreadContext();
    }

    static final String MAPPING = """
        {
          "dynamic": "strict",
          "_meta": { "description": "rimirec model bundles: one metadata document per model, bundle bytes in chunk documents" },
          "properties": {
            "type":        { "type": "keyword" },
            "model_id":    { "type": "keyword" },
            "hash":        { "type": "keyword" },
            "size":        { "type": "long" },
            "chunk_count": { "type": "integer" },
            "chunk":       { "type": "integer" },
            "uploaded_at": { "type": "date" },
            "manifest":    { "type": "object", "enabled": false },
            "data":        { "type": "binary" }
          }
        }
        """;

    private static String chunkId(String modelId, String hash, int n) {
        return modelId + "#" + hash + "#" + n;
    }

    /**
     * Runs {@code action} with the plugin's own (empty) security context, marked as the store's own writes, and restores
     * the caller's context for the listener.
     */
    private <T> void asPlugin(ActionListener<T> listener, Consumer<ActionListener<T>> action) {
        Supplier<ThreadContext.StoredContext> callers = threadContext.newRestorableContext(false);
        try (ThreadContext.StoredContext ignored = threadContext.stashContext()) {
            threadContext.putTransient(ModelStoreGuard.STORE_WRITE, Boolean.TRUE); // lets ModelStoreGuard tell our writes apart
            action.accept(new ContextPreservingActionListener<>(callers, listener));
        }
    }

    private void ensureIndex(ActionListener<Void> listener) {
        CreateIndexRequest request = new CreateIndexRequest(INDEX).mapping(MAPPING, XContentType.JSON)
            .settings(Map.of("index.number_of_shards", 1, "index.auto_expand_replicas", "0-1", "index.hidden", true));
        client.admin().indices().create(request, ActionListener.wrap(r -> listener.onResponse(null), e -> {
            if (ExceptionsHelper.unwrapCause(e) instanceof ResourceAlreadyExistsException) {
                listener.onResponse(null);
            } else {
                listener.onFailure(e);
            }
        }));
    }

    /**
     * Stores {@code bundle} (already validated) as model {@code id}: writes the chunks, then the metadata document
     * (optimistic concurrency: fails with a version conflict if another upload of the same id won the race), then
     * deletes the previous version's chunks. Listener gets the new metadata and, if there was one, the previous.
     * {@code checkPrevious} sees the stored version (null when there is none) before anything is written and may
     * refuse the replacement by throwing; the metadata write is conditional on that version, so the check cannot race.
     */
    public void put(String id, byte[] bundle, Map<String, Object> manifest, Consumer<StoredModel> checkPrevious,
                    ActionListener<PutResult> listener) {
        String hash = BundleArchive.sha256(bundle);
        int chunkCount = Math.max(1, (bundle.length + CHUNK_SIZE - 1) / CHUNK_SIZE);
        asPlugin(listener, l -> ensureIndex(ActionListener.wrap(v -> getMeta(id, ActionListener.wrap(previous -> {
            try {
                checkPrevious.accept(previous);
            } catch (RuntimeException e) {
                l.onFailure(e);
                return;
            }
            writeChunks(id, hash, bundle, chunkCount, 0, ActionListener.wrap(w -> {
                Map<String, Object> meta = new HashMap<>();
                meta.put("type", "model");
                meta.put("model_id", id);
                meta.put("hash", hash);
                meta.put("size", bundle.length);
                meta.put("chunk_count", chunkCount);
                meta.put("uploaded_at", Instant.now().toString());
                meta.put("manifest", manifest);
                IndexRequest index = new IndexRequest(INDEX).id(id).source(meta).setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
                if (previous == null) {
                    index.opType(DocWriteRequest.OpType.CREATE);
                } else {
                    index.setIfSeqNo(previous.seqNo()).setIfPrimaryTerm(previous.primaryTerm());
                }
                client.index(index, ActionListener.wrap(r -> {
                    StoredModel stored = new StoredModel(id, hash, bundle.length, chunkCount, (String) meta.get("uploaded_at"), manifest,
                        r.getSeqNo(), r.getPrimaryTerm());
                    if (previous != null && !previous.hash().equals(hash)) {
                        deleteChunks(previous, ActionListener.wrap(x -> l.onResponse(new PutResult(stored, previous)), e -> {
                            logger.warn("model [{}]: could not delete the previous version's chunks", id, e);
                            l.onResponse(new PutResult(stored, previous));
                        }));
                    } else {
                        l.onResponse(new PutResult(stored, previous));
                    }
                }, e -> {
                    if (ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException) {
                        l.onFailure(new ModelConflictException(id));
                    } else {
                        l.onFailure(e);
                    }
                }));
            }, l::onFailure));
        }, l::onFailure)), l::onFailure)));
    }

    /** The new metadata and the one it replaced (null when the model is new). */
    public record PutResult(StoredModel stored, StoredModel previous) {}

    private void writeChunks(String id, String hash, byte[] bundle, int chunkCount, int from, ActionListener<Void> listener) {
        if (from >= chunkCount) {
            listener.onResponse(null);
            return;
        }
        BulkRequest bulk = new BulkRequest();
        int to = Math.min(chunkCount, from + CHUNKS_PER_BULK);
        for (int n = from; n < to; n++) {
            byte[] data = Arrays.copyOfRange(bundle, n * CHUNK_SIZE, Math.min(bundle.length, (n + 1) * CHUNK_SIZE));
            bulk.add(new IndexRequest(INDEX).id(chunkId(id, hash, n))
                .source(Map.of("type", "chunk", "model_id", id, "hash", hash, "chunk", n, "data", data)));
        }
        if (to == chunkCount) {
            bulk.setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        }
        client.bulk(bulk, ActionListener.wrap(r -> {
            if (r.hasFailures()) {
                listener.onFailure(new IllegalStateException("storing model [" + id + "] failed: " + r.buildFailureMessage()));
            } else {
                writeChunks(id, hash, bundle, chunkCount, to, listener);
            }
        }, listener::onFailure));
    }

    private void deleteChunks(StoredModel model, ActionListener<Void> listener) {
        BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int n = 0; n < model.chunkCount(); n++) {
            bulk.add(new DeleteRequest(INDEX, chunkId(model.id(), model.hash(), n)));
        }
        client.bulk(bulk, ActionListener.wrap(r -> {
            for (BulkItemResponse item : r.getItems()) {
                if (item.isFailed()) {
                    logger.warn("model [{}]: deleting chunk [{}] failed: {}", model.id(), item.getId(), item.getFailureMessage());
                }
            }
            listener.onResponse(null);
        }, listener::onFailure));
    }

    /** The metadata of model {@code id}, or null when there is none. */
    public void getMeta(String id, ActionListener<StoredModel> listener) {
        asPlugin(listener, l -> client.get(new GetRequest(INDEX, id), ActionListener.wrap(r -> {
            if (!r.isExists()) {
                l.onResponse(null);
                return;
            }
            l.onResponse(fromSource(r.getId(), r.getSourceAsMap(), r.getSeqNo(), r.getPrimaryTerm()));
        }, e -> {
            if (ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException) {
                l.onResponse(null);
            } else {
                l.onFailure(e);
            }
        })));
    }

    @SuppressWarnings("unchecked")
    private static StoredModel fromSource(String id, Map<String, Object> source, long seqNo, long primaryTerm) {
        return new StoredModel(
            id,
            (String) source.get("hash"),
            ((Number) source.get("size")).longValue(),
            ((Number) source.get("chunk_count")).intValue(),
            (String) source.get("uploaded_at"),
            (Map<String, Object>) source.getOrDefault("manifest", Map.of()),
            seqNo,
            primaryTerm
        );
    }

    /** Every stored model's metadata, by id. */
    public void list(ActionListener<List<StoredModel>> listener) {
        SearchRequest search = new SearchRequest(INDEX).source(
            new SearchSourceBuilder().query(QueryBuilders.termQuery("type", "model")).size(10_000).sort("model_id", SortOrder.ASC)
                .seqNoAndPrimaryTerm(true)
        );
        asPlugin(listener, l -> client.search(search, ActionListener.wrap(r -> {
            List<StoredModel> out = new ArrayList<>();
            for (SearchHit hit : r.getHits().getHits()) {
                out.add(fromSource(hit.getId(), hit.getSourceAsMap(), hit.getSeqNo(), hit.getPrimaryTerm()));
            }
            l.onResponse(out);
        }, e -> {
            if (ExceptionsHelper.unwrapCause(e) instanceof IndexNotFoundException) {
                l.onResponse(List.of());
            } else {
                l.onFailure(e);
            }
        })));
    }

    /** Deletes model {@code id} (metadata first, so readers stop finding it, then its chunks); null when absent. */
    public void delete(String id, ActionListener<StoredModel> listener) {
        getMeta(id, ActionListener.wrap(meta -> {
            if (meta == null) {
                listener.onResponse(null);
                return;
            }
            asPlugin(listener, l -> client.delete(
                new DeleteRequest(INDEX, id).setIfSeqNo(meta.seqNo()).setIfPrimaryTerm(meta.primaryTerm())
                    .setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE),
                ActionListener.wrap(r -> deleteChunks(meta, ActionListener.wrap(v -> l.onResponse(meta), e -> {
                    logger.warn("model [{}]: could not delete its chunks", id, e);
                    l.onResponse(meta);
                })), e -> {
                    if (ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException) {
                        l.onFailure(new ModelConflictException(id));
                    } else {
                        l.onFailure(e);
                    }
                })
            ));
        }, listener::onFailure));
    }

    /** Reads a stored bundle's bytes back and checks them against the stored hash. */
    public void readBundle(StoredModel model, ActionListener<byte[]> listener) {
        MultiGetRequest mget = new MultiGetRequest();
        for (int n = 0; n < model.chunkCount(); n++) {
            mget.add(INDEX, chunkId(model.id(), model.hash(), n));
        }
        asPlugin(listener, l -> client.multiGet(mget, ActionListener.wrap(r -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) model.size());
            for (MultiGetItemResponse item : r.getResponses()) {
                if (item.isFailed() || !item.getResponse().isExists()) {
                    // Most likely replaced between reading its metadata and its chunks: worth a retry (503).
                    l.onFailure(new OpenSearchStatusException("model [" + model.id() + "] is incomplete in the store: chunk [" + item.getId()
                        + "] is missing (it may have been replaced while loading; retry, and upload it again if this persists)",
                        RestStatus.SERVICE_UNAVAILABLE));
                    return;
                }
                Object data = item.getResponse().getSourceAsMap().get("data");
                out.write(data instanceof byte[] b ? b : Base64.getDecoder().decode((String) data));
            }
            byte[] bytes = out.toByteArray();
            if (!BundleArchive.sha256(bytes).equals(model.hash())) {
                l.onFailure(new OpenSearchStatusException("model [" + model.id() + "] is damaged in the store: its bytes do not match hash "
                    + model.hash() + "; upload it again (PUT /_plugins/rimirec/models/" + model.id() + ")", RestStatus.INTERNAL_SERVER_ERROR));
                return;
            }
            l.onResponse(bytes);
        }, l::onFailure)));
    }
}
