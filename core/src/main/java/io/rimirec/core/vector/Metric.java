package io.rimirec.core.vector;

import java.util.Locale;

/**
 * How closeness between vectors is measured. Every metric is expressed as a similarity (higher = closer), so
 * the tree descent, k-means and retrieval code never branch on "min or max".
 */
public enum Metric {
    /** Cosine similarity; vectors are compared by direction only (spherical k-means). */
    COSINE("cosine", "cosinesimil"),
    /** Inner product (maximum inner product search). */
    INNER_PRODUCT("inner_product", "innerproduct"),
    /** Euclidean distance; similarity is the negated squared distance. */
    L2("l2", "l2");

    private final String id;
    private final String knnSpaceType;

    Metric(String id, String knnSpaceType) {
        this.id = id;
        this.knnSpaceType = knnSpaceType;
    }

    /** The name used in artifacts, CLI options and index settings. */
    public String id() {
        return id;
    }

    /** The OpenSearch k-NN {@code space_type} that ranks the same way. */
    public String knnSpaceType() {
        return knnSpaceType;
    }

    public float similarity(float[] a, float[] b) {
        return switch (this) {
            case COSINE -> Vectors.cosine(a, b);
            case INNER_PRODUCT -> Vectors.dot(a, b);
            case L2 -> -Vectors.squaredDistance(a, b);
        };
    }

    /** Similarity against a row of a flat matrix ({@code matrix[offset .. offset + a.length)}). */
    public float similarity(float[] a, float[] matrix, int offset) {
        return switch (this) {
            case COSINE -> Vectors.cosine(a, matrix, offset);
            case INNER_PRODUCT -> Vectors.dot(a, matrix, offset);
            case L2 -> -Vectors.squaredDistance(a, matrix, offset);
        };
    }

    public static Metric fromId(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Metric m : values()) {
            if (m.id.equals(t) || m.knnSpaceType.equals(t) || m.name().toLowerCase(Locale.ROOT).equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric [" + text + "]: expected one of cosine, inner_product, l2");
    }
}
