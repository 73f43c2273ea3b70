package io.rimirec.plugin.model;

import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.tree.CircleTree;

/**
 * A model loaded on this node: the verified bundle (tree included) under the stored hash it came from. Serving
 * components that are costly to open (ONNX sessions) are created on first use, so ingest-only nodes never pay
 * for them, and closed when the model leaves the cache.
 */
public final class LoadedModel implements AutoCloseable {

    private final String id;
    private final String hash;
    private final ModelBundle bundle;
    private volatile long validatedAtNanos;

    LoadedModel(String id, String hash, ModelBundle bundle, long validatedAtNanos) {
        this.id = id;
        this.hash = hash;
        this.bundle = bundle;
        this.validatedAtNanos = validatedAtNanos;
    }

    public String id() {
        return id;
    }

    /** SHA-256 of the stored bundle: identifies this exact version. */
    public String hash() {
        return hash;
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public CircleTree tree() {
        return bundle.tree();
    }

    long validatedAtNanos() {
        return validatedAtNanos;
    }

    void markValidated(long nanos) {
        this.validatedAtNanos = nanos;
    }

    @Override
    public void close() {
        // Nothing to release yet: serving sessions join here when the query lands.
    }
}
