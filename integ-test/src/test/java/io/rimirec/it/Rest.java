package io.rimirec.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;

/**
 * JSON over HTTP for integration tests, through the low-level REST client: requests take a body as a JSON string, a
 * {@link JsonNode}, or any object Jackson can write (maps and lists are handy); responses come back as
 * {@link JsonNode}. A non-2xx answer fails with the method, path, status and body in the message.
 *
 * <p>What is created through it (indices, templates, pipelines) is deleted when it is closed. Tests get one from
 * {@link LocalClusterExtension} as a parameter: in a {@code @BeforeEach} or {@code @Test} method it is closed after
 * the test, in a {@code @BeforeAll} method after the whole class.
 */
public final class Rest implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    /** Folder of the repository's {@code index-templates/} (set by the build; falls back to the working dir). */
    public static final String TEMPLATES_PROPERTY = "rimirec.index.templates";

    private static final AtomicInteger INDEX_COUNTER = new AtomicInteger();

    private final RestClient client;
    /** DELETE paths for what this test created, newest first. */
    private final Deque<String> toDelete = new ArrayDeque<>();

    public Rest(RestClient client) {
        this.client = client;
    }

    public RestClient client() {
        return client;
    }

    // ---------------------------------------------------------------------------------------------- requests

    /** Status and parsed body of an answer, whatever the status (for tests that expect errors). */
    /** An answer: status, parsed body, and the values of its {@code Warning} headers. */
    public record Result(int status, JsonNode body, List<String> warnings) {}

    public JsonNode get(String path) throws IOException {
        return request("GET", path, null);
    }

    public JsonNode put(String path, Object body) throws IOException {
        return request("PUT", path, body);
    }

    public JsonNode post(String path, Object body) throws IOException {
        return request("POST", path, body);
    }

    public JsonNode delete(String path) throws IOException {
        return request("DELETE", path, null);
    }

    /** Sends a request and fails unless the answer is 2xx. */
    public JsonNode request(String method, String path, Object body) throws IOException {
        Result r = call(method, path, body);
        if (r.status() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + r.status() + ": " + r.body().toPrettyString());
        }
        return r.body();
    }

    /** Sends a request and returns status and body, also for 4xx/5xx answers. */
    public Result call(String method, String path, Object body) throws IOException {
        Request req = new Request(method, path);
        if (body != null) {
            req.setEntity(new StringEntity(toJson(body), ContentType.APPLICATION_JSON));
        }
        Response response;
        try {
            response = client.performRequest(req);
        } catch (ResponseException e) {
            response = e.getResponse();
        }
        return new Result(response.getStatusLine().getStatusCode(), parse(response), response.getWarnings());
    }

    private static JsonNode parse(Response response) throws IOException {
        if (response.getEntity() == null) {
            return JSON.nullNode();
        }
        try {
            String text = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            if (text.isBlank()) {
                return JSON.nullNode();
            }
            try {
                return JSON.readTree(text);
            } catch (JsonProcessingException e) {
                return JSON.getNodeFactory().textNode(text); // _cat without format=json, plain-text errors
            }
        } catch (ParseException e) {
            throw new IOException(e);
        }
    }

    public static String toJson(Object body) throws JsonProcessingException {
        return body instanceof String s ? s : JSON.writeValueAsString(body);
    }

    // ---------------------------------------------------------------------------------------------- indices

    /** A lower-case index name no other test of this JVM uses. */
    public String uniqueIndexName(String prefix) {
        return (prefix + "-" + INDEX_COUNTER.incrementAndGet()).toLowerCase(Locale.ROOT);
    }

    /** Creates an index (deleted after the test) with settings/mappings as a JSON string or object. */
    public JsonNode createIndex(String index, Object body) throws IOException {
        JsonNode r = put("/" + index, body);
        toDelete.push("/" + index);
        return r;
    }

    /** Creates an index from a file in {@code index-templates/} (a create-index body). */
    public JsonNode createIndexFromTemplate(String index, String templateFile) throws IOException {
        return createIndex(index, readTemplate(templateFile));
    }

    /**
     * PUTs a file from {@code index-templates/} to {@code path}, e.g. {@code ("/_ingest/pipeline/items",
     * "items-pipeline.json")} or {@code ("/_index_template/items", "items-template.json")}; deleted after the test.
     */
    public JsonNode putFromTemplate(String path, String templateFile) throws IOException {
        JsonNode r = put(path, readTemplate(templateFile));
        toDelete.push(path);
        return r;
    }

    /** The text of a file in the repository's {@code index-templates/}. */
    public static String readTemplate(String file) throws IOException {
        Path dir = indexTemplatesDir();
        Path f = dir.resolve(file).normalize();
        if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no template '" + file + "' in " + dir);
        }
        return Files.readString(f, StandardCharsets.UTF_8);
    }

    public static Path indexTemplatesDir() {
        String p = System.getProperty(TEMPLATES_PROPERTY);
        Path dir = p != null ? Path.of(p) : Path.of("..", "index-templates");
        return dir.toAbsolutePath().normalize();
    }

    /** Indexes documents by id with one _bulk request; fails listing the first errors if any item failed. */
    public JsonNode bulkIndex(String index, Map<String, ?> docsById) throws IOException {
        StringBuilder ndjson = new StringBuilder();
        for (Map.Entry<String, ?> e : docsById.entrySet()) {
            ndjson.append(toJson(Map.of("index", Map.of("_index", index, "_id", e.getKey())))).append('\n');
            ndjson.append(toJson(e.getValue())).append('\n');
        }
        return bulk(ndjson.toString());
    }

    /** Deletes {@code path} when this instance is closed (for what a test created by other means). */
    public void deleteAfter(String path) {
        toDelete.push(path);
    }

    /** Sends a raw _bulk body and returns the answer, item failures included (the request itself must succeed). */
    public JsonNode bulkAllowingItemFailures(String ndjson) throws IOException {
        Request req = new Request("POST", "/_bulk");
        req.setEntity(new StringEntity(ndjson, ContentType.create("application/x-ndjson", StandardCharsets.UTF_8)));
        try {
            return parse(client.performRequest(req));
        } catch (ResponseException e) {
            throw new AssertionError("_bulk answered " + e.getResponse().getStatusLine().getStatusCode() + ": "
                + parse(e.getResponse()).toPrettyString());
        }
    }

    /** Sends a raw _bulk body (newline-delimited JSON); fails listing the first errors if any item failed. */
    public JsonNode bulk(String ndjson) throws IOException {
        Request req = new Request("POST", "/_bulk");
        req.setEntity(new StringEntity(ndjson, ContentType.create("application/x-ndjson", StandardCharsets.UTF_8)));
        Response response;
        try {
            response = client.performRequest(req);
        } catch (ResponseException e) {
            throw new AssertionError("_bulk answered " + e.getResponse().getStatusLine().getStatusCode() + ": "
                + parse(e.getResponse()).toPrettyString());
        }
        JsonNode r = parse(response);
        if (r.path("errors").asBoolean(false)) {
            List<String> errors = new ArrayList<>();
            for (JsonNode item : r.path("items")) {
                JsonNode op = item.elements().next();
                if (op.has("error") && errors.size() < 5) {
                    errors.add(op.path("_id").asText() + ": " + op.path("error"));
                }
            }
            throw new AssertionError("_bulk had failures, e.g. " + String.join("; ", errors));
        }
        return r;
    }

    public JsonNode refresh(String index) throws IOException {
        return post("/" + index + "/_refresh", null);
    }

    public JsonNode search(String index, Object body) throws IOException {
        return post("/" + index + "/_search", body);
    }

    /** Waits (up to 60 s) until the index is green: all primaries and replicas allocated. */
    public JsonNode waitForGreen(String index) throws IOException {
        JsonNode h = get("/_cluster/health/" + index + "?wait_for_status=green&timeout=60s");
        if (!"green".equals(h.path("status").asText())) {
            throw new AssertionError("index " + index + " did not turn green: " + h.toPrettyString());
        }
        return h;
    }

    /** A _cat API as JSON rows, e.g. {@code cat("plugins")}. */
    public List<JsonNode> cat(String what) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        get("/_cat/" + what + (what.contains("?") ? "&" : "?") + "format=json").forEach(rows::add);
        return rows;
    }

    /** The ids of a search response's hits, in order. */
    public static List<String> ids(JsonNode searchResponse) {
        List<String> ids = new ArrayList<>();
        searchResponse.path("hits").path("hits").forEach(h -> ids.add(h.path("_id").asText()));
        return ids;
    }

    /** Deletes what was created through this instance, newest first; what is already gone is fine. */
    @Override
    public void close() throws IOException {
        List<String> failures = new ArrayList<>();
        while (!toDelete.isEmpty()) {
            String path = toDelete.pop();
            Result r = call("DELETE", path, null);
            if (r.status() / 100 != 2 && r.status() != 404) {
                failures.add(path + " -> " + r.status() + " " + r.body());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("could not clean up after the test: " + failures);
        }
    }
}
