package io.rimirec.core.codebook;

import io.rimirec.core.cluster.KMeansOptions;

import java.util.Objects;

/**
 * Settings of a residual codebook.
 *
 * @param residual         cosine (HyMiRec) or euclidean (ablation)
 * @param layers           L: codes per item, 1..{@value #MAX_LAYERS}
 * @param k                centroids per layer, 2..{@value #MAX_K} (fewer when a layer has fewer distinct residuals)
 * @param balanceRatio     largest/smallest code size per layer (>= 1, balanced k-means), or 0 for plain k-means
 * @param maxIterations    Lloyd iterations per layer at most
 * @param seed             same seed and data give the same codebook
 * @param threads          worker threads; the codebook does not depend on it
 * @param samplePerCluster train each layer on at most this many residuals per centroid (0 = all), then assign all
 */
public record CodebookOptions(Residual residual, int layers, int k, float balanceRatio, int maxIterations, long seed,
                              int threads, int samplePerCluster) {

    public static final int MAX_LAYERS = 16;
    /** Codes are stored in at most two bytes. */
    public static final int MAX_K = 65_536;

    public CodebookOptions {
        Objects.requireNonNull(residual, "residual");
        if (layers < 1 || layers > MAX_LAYERS) {
            throw new IllegalArgumentException("layers must be between 1 and " + MAX_LAYERS + ", got " + layers);
        }
        if (k < 2 || k > MAX_K) {
            throw new IllegalArgumentException("k (centroids per layer) must be between 2 and " + MAX_K + ", got " + k);
        }
        // The k-means options check the rest with their own messages (fields are not assigned yet: use the parameters).
        new KMeansOptions(residual.metric(), k, maxIterations, seed, threads, balanceRatio, samplePerCluster);
    }

    /** Cosine residuals, 3 layers of 256, balance ratio 2, 25 iterations, seed 42, one thread, 256 samples per centroid. */
    public static CodebookOptions defaults(Residual residual) {
        return new CodebookOptions(residual, 3, 256, 2f, KMeansOptions.DEFAULT_MAX_ITERATIONS, 42L, 1,
            KMeansOptions.DEFAULT_SAMPLE_PER_CLUSTER);
    }

    public CodebookOptions withLayers(int value) {
        return new CodebookOptions(residual, value, k, balanceRatio, maxIterations, seed, threads, samplePerCluster);
    }

    public CodebookOptions withK(int value) {
        return new CodebookOptions(residual, layers, value, balanceRatio, maxIterations, seed, threads, samplePerCluster);
    }

    public CodebookOptions withBalanceRatio(float value) {
        return new CodebookOptions(residual, layers, k, value, maxIterations, seed, threads, samplePerCluster);
    }

    public CodebookOptions withSeed(long value) {
        return new CodebookOptions(residual, layers, k, balanceRatio, maxIterations, value, threads, samplePerCluster);
    }

    public CodebookOptions withThreads(int value) {
        return new CodebookOptions(residual, layers, k, balanceRatio, maxIterations, seed, value, samplePerCluster);
    }

    public CodebookOptions withMaxIterations(int value) {
        return new CodebookOptions(residual, layers, k, balanceRatio, value, seed, threads, samplePerCluster);
    }

    /** The k-means run of one layer; each layer gets its own seed derived from the codebook's. */
    KMeansOptions kmeans(int layer) {
        return new KMeansOptions(residual.metric(), k, maxIterations, seed + 0x9E3779B97F4A7C15L * (layer + 1), threads,
            balanceRatio, samplePerCluster);
    }
}
