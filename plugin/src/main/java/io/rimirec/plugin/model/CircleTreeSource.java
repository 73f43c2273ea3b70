package io.rimirec.plugin.model;

import io.rimirec.core.tree.CircleTree;

/**
 * Where the plugin finds a model's circle tree. The one loading interface: the ingest processor and the query
 * resolve trees only through it, so the source (node config directory today, the cluster model store later) can
 * change without touching them.
 */
public interface CircleTreeSource {

    /**
     * The tree of {@code modelId}.
     *
     * @throws UnknownModelException when no model with that id exists
     * @throws IllegalStateException when the model exists but its tree cannot be read (the message says why)
     */
    CircleTree tree(String modelId);
}
