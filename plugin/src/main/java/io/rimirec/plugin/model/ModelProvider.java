package io.rimirec.plugin.model;

import org.opensearch.core.action.ActionListener;

/**
 * How the ingest processor and the query get a model: from this node's cache, loading it from the model store when
 * needed. Asynchronous because a cache miss reads the store; a hit answers on the calling thread.
 */
public interface ModelProvider {

    /** Completes with the model, or fails with {@link UnknownModelException} when no model has that id. */
    void getModel(String modelId, ActionListener<LoadedModel> listener);
}
