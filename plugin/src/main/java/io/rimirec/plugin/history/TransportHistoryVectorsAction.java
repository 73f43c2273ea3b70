package io.rimirec.plugin.history;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Coordinates {@link HistoryVectorsAction}: resolves the index, routes each id to its shard as a get would (default
 * routing) and asks one copy of each shard. A shard that fails leaves its ids unresolved, so the caller's multi-get
 * reads them and reports any real failure item by item.
 */
public final class TransportHistoryVectorsAction extends HandledTransportAction<HistoryVectorsAction.Request, HistoryVectorsAction.Response> {

    private final ClusterService clusterService;
    private final IndexNameExpressionResolver resolver;
    private final ShardHistoryVectorsAction.TransportAction shardAction;

    @Inject
    public TransportHistoryVectorsAction(TransportService transportService, ActionFilters actionFilters, ClusterService clusterService,
                                         IndexNameExpressionResolver resolver, ShardHistoryVectorsAction.TransportAction shardAction) {
        super(HistoryVectorsAction.NAME, transportService, actionFilters, HistoryVectorsAction.Request::new);
        this.clusterService = clusterService;
        this.resolver = resolver;
        this.shardAction = shardAction;
    }

    @Override
    protected void doExecute(Task task, HistoryVectorsAction.Request request, ActionListener<HistoryVectorsAction.Response> listener) {
        Map<ShardId, List<String>> byShard = new LinkedHashMap<>();
        String index;
        try {
            ClusterState state = clusterService.state();
            index = resolver.concreteSingleIndex(state, request).getName();
            for (String id : request.ids()) {
                byShard.computeIfAbsent(clusterService.operationRouting().shardId(state, index, id, null), s -> new ArrayList<>()).add(id);
            }
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        if (byShard.isEmpty()) {
            listener.onResponse(new HistoryVectorsAction.Response(Map.of(), List.of()));
            return;
        }
        Map<String, float[]> vectors = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        AtomicInteger pending = new AtomicInteger(byShard.size());
        for (Map.Entry<ShardId, List<String>> e : byShard.entrySet()) {
            ShardHistoryVectorsAction.Request shardRequest = new ShardHistoryVectorsAction.Request(index, e.getKey().id(), request.field(),
                e.getValue());
            shardAction.execute(shardRequest, new ActionListener<>() {
                @Override
                public void onResponse(HistoryVectorsAction.Response r) {
                    synchronized (vectors) {
                        vectors.putAll(r.vectors());
                        unresolved.addAll(r.unresolved());
                    }
                    done();
                }

                @Override
                public void onFailure(Exception ex) {
                    synchronized (vectors) {
                        unresolved.addAll(e.getValue());
                    }
                    done();
                }

                private void done() {
                    if (pending.decrementAndGet() == 0) {
                        listener.onResponse(new HistoryVectorsAction.Response(vectors, unresolved));
                    }
                }
            });
        }
    }
}
