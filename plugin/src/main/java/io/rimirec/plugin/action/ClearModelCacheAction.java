package io.rimirec.plugin.action;

import io.rimirec.plugin.model.ModelWarmer;

import org.opensearch.action.ActionType;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/**
 * Drops a model from the cache of every node. Sent by the store after an update or delete (internal; no REST
 * route), so that no node keeps serving the old version.
 */
public final class ClearModelCacheAction extends ActionType<ClearModelCacheAction.Response> {

    public static final String NAME = "cluster:admin/rimirec/models/cache/clear";
    public static final ClearModelCacheAction INSTANCE = new ClearModelCacheAction();

    private ClearModelCacheAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends BaseNodesRequest<Request> {
        private final String modelId;
        private final boolean warm;

        /** @param warm the model was uploaded: every node loads and warms the stored version before answering */
        public Request(String modelId, boolean warm) {
            super((String[]) null); // all nodes
            this.modelId = modelId;
            this.warm = warm;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            modelId = in.readString();
            warm = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(modelId);
            out.writeBoolean(warm);
        }

        public String modelId() {
            return modelId;
        }
    }

    public static final class NodeRequest extends TransportRequest {
        private final String modelId;
        private final boolean warm;

        NodeRequest(String modelId, boolean warm) {
            this.modelId = modelId;
            this.warm = warm;
        }

        public NodeRequest(StreamInput in) throws IOException {
            super(in);
            modelId = in.readString();
            warm = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(modelId);
            out.writeBoolean(warm);
        }
    }

    public static final class NodeResponse extends BaseNodeResponse {
        NodeResponse(DiscoveryNode node) {
            super(node);
        }

        public NodeResponse(StreamInput in) throws IOException {
            super(in);
        }
    }

    public static final class Response extends BaseNodesResponse<NodeResponse> {
        public Response(ClusterName clusterName, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            super(clusterName, nodes, failures);
        }

        public Response(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        protected List<NodeResponse> readNodesFrom(StreamInput in) throws IOException {
            return in.readList(NodeResponse::new);
        }

        @Override
        protected void writeNodesTo(StreamOutput out, List<NodeResponse> nodes) throws IOException {
            out.writeList(nodes);
        }
    }

    public static final class TransportAction extends TransportNodesAction<Request, Response, NodeRequest, NodeResponse> {
        /** How long a node spends loading and warming a replaced model before it answers anyway. */
        static final TimeValue WARM_TIMEOUT = TimeValue.timeValueSeconds(30);
        private final ModelWarmer warmer;

        @Inject
        public TransportAction(
            ThreadPool threadPool,
            ClusterService clusterService,
            TransportService transportService,
            ActionFilters actionFilters,
            ModelWarmer warmer
        ) {
            // The generic pool: a node may wait here (bounded) while it loads and warms the new version.
            super(NAME, threadPool, clusterService, transportService, actionFilters, Request::new, NodeRequest::new,
                ThreadPool.Names.GENERIC, NodeResponse.class);
            this.warmer = warmer;
        }

        @Override
        protected Response newResponse(Request request, List<NodeResponse> responses, List<FailedNodeException> failures) {
            return new Response(clusterService.getClusterName(), responses, failures);
        }

        @Override
        protected NodeRequest newNodeRequest(Request request) {
            return new NodeRequest(request.modelId(), request.warm);
        }

        @Override
        protected NodeResponse newNodeResponse(StreamInput in) throws IOException {
            return new NodeResponse(in);
        }

        @Override
        protected NodeResponse nodeOperation(NodeRequest request) {
            if (request.warm) {
                warmer.reload(request.modelId, WARM_TIMEOUT);
            } else {
                warmer.drop(request.modelId);
            }
            return new NodeResponse(clusterService.localNode());
        }
    }
}
