package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Base64;

/** The rimirec model store REST API ({@code /_plugins/rimirec/models}) from the tools' side. */
public final class ModelStoreClient {

    public static final String BASE = "/_plugins/rimirec/models";
    private final JsonHttp http;

    public ModelStoreClient(JsonHttp http) {
        this.http = http;
    }

    /**
     * Uploads (creates or replaces) a bundle zip; returns the store's answer ({@code result}, {@code model}). The
     * cluster refuses (409) to replace a model by one with another tree or codebook, whose items would all need
     * re-stamping.
     */
    public JsonNode upload(String modelId, byte[] bundleZip) throws IOException {
        return upload(modelId, bundleZip, false);
    }

    /**
     * @param allowTreeChange replace even when the tree or codebook changes: for callers that re-index every item
     *                        of the model right after (the demo, the benchmarks), or a user who will re-stamp them
     */
    public JsonNode upload(String modelId, byte[] bundleZip, boolean allowTreeChange) throws IOException {
        ObjectNode body = JsonHttp.MAPPER.createObjectNode();
        body.put("bundle", Base64.getEncoder().encodeToString(bundleZip));
        return http.put(BASE + "/" + modelId + (allowTreeChange ? "?allow_tree_change=true" : ""), body);
    }

    public JsonNode get(String modelId) throws IOException {
        return http.get(BASE + "/" + modelId);
    }

    public JsonNode list() throws IOException {
        return http.get(BASE);
    }

    /** @param force delete even while an ingest pipeline names the model (the cluster refuses that otherwise) */
    public JsonNode delete(String modelId, boolean force) throws IOException {
        return http.delete(BASE + "/" + modelId + (force ? "?force=true" : ""));
    }
}
