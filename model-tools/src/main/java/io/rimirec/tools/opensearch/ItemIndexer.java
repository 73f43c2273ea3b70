package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.rimirec.tools.data.TextFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Indexes a JSON Lines file of items ({@code {"id": ..., "vector": [...], ...any other fields}}, gzip allowed) into an
 * item index through its default pipeline, so every item is stamped with its circles: the id becomes the document
 * {@code _id} (the {@code rimirec} query reads histories by id) and {@code item_id}, the vector goes to the vector field,
 * every other field is indexed as it is. A line that is not an object with an id fails alone, named by its line number;
 * an item the pipeline refuses (wrong dimension, zero vector) fails alone with the pipeline's reason.
 */
public final class ItemIndexer {

    /** What happened: items read, indexed, and the failures (line or id, and why). */
    public record Result(long read, long indexed, List<BulkIndexer.Failure> failures, double seconds) {}

    private final JsonHttp http;
    private final String index;
    private final String vectorField;
    private final int batchSize;

    public ItemIndexer(JsonHttp http, String index, String vectorField, int batchSize) {
        this.http = http;
        this.index = index;
        this.vectorField = vectorField;
        this.batchSize = batchSize;
    }

    public Result index(Path file) throws IOException {
        long t0 = System.nanoTime();
        BulkIndexer bulk = new BulkIndexer(http, index, batchSize, null);
        List<BulkIndexer.Failure> lineFailures = new ArrayList<>();
        long read = 0;
        try (BufferedReader lines = TextFiles.open(file, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                read++;
                ObjectNode doc;
                try {
                    doc = document(line);
                } catch (IllegalArgumentException | JsonProcessingException e) {
                    lineFailures.add(new BulkIndexer.Failure("line " + number, 400, e.getMessage()));
                    continue;
                }
                bulk.add(doc.path("item_id").asText(), doc);
            }
        }
        BulkIndexer.Result r = bulk.finish();
        http.post("/" + index + "/_refresh", null);
        List<BulkIndexer.Failure> failures = new ArrayList<>(lineFailures);
        failures.addAll(r.failures());
        return new Result(read, r.indexed(), failures, (System.nanoTime() - t0) / 1e9);
    }

    /** The document for one line: {@code item_id} and the vector field from {@code id} and {@code vector}, the rest as is. */
    ObjectNode document(String line) throws JsonProcessingException {
        JsonNode node = JsonHttp.MAPPER.readTree(line);
        if (!(node instanceof ObjectNode in)) {
            throw new IllegalArgumentException("expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        JsonNode id = in.get("id");
        if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isEmpty()) {
            throw new IllegalArgumentException("[id] is missing or not a string or integer: every item needs its id");
        }
        ObjectNode doc = JsonHttp.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> f : in.properties()) {
            if (f.getKey().equals("id")) {
                continue;
            }
            doc.set(f.getKey().equals("vector") ? vectorField : f.getKey(), f.getValue());
        }
        // Last, so a field of the user's own called item_id cannot part the document's _id from the id the query reads.
        doc.put("item_id", id.asText());
        return doc;
    }
}
