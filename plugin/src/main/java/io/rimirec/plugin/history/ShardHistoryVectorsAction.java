package io.rimirec.plugin.history;

import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.single.shard.SingleShardRequest;
import org.opensearch.action.support.single.shard.TransportSingleShardAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.routing.ShardsIterator;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;

/** The per-shard half of {@link HistoryVectorsAction}: runs on a node holding a copy of the shard, on the get pool. */
public final class ShardHistoryVectorsAction extends ActionType<HistoryVectorsAction.Response> {

    public static final String NAME = HistoryVectorsAction.NAME + "[s]";
    public static final ShardHistoryVectorsAction INSTANCE = new ShardHistoryVectorsAction();

    private ShardHistoryVectorsAction() {
        super(NAME, HistoryVectorsAction.Response::new);
    }

    /** The ids routed to one shard of a concrete index. */
    public static final class Request extends SingleShardRequest<Request> {
        private final int shard;
        private final String field;
        private final List<String> ids;

        public Request(String concreteIndex, int shard, String field, List<String> ids) {
            super(concreteIndex);
            this.shard = shard;
            this.field = field;
            this.ids = List.copyOf(ids);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            shard = in.readVInt();
            field = in.readString();
            ids = in.readStringList();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeVInt(shard);
            out.writeString(field);
            out.writeStringCollection(ids);
        }

        @Override
        public ActionRequestValidationException validate() {
            return validateNonNullIndex();
        }
    }

    public static final class TransportAction extends TransportSingleShardAction<Request, HistoryVectorsAction.Response> {

        private final IndicesService indicesService;

        @Inject
        public TransportAction(ClusterService clusterService, TransportService transportService, IndicesService indicesService,
                               ThreadPool threadPool, ActionFilters actionFilters, IndexNameExpressionResolver resolver) {
            super(NAME, threadPool, clusterService, transportService, actionFilters, resolver, Request::new, ThreadPool.Names.GET);
            this.indicesService = indicesService;
        }

        @Override
        protected boolean isSubAction() {
            return true;
        }

        @Override
        protected Writeable.Reader<HistoryVectorsAction.Response> getResponseReader() {
            return HistoryVectorsAction.Response::new;
        }

        @Override
        protected boolean resolveIndex(Request request) {
            return false; // the coordinating action sends a concrete index
        }

        @Override
        protected ShardsIterator shards(ClusterState state, InternalRequest request) {
            return clusterService.operationRouting().getShards(state, request.concreteIndex(), request.request().shard, null);
        }

        @Override
        protected HistoryVectorsAction.Response shardOperation(Request request, ShardId shardId) throws IOException {
            IndexShard shard = indicesService.indexServiceSafe(shardId.getIndex()).getShard(shardId.id());
            try (Engine.Searcher searcher = shard.acquireSearcher("rimirec_history_vectors")) {
                HistoryVectorReader.Result r = HistoryVectorReader.read(searcher.getIndexReader(), request.field, request.ids);
                return new HistoryVectorsAction.Response(r.vectors(), r.unresolved());
            }
        }
    }
}
