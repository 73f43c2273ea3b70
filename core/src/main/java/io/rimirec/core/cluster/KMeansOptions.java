package io.rimirec.core.cluster;

import io.rimirec.core.vector.Metric;

import java.util.Objects;

/**
 * Settings of one {@link KMeans} run.
 *
 * @param metric            cosine (spherical k-means: unit vectors, normalised centroids), inner product (mean
 *                          centroids, assignment by largest dot product) or L2 (mean centroids, nearest centroid)
 * @param k                 clusters wanted; fewer come back when the data has fewer distinct vectors
 * @param maxIterations     Lloyd iterations at most (the run stops earlier once no assignment changes)
 * @param seed              decides sampling and k-means++ seeding; same seed and data give a bit-identical result
 * @param threads           worker threads; the result does not depend on it
 * @param balanceRatio      0 for plain k-means; otherwise the wanted largest ratio between cluster sizes (>= 1),
 *                          reached through per-centroid bias offsets (best effort, see {@link KMeans})
 * @param samplePerCluster  train on a deterministic sample of at most {@code samplePerCluster * k} vectors, then
 *                          assign every vector; 0 trains on all vectors
 */
public record KMeansOptions(
    Metric metric,
    int k,
    int maxIterations,
    long seed,
    int threads,
    float balanceRatio,
    int samplePerCluster
) {

    public static final int DEFAULT_MAX_ITERATIONS = 25;
    /** Like FAISS: 256 training vectors per centroid are plenty to place it. */
    public static final int DEFAULT_SAMPLE_PER_CLUSTER = 256;

    public KMeansOptions {
        Objects.requireNonNull(metric, "metric");
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations must be >= 0, got " + maxIterations);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        checkBalanceRatio(balanceRatio);
        if (samplePerCluster < 0) {
            throw new IllegalArgumentException("samplePerCluster must be >= 0 (0 = no sampling), got " + samplePerCluster);
        }
    }

    /** Plain k-means with defaults: 25 iterations, seed 42, one thread, sampling 256 per cluster. */
    public static KMeansOptions of(Metric metric, int k) {
        return new KMeansOptions(metric, k, DEFAULT_MAX_ITERATIONS, 42L, 1, 0f, DEFAULT_SAMPLE_PER_CLUSTER);
    }

    public KMeansOptions withMaxIterations(int value) {
        return new KMeansOptions(metric, k, value, seed, threads, balanceRatio, samplePerCluster);
    }

    public KMeansOptions withSeed(long value) {
        return new KMeansOptions(metric, k, maxIterations, value, threads, balanceRatio, samplePerCluster);
    }

    public KMeansOptions withThreads(int value) {
        return new KMeansOptions(metric, k, maxIterations, seed, value, balanceRatio, samplePerCluster);
    }

    public KMeansOptions withBalanceRatio(float value) {
        return new KMeansOptions(metric, k, maxIterations, seed, threads, value, samplePerCluster);
    }

    public KMeansOptions withSamplePerCluster(int value) {
        return new KMeansOptions(metric, k, maxIterations, seed, threads, balanceRatio, value);
    }

    public boolean balanced() {
        return balanceRatio > 0f;
    }

    static void checkBalanceRatio(float ratio) {
        if (!(ratio == 0f || ratio >= 1f) || !Float.isFinite(ratio)) {
            throw new IllegalArgumentException("balance ratio must be 0 (plain k-means) or a number >= 1 (largest/smallest cluster size), got " + ratio);
        }
    }
}
