package io.rimirec.plugin.model;

import java.io.IOException;

/**
 * A costly native resource (ONNX sessions) opened on first use and closed as soon as nothing needs it once its owner
 * is dropped: at once when idle, else when the last use running it finishes. A use after the drop (a request that got
 * the owner just before) opens it again and closes it after, so no use ever fails for a drop and nothing stays open.
 *
 * @param <R> the resource
 */
final class LeasedResource<R extends AutoCloseable> {

    /** Opens the resource. */
    @FunctionalInterface
    interface Opener<R> {
        R open() throws IOException;
    }

    private R resource; // guarded by this
    private int users; // guarded by this
    private boolean dropped; // guarded by this

    /** Runs {@code work} with the resource, opened by {@code opener} if it is not; it stays open until {@code work} returns. */
    <T> T use(Opener<R> opener, LoadedModel.Use<R, T> work) throws IOException {
        R r;
        synchronized (this) {
            if (resource == null) {
                resource = opener.open();
            }
            r = resource;
            users++;
        }
        try {
            return work.apply(r);
        } finally {
            synchronized (this) {
                users--;
                if (dropped && users == 0) {
                    closeNow();
                }
            }
        }
    }

    /** The owner is gone: close now when unused, else when the last use finishes. */
    synchronized void drop() {
        dropped = true;
        if (users == 0) {
            closeNow();
        }
    }

    synchronized boolean isOpen() {
        return resource != null;
    }

    private void closeNow() {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + resource + " failed: " + e.getMessage(), e);
            } finally {
                resource = null;
            }
        }
    }
}
