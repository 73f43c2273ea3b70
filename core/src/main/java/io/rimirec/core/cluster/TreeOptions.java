package io.rimirec.core.cluster;

import io.rimirec.core.vector.Metric;

import java.util.Objects;

/**
 * Settings of {@link HierarchicalKMeans}.
 *
 * @param metric        similarity the tree descends by (cosine, inner product, L2)
 * @param branching     k: clusters per split (>= 2)
 * @param leafCapacity  c: a cluster with more than c items is split again (>= 1)
 * @param balanceRatio  0 for plain k-means, else the wanted largest/smallest sibling size ratio (>= 1, best effort)
 * @param seed          the build is bit-identical for the same seed, data and options (any thread count)
 * @param threads       worker threads (>= 1); does not change the result
 * @param maxIterations Lloyd iterations per split at most (>= 1)
 */
public record TreeOptions(
    Metric metric,
    int branching,
    int leafCapacity,
    float balanceRatio,
    long seed,
    int threads,
    int maxIterations
) {

    public static final int DEFAULT_BRANCHING = 8;
    public static final int DEFAULT_LEAF_CAPACITY = 1000;
    public static final long DEFAULT_SEED = 42L;

    public TreeOptions {
        Objects.requireNonNull(metric, "metric");
        if (branching < 2) {
            throw new IllegalArgumentException("branching k must be >= 2, got " + branching);
        }
        if (leafCapacity < 1) {
            throw new IllegalArgumentException("leaf capacity c must be >= 1, got " + leafCapacity);
        }
        KMeansOptions.checkBalanceRatio(balanceRatio);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
    }

    /** k = 8, c = 1000, plain k-means, seed 42, one thread per available core, 25 iterations. */
    public static TreeOptions defaults(Metric metric) {
        return new TreeOptions(metric, DEFAULT_BRANCHING, DEFAULT_LEAF_CAPACITY, 0f, DEFAULT_SEED,
            Runtime.getRuntime().availableProcessors(), KMeansOptions.DEFAULT_MAX_ITERATIONS);
    }

    public TreeOptions withBranching(int value) {
        return new TreeOptions(metric, value, leafCapacity, balanceRatio, seed, threads, maxIterations);
    }

    public TreeOptions withLeafCapacity(int value) {
        return new TreeOptions(metric, branching, value, balanceRatio, seed, threads, maxIterations);
    }

    public TreeOptions withBalanceRatio(float value) {
        return new TreeOptions(metric, branching, leafCapacity, value, seed, threads, maxIterations);
    }

    public TreeOptions withSeed(long value) {
        return new TreeOptions(metric, branching, leafCapacity, balanceRatio, value, threads, maxIterations);
    }

    public TreeOptions withThreads(int value) {
        return new TreeOptions(metric, branching, leafCapacity, balanceRatio, seed, value, maxIterations);
    }

    public TreeOptions withMaxIterations(int value) {
        return new TreeOptions(metric, branching, leafCapacity, balanceRatio, seed, threads, value);
    }

    /** The k-means settings of one split (the seed is replaced per node). */
    KMeansOptions kMeansOptions() {
        return new KMeansOptions(metric, branching, maxIterations, seed, threads, balanceRatio,
            KMeansOptions.DEFAULT_SAMPLE_PER_CLUSTER);
    }
}
