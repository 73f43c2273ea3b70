package io.rimirec.plugin.rest;

import io.rimirec.plugin.action.DeleteModelAction;
import io.rimirec.plugin.action.GetModelAction;
import io.rimirec.plugin.action.PutModelAction;

import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

import java.io.IOException;
import java.util.List;

import static org.opensearch.rest.RestRequest.Method.DELETE;
import static org.opensearch.rest.RestRequest.Method.GET;
import static org.opensearch.rest.RestRequest.Method.POST;
import static org.opensearch.rest.RestRequest.Method.PUT;

/**
 * The model store API:
 * <pre>
 *   PUT    /_plugins/rimirec/models/{id}   {"bundle": "&lt;base64 of the bundle zip&gt;"}   upload or replace
 *   GET    /_plugins/rimirec/models/{id}                                           metadata and manifest
 *   GET    /_plugins/rimirec/models                                                all models
 *   DELETE /_plugins/rimirec/models/{id}[?force=true]   (refused while an ingest pipeline names the model, unless forced)
 * </pre>
 * The bundle travels base64-encoded because OpenSearch's REST layer accepts only JSON-family bodies (CBOR and SMILE
 * bodies may carry it as raw binary). {@code rimirec model upload} does this for you.
 */
public final class RestModelsAction extends BaseRestHandler {

    public static final String BASE = "/_plugins/rimirec/models";

    @Override
    public String getName() {
        return "rimirec_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(
            new Route(PUT, BASE + "/{id}"),
            new Route(POST, BASE + "/{id}"),
            new Route(GET, BASE + "/{id}"),
            new Route(GET, BASE),
            new Route(DELETE, BASE + "/{id}")
        );
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String id = request.param("id");
        return switch (request.method()) {
            case PUT, POST -> {
                PutModelAction.Request put = new PutModelAction.Request(id, parseBundle(request),
                    request.paramAsBoolean("allow_tree_change", false));
                yield channel -> client.execute(PutModelAction.INSTANCE, put, new RestToXContentListener<>(channel));
            }
            case DELETE -> {
                DeleteModelAction.Request delete = new DeleteModelAction.Request(id, request.paramAsBoolean("force", false));
                yield channel -> client.execute(DeleteModelAction.INSTANCE, delete, new RestToXContentListener<>(channel));
            }
            default -> channel -> client.execute(GetModelAction.INSTANCE, new GetModelAction.Request(id),
                new RestToXContentListener<>(channel));
        };
    }

    private static BytesReference parseBundle(RestRequest request) throws IOException {
        if (!request.hasContent()) {
            throw new IllegalArgumentException("request body is required: {\"bundle\": \"<base64 of the bundle zip>\"}");
        }
        byte[] bundle = null;
        try (XContentParser parser = request.contentParser()) {
            if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
                throw new IllegalArgumentException("request body must be an object: {\"bundle\": \"<base64 of the bundle zip>\"}");
            }
            XContentParser.Token token;
            while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
                String field = parser.currentName();
                parser.nextToken();
                if ("bundle".equals(field)) {
                    if (!parser.currentToken().isValue()) {
                        throw new IllegalArgumentException("[bundle] must be a string: the bundle zip encoded as base64");
                    }
                    try {
                        bundle = parser.binaryValue();
                    } catch (IOException | IllegalArgumentException e) {
                        throw new IllegalArgumentException("[bundle] must be the bundle zip encoded as base64 (standard alphabet, no line breaks)");
                    }
                } else {
                    throw new IllegalArgumentException("unknown field [" + field + "] in the request body: expected only [bundle]");
                }
            }
        }
        if (bundle == null) {
            throw new IllegalArgumentException("[bundle] is required: the bundle zip encoded as base64");
        }
        return new BytesArray(bundle);
    }
}
