package io.rimirec.core.codebook;

import io.rimirec.core.vector.Metric;

import java.util.Locale;

/**
 * How a residual codebook layer removes the chosen centroid from a vector before the next layer.
 */
public enum Residual {
    /**
     * HyMiRec: clusters by cosine (spherical balanced k-means) and keeps the part orthogonal to the chosen centroid,
     * {@code e' = e - (e·c / |c|²) c}; the projection magnitude {@code e·c / |c|²} is stored with the code.
     */
    COSINE("cosine", Metric.COSINE),
    /** The paper's ablation: clusters by Euclidean distance and subtracts the centroid, {@code e' = e - c}; codes only. */
    EUCLIDEAN("euclidean", Metric.L2);

    private final String id;
    private final Metric metric;

    Residual(String id, Metric metric) {
        this.id = id;
        this.metric = metric;
    }

    public String id() {
        return id;
    }

    /** The metric the layers are clustered and assigned by. */
    public Metric metric() {
        return metric;
    }

    /** Whether each layer stores a projection magnitude beside the code. */
    public boolean hasMagnitudes() {
        return this == COSINE;
    }

    public static Residual fromId(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Residual r : values()) {
            if (r.id.equals(t)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown residual [" + text + "]: expected cosine or euclidean");
    }
}
