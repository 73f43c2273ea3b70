package io.rimirec.plugin.action;

import io.rimirec.plugin.model.ModelCache;
import io.rimirec.plugin.model.ModelStore;
import io.rimirec.plugin.model.UnknownModelException;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;

public final class TransportDeleteModelAction extends HandledTransportAction<DeleteModelAction.Request, DeleteModelAction.Response> {

    private static final Logger logger = LogManager.getLogger(TransportDeleteModelAction.class);
    private final ModelStore store;
    private final ModelCache cache;
    private final Client client;

    @Inject
    public TransportDeleteModelAction(TransportService transportService, ActionFilters actionFilters, ModelStore store, ModelCache cache, Client client) {
        super(DeleteModelAction.NAME, transportService, actionFilters, DeleteModelAction.Request::new);
        this.store = store;
        this.cache = cache;
        this.client = client;
    }

    @Override
    protected void doExecute(Task task, DeleteModelAction.Request request, ActionListener<DeleteModelAction.Response> listener) {
        String id = request.modelId();
        store.delete(id, ActionListener.wrap(deleted -> {
            if (deleted == null) {
                listener.onFailure(new UnknownModelException("unknown model [{}]", id));
                return;
            }
            cache.invalidate(id);
            client.execute(ClearModelCacheAction.INSTANCE, new ClearModelCacheAction.Request(id), ActionListener.wrap(
                r -> listener.onResponse(new DeleteModelAction.Response(deleted)),
                e -> {
                    logger.warn("model [{}] deleted, but clearing node caches failed", id, e);
                    listener.onResponse(new DeleteModelAction.Response(deleted));
                }
            ));
        }, listener::onFailure));
    }
}
