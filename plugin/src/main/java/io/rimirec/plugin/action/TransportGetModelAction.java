package io.rimirec.plugin.action;

import io.rimirec.plugin.model.ModelStore;
import io.rimirec.plugin.model.UnknownModelException;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;

import java.util.List;

public final class TransportGetModelAction extends HandledTransportAction<GetModelAction.Request, GetModelAction.Response> {

    private final ModelStore store;

    @Inject
    public TransportGetModelAction(TransportService transportService, ActionFilters actionFilters, ModelStore store) {
        super(GetModelAction.NAME, transportService, actionFilters, GetModelAction.Request::new);
        this.store = store;
    }

    @Override
    protected void doExecute(Task task, GetModelAction.Request request, ActionListener<GetModelAction.Response> listener) {
        if (request.modelId() == null) {
            store.list(ActionListener.wrap(all -> listener.onResponse(new GetModelAction.Response(all, false)), listener::onFailure));
            return;
        }
        store.getMeta(request.modelId(), ActionListener.wrap(meta -> {
            if (meta == null) {
                listener.onFailure(new UnknownModelException("unknown model [{}]", request.modelId()));
            } else {
                listener.onResponse(new GetModelAction.Response(List.of(meta), true));
            }
        }, listener::onFailure));
    }
}
