package io.rimirec.core.cluster;

import io.rimirec.core.vector.Metric;

/**
 * What {@link KMeans#fit} found. Cluster {@code j} has centroid {@code centroids[j]} and bias {@code bias[j]};
 * every input vector {@code i} is in cluster {@code assignment[i]}, which is exactly {@link #assign} of it:
 * the cluster with the highest {@code metric.similarity(vector, centroid) + bias}, ties to the lowest index.
 * Clusters are never empty. Arrays are shared, not copied: do not modify them.
 *
 * @param metric     the metric the clustering used
 * @param centroids  one row per cluster (unit length for cosine)
 * @param bias       additive offset per cluster; all 0 for plain k-means
 * @param assignment cluster of each input vector, in input order
 * @param sizes      vectors per cluster
 * @param iterations Lloyd iterations run
 */
public record KMeansResult(Metric metric, float[][] centroids, float[] bias, int[] assignment, int[] sizes, int iterations) {

    /** Number of (non-empty) clusters, at most the k asked for. */
    public int k() {
        return centroids.length;
    }

    public int dimension() {
        return centroids[0].length;
    }

    /** The cluster of any vector, by the same rule that produced {@link #assignment()}. */
    public int assign(float[] vector) {
        if (vector.length != dimension()) {
            throw new IllegalArgumentException("vector has dimension " + vector.length + " but the centroids have " + dimension());
        }
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < centroids.length; j++) {
            float score = metric.similarity(vector, centroids[j], 0) + bias[j];
            if (score > bestScore) {
                bestScore = score;
                best = j;
            }
        }
        return best;
    }

    /** Largest cluster size divided by the smallest. */
    public double sizeRatio() {
        int min = Integer.MAX_VALUE, max = 0;
        for (int s : sizes) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        return (double) max / min;
    }
}
