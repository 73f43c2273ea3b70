package io.rimirec.plugin.action;

import io.rimirec.plugin.ingest.PipelineModels;
import io.rimirec.plugin.model.ModelCache;
import io.rimirec.plugin.model.ModelStore;
import io.rimirec.plugin.model.UnknownModelException;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

import java.util.List;

public final class TransportDeleteModelAction extends HandledTransportAction<DeleteModelAction.Request, DeleteModelAction.Response> {

    private static final Logger logger = LogManager.getLogger(TransportDeleteModelAction.class);
    private final ModelStore store;
    private final ModelCache cache;
    private final Client client;
    private final ClusterService clusterService;

    @Inject
    public TransportDeleteModelAction(TransportService transportService, ActionFilters actionFilters, ModelStore store, ModelCache cache,
                                      Client client, ClusterService clusterService) {
        super(DeleteModelAction.NAME, transportService, actionFilters, DeleteModelAction.Request::new);
        this.store = store;
        this.cache = cache;
        this.client = client;
        this.clusterService = clusterService;
    }

    @Override
    protected void doExecute(Task task, DeleteModelAction.Request request, ActionListener<DeleteModelAction.Response> listener) {
        String id = request.modelId();
        List<String> pipelines = PipelineModels.pipelinesUsing(clusterService.state(), id);
        if (!pipelines.isEmpty() && !request.force()) {
            listener.onFailure(new OpenSearchStatusException("model [{}] is used by ingest pipeline(s) {}: every document written "
                + "through them would fail once it is gone. Point those pipelines at another model (or delete them) first, or "
                + "delete with ?force=true", RestStatus.CONFLICT, id, pipelines));
            return;
        }
        if (!pipelines.isEmpty()) {
            logger.warn("model [{}] deleted with force while ingest pipeline(s) {} use it: their writes fail until they change", id, pipelines);
        }
        store.delete(id, ActionListener.wrap(deleted -> {
            if (deleted == null) {
                listener.onFailure(new UnknownModelException("unknown model [{}]", id));
                return;
            }
            cache.invalidate(id);
            client.execute(ClearModelCacheAction.INSTANCE, new ClearModelCacheAction.Request(id, false), ActionListener.wrap(
                r -> listener.onResponse(new DeleteModelAction.Response(deleted)),
                e -> {
                    logger.warn("model [{}] deleted, but clearing node caches failed", id, e);
                    listener.onResponse(new DeleteModelAction.Response(deleted));
                }
            ));
        }, listener::onFailure));
    }
}
