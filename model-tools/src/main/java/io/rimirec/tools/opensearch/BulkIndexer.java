package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Indexes documents with {@code _bulk} in batches. A batch whose request fails stops the run; items that fail inside a
 * batch (e.g. rejected by the ingest pipeline) are collected and reported, the rest index, as {@code _bulk} does.
 */
public final class BulkIndexer {

    /** One item the cluster refused: its id, HTTP status and error reason. */
    public record Failure(String id, int status, String reason) {}

    /** Totals of a run. */
    public record Result(long indexed, List<Failure> failures) {}

    private final JsonHttp http;
    private final String index;
    private final int batchSize;
    private final String pipeline;
    private final StringBuilder body = new StringBuilder();
    private final List<Failure> failures = new ArrayList<>();
    private int pending;
    private long indexed;

    /**
     * @param pipeline an ingest pipeline for every request, {@code "_none"} to bypass the index's default pipeline, or
     *                 null for the index's default
     */
    public BulkIndexer(JsonHttp http, String index, int batchSize, String pipeline) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.http = http;
        this.index = index;
        this.batchSize = batchSize;
        this.pipeline = pipeline;
    }

    public void add(String id, ObjectNode document) throws IOException {
        ObjectNode action = JsonHttp.MAPPER.createObjectNode();
        action.putObject("index").put("_id", id);
        body.append(JsonHttp.MAPPER.writeValueAsString(action)).append('\n');
        body.append(JsonHttp.MAPPER.writeValueAsString(document)).append('\n');
        if (++pending >= batchSize) {
            flush();
        }
    }

    public void flush() throws IOException {
        if (pending == 0) {
            return;
        }
        String path = "/" + index + "/_bulk" + (pipeline == null ? "" : "?pipeline=" + pipeline);
        JsonNode response = http.ndjson(path, body.toString());
        for (JsonNode item : response.path("items")) {
            JsonNode op = item.elements().next();
            if (op.has("error")) {
                failures.add(new Failure(op.path("_id").asText(), op.path("status").asInt(),
                    op.path("error").path("reason").asText(op.path("error").toString())));
            } else {
                indexed++;
            }
        }
        body.setLength(0);
        pending = 0;
    }

    /** Flushes what is left and returns the totals. */
    public Result finish() throws IOException {
        flush();
        return new Result(indexed, List.copyOf(failures));
    }
}
