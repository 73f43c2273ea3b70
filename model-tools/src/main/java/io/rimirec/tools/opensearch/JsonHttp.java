package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;

import java.io.IOException;

/**
 * JSON over OpenSearch's low-level REST client: what the CLI, the demo, benchmarks and integration tests use to
 * talk to a cluster. Errors carry the HTTP status and OpenSearch's own reason.
 */
public final class JsonHttp {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestClient client;

    public JsonHttp(RestClient client) {
        this.client = client;
    }

    public RestClient client() {
        return client;
    }

    /** A JSON array of the vector's values. */
    public static ArrayNode array(float[] vector) {
        ArrayNode a = MAPPER.createArrayNode();
        for (float x : vector) {
            a.add(x);
        }
        return a;
    }

    /** Sends {@code body} (a JSON string, a Jackson node, or any object Jackson can write; null for none). */
    public JsonNode call(String method, String path, Object body) throws IOException {
        Request request = new Request(method, path);
        if (body != null) {
            String json = body instanceof String s ? s : MAPPER.writeValueAsString(body);
            request.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
        }
        try {
            Response response = client.performRequest(request);
            String text = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
            return text.isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
        } catch (ResponseException e) {
            throw HttpStatusException.from(method, path, e);
        } catch (org.apache.hc.core5.http.ParseException e) {
            throw new IOException(e);
        }
    }

    /** Sends newline-delimited JSON (for {@code _bulk} and {@code _msearch}). */
    public JsonNode ndjson(String path, String body) throws IOException {
        Request request = new Request("POST", path);
        request.setEntity(new StringEntity(body, ContentType.create("application/x-ndjson")));
        try {
            Response response = client.performRequest(request);
            return MAPPER.readTree(EntityUtils.toString(response.getEntity()));
        } catch (ResponseException e) {
            throw HttpStatusException.from("POST", path, e);
        } catch (org.apache.hc.core5.http.ParseException e) {
            throw new IOException(e);
        }
    }

    public JsonNode get(String path) throws IOException {
        return call("GET", path, null);
    }

    public JsonNode put(String path, Object body) throws IOException {
        return call("PUT", path, body);
    }

    public JsonNode post(String path, Object body) throws IOException {
        return call("POST", path, body);
    }

    public JsonNode delete(String path) throws IOException {
        return call("DELETE", path, null);
    }

    /** An HTTP error answer, with its status and OpenSearch's error type and reason when it sent them. */
    public static final class HttpStatusException extends IOException {
        private final int status;
        private final JsonNode body;

        HttpStatusException(String message, int status, JsonNode body) {
            super(message);
            this.status = status;
            this.body = body;
        }

        static HttpStatusException from(String method, String path, ResponseException e) {
            int status = e.getResponse().getStatusLine().getStatusCode();
            JsonNode body = null;
            String reason = e.getMessage();
            try {
                String text = EntityUtils.toString(e.getResponse().getEntity());
                body = MAPPER.readTree(text);
                JsonNode error = body.path("error");
                if (error.isObject()) {
                    JsonNode root = error.path("root_cause").path(0);
                    JsonNode cause = root.isMissingNode() ? error : root;
                    reason = cause.path("type").asText() + ": " + cause.path("reason").asText();
                } else if (error.isTextual()) {
                    reason = error.asText();
                }
            } catch (IOException | org.apache.hc.core5.http.ParseException | RuntimeException ignored) {
                // keep the client's own message
            }
            return new HttpStatusException(method + " " + path + " -> HTTP " + status + ": " + reason, status, body);
        }

        public int status() {
            return status;
        }

        /** The parsed error body, or null. */
        public JsonNode body() {
            return body;
        }
    }
}
