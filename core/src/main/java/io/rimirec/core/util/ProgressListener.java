package io.rimirec.core.util;

/**
 * Receives progress of a long-running job (tree building, training, loading). Every method has a no-op default,
 * so a listener implements only what it shows. {@link #advance(long)} may be called from several threads at once.
 */
public interface ProgressListener {

    /** Shows nothing. */
    ProgressListener NONE = new ProgressListener() {};

    /** The job {@code task} starts; it is done when {@code total} units have been reported (0 = unknown). */
    default void start(String task, long total) {}

    /** {@code units} more units are done. Thread-safe in every implementation. */
    default void advance(long units) {}

    /** The job ended (successfully or not); a bar prints its final state here. */
    default void finish() {}

    /** Never null: {@code listener} or {@link #NONE}. */
    static ProgressListener orNone(ProgressListener listener) {
        return listener == null ? NONE : listener;
    }
}
