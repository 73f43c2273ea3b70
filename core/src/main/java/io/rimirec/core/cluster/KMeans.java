package io.rimirec.core.cluster;

import io.rimirec.core.vector.Metric;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded, deterministic k-means with k-means++ initialisation, for the three {@link Metric}s.
 *
 * <p><b>Steps.</b> (1) Draw a training sample of at most {@code samplePerCluster * k} vectors (seeded; all vectors
 * when there are fewer). (2) Seed centroids with k-means++ (squared Euclidean distance on the training
 * representation: unit vectors for cosine, raw vectors otherwise). (3) Lloyd iterations on the sample until no
 * assignment changes or {@code maxIterations}: cosine is spherical k-means (unit vectors, normalised mean
 * centroids), inner product uses mean centroids and assigns by the largest dot product, L2 uses mean centroids
 * and assigns by the smallest distance. (4) Assign <em>every</em> vector to the final centroids by
 * {@link Metric#similarity(float[], float[], int)} plus the cluster bias, ties to the lowest index: the very
 * arithmetic {@code CircleTree.assign} uses (computed by {@link ExactScorer}, same bits, faster), so a tree built
 * from the result reproduces the assignment exactly.
 * (5) Drop clusters that ended up empty.
 *
 * <p><b>Edge cases.</b> Fewer distinct vectors than k gives fewer clusters (k-means++ stops when every remaining
 * vector coincides with a centroid). A cluster emptied during training is re-seeded with the worst-served vector
 * (lowest similarity to its own centroid, ties to the lowest index) taken from a cluster with more than one vector.
 * A spherical centroid whose members sum to zero keeps its previous direction.
 *
 * <p><b>Balanced mode</b> ({@code balanceRatio > 0}): every assignment step goes through {@link BiasBalancer}, which
 * moves per-cluster additive biases until the sizes lie within {@code [lo, hi]} with
 * {@code lo = floor(2n / (k(1+R)))}, {@code hi = ceil(R * 2n / (k(1+R)))}, so max/min is about R. Centroids are then
 * means of the balanced clusters. The final assignment of all vectors is balanced the same way starting from the
 * trained biases. Best effort: identical vectors always share a cluster, so a large group of duplicates can make
 * the bounds unreachable; the result is then the least violating assignment found. The biases come back in the
 * result (and go into the tree), which is what makes "argmax similarity + bias" reproduce the balanced clusters.
 *
 * <p><b>Determinism.</b> One {@link SplittableRandom} seeded from the options drives all randomness; loops run in
 * fixed-size chunks whose partial sums are added in chunk order, so the result is bit-identical for any thread
 * count.
 */
public final class KMeans {

    /** Bias updates per cluster the final (all vectors) balancing may spend. */
    private static final int FINAL_BALANCE_UPDATES_PER_CLUSTER = 40;
    /** Bias updates per cluster in each training iteration (biases carry over between iterations). */
    private static final int TRAINING_BALANCE_UPDATES_PER_CLUSTER = 4;

    private KMeans() {}

    /** Clusters all rows of {@code data}. */
    public static KMeansResult fit(float[][] data, KMeansOptions options) {
        return fit(data, null, options);
    }

    /**
     * Clusters the rows {@code data[rows[0]], data[rows[1]], ...} ({@code rows == null}: all rows). The result's
     * assignment is indexed like {@code rows}.
     */
    public static KMeansResult fit(float[][] data, int[] rows, KMeansOptions options) {
        try (Parallel par = Parallel.create(options.threads())) {
            return fit(data, rows, options, par, null, true);
        }
    }

    /** Input checks shared with the hierarchical build (which checks once, then calls without them). */
    static int checkInput(float[][] data, int[] rows) {
        int n = rows == null ? data.length : rows.length;
        if (n == 0) {
            throw new IllegalArgumentException("k-means needs at least one vector, got none");
        }
        int d = row(data, rows, 0).length;
        if (d == 0) {
            throw new IllegalArgumentException("vectors must have at least one dimension");
        }
        for (int i = 0; i < n; i++) {
            float[] v = row(data, rows, i);
            if (v == null) {
                throw new IllegalArgumentException("vector " + (rows == null ? i : rows[i]) + " is null");
            }
            if (v.length != d) {
                throw new IllegalArgumentException("vector " + (rows == null ? i : rows[i]) + " has dimension " + v.length
                    + " but vector " + (rows == null ? 0 : rows[0]) + " has dimension " + d);
            }
            for (int x = 0; x < d; x++) {
                if (!Float.isFinite(v[x])) {
                    throw new IllegalArgumentException("vector " + (rows == null ? i : rows[i]) + " has value " + v[x]
                        + " at position " + x + ": expected a finite number");
                }
            }
        }
        return d;
    }

    private static float[] row(float[][] data, int[] rows, int i) {
        return data[rows == null ? i : rows[i]];
    }

    /**
     * @param initialCentroids start here instead of k-means++ (tests use it to force an empty cluster); may be null
     */
    static KMeansResult fit(float[][] data, int[] rows, KMeansOptions o, Parallel par, float[][] initialCentroids, boolean check) {
        int n = rows == null ? data.length : rows.length;
        int d = check ? checkInput(data, rows) : row(data, rows, 0).length;
        return new Run(data, rows, n, d, o, par).fit(initialCentroids);
    }

    /** One k-means run: the training representation and the state of Lloyd's iterations. */
    private static final class Run {
        private final float[][] data;
        private final int[] rows;
        private final int n;
        private final int d;
        private final KMeansOptions o;
        private final Metric metric;
        private final Parallel par;
        private final SplittableRandom rng;

        private int m;          // training vectors
        private float[] x;      // m × d training vectors (unit length for cosine)
        private float[] xSq;    // squared norms of x (L2 only)
        private int k;          // current number of centroids
        private float[] c;      // k × d centroids
        private float[] cSq;    // squared norms of c (L2 only)

        Run(float[][] data, int[] rows, int n, int d, KMeansOptions o, Parallel par) {
            this.data = data;
            this.rows = rows;
            this.n = n;
            this.d = d;
            this.o = o;
            this.metric = o.metric();
            this.par = par;
            this.rng = new SplittableRandom(o.seed());
        }

        KMeansResult fit(float[][] initialCentroids) {
            buildTrainingSet();
            if (initialCentroids != null) {
                k = initialCentroids.length;
                c = new float[k * d];
                for (int j = 0; j < k; j++) {
                    System.arraycopy(initialCentroids[j], 0, c, j * d, d);
                    if (metric == Metric.COSINE) {
                        normalize(c, j * d, d);
                    }
                }
            } else {
                seedPlusPlus();
            }
            float[] bias = new float[k];
            int iterations = lloyd(bias);
            return finish(bias, iterations);
        }

        // ---- training set ---------------------------------------------------------------------------------------

        private void buildTrainingSet() {
            long cap = o.samplePerCluster() == 0 ? Long.MAX_VALUE : (long) o.samplePerCluster() * o.k();
            int[] positions;
            if (n <= cap) {
                positions = null;
                m = n;
            } else {
                m = (int) cap;
                // Partial Fisher-Yates: the first m slots become a uniform sample; sorted for memory locality.
                int[] perm = new int[n];
                for (int i = 0; i < n; i++) {
                    perm[i] = i;
                }
                for (int i = 0; i < m; i++) {
                    int j = i + rng.nextInt(n - i);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                positions = Arrays.copyOf(perm, m);
                Arrays.sort(positions);
            }
            x = new float[m * d];
            for (int i = 0; i < m; i++) {
                float[] v = row(data, rows, positions == null ? i : positions[i]);
                System.arraycopy(v, 0, x, i * d, d);
                if (metric == Metric.COSINE) {
                    normalize(x, i * d, d);
                }
            }
            if (metric == Metric.L2) {
                xSq = new float[m];
                for (int i = 0; i < m; i++) {
                    xSq[i] = Kernels.dot(x, i * d, x, i * d, d);
                }
            }
        }

        // ---- k-means++ ------------------------------------------------------------------------------------------

        /**
         * Greedy k-means++: each new centre is the best of {@code 2 + ln k} candidates drawn with probability
         * proportional to the squared distance to the nearest chosen centre, "best" meaning the lowest total
         * squared distance afterwards. Plain k-means++ (one candidate) too often puts two centres in one group.
         */
        private void seedPlusPlus() {
            int want = Math.min(o.k(), m);
            int candidates = 2 + (int) Math.log(want);
            float[] centres = new float[want * d];
            int first = rng.nextInt(m);
            System.arraycopy(x, first * d, centres, 0, d);
            int got = 1;
            double[] dist = new double[m];
            distancesTo(x, first, null, dist);
            double[] trial = new double[m];
            double[] bestTrial = new double[m];
            int[] picks = new int[candidates];
            while (got < want) {
                double total = sum(dist);
                if (!(total > 0)) {
                    break; // every vector coincides with a centre: the data has only `got` distinct vectors
                }
                for (int t = 0; t < candidates; t++) {
                    picks[t] = drawProportional(dist, rng.nextDouble() * total);
                }
                int best = -1;
                double bestPotential = Double.POSITIVE_INFINITY;
                for (int t = 0; t < candidates; t++) {
                    distancesTo(x, picks[t], dist, trial);
                    double potential = sum(trial);
                    if (potential < bestPotential) {
                        bestPotential = potential;
                        best = picks[t];
                        double[] swap = bestTrial;
                        bestTrial = trial;
                        trial = swap;
                    }
                }
                System.arraycopy(x, best * d, centres, got * d, d);
                double[] swap = dist;
                dist = bestTrial;
                bestTrial = swap;
                got++;
            }
            k = got;
            c = Arrays.copyOf(centres, got * d);
        }

        /** The first vector whose cumulative distance passes {@code r}; never one at distance 0 (a chosen centre). */
        private int drawProportional(double[] dist, double r) {
            int pick = -1;
            double acc = 0;
            for (int i = 0; i < m; i++) {
                if (dist[i] > 0) {
                    acc += dist[i];
                    pick = i;
                    if (acc > r) {
                        break;
                    }
                }
            }
            return pick;
        }

        /** {@code out[i]} = squared distance of vector i to training vector {@code centre}, capped by {@code prior[i]}. */
        private void distancesTo(float[] vectors, int centre, double[] prior, double[] out) {
            par.forEachChunk(m, (chunk, from, to) -> {
                for (int i = from; i < to; i++) {
                    double dd = Kernels.squaredDistance(vectors, i * d, vectors, centre * d, d);
                    out[i] = prior == null ? dd : Math.min(prior[i], dd);
                }
            });
        }

        private double sum(double[] values) {
            double total = 0;
            for (int i = 0; i < m; i++) {
                total += values[i];
            }
            return total;
        }

        // ---- Lloyd ----------------------------------------------------------------------------------------------

        /** Training similarity; differs from {@link Metric#similarity} only by rounding (and a per-row constant for L2). */
        private float trainingSimilarity(int i, int j) {
            float dot = Kernels.dot(x, i * d, c, j * d, d);
            return metric == Metric.L2 ? 2 * dot - cSq[j] - xSq[i] : dot;
        }

        private int lloyd(float[] bias) {
            int[] assignment = new int[m];
            int[] previous = new int[m];
            Arrays.fill(previous, -1);
            float[] own = new float[m];
            int[] sizes = new int[k];
            float[] scores = o.balanced() ? new float[m * k] : null;
            int[] bounds = o.balanced() ? BiasBalancer.bounds(m, k, o.balanceRatio()) : null;
            int iterations = 0;
            for (int it = 0; it < o.maxIterations(); it++) {
                refreshCentroidNorms();
                if (scores != null) {
                    par.forEachChunk(m, (chunk, from, to) -> {
                        for (int i = from; i < to; i++) {
                            for (int j = 0; j < k; j++) {
                                scores[i * k + j] = trainingSimilarity(i, j);
                            }
                        }
                    });
                    BiasBalancer.balance(scores, m, k, bias, bounds[0], bounds[1], TRAINING_BALANCE_UPDATES_PER_CLUSTER * k,
                        assignment, sizes, par);
                    for (int i = 0; i < m; i++) {
                        own[i] = scores[i * k + assignment[i]];
                    }
                } else {
                    par.forEachChunk(m, (chunk, from, to) -> {
                        for (int i = from; i < to; i++) {
                            int best = 0;
                            float bestScore = Float.NEGATIVE_INFINITY;
                            for (int j = 0; j < k; j++) {
                                float s = trainingSimilarity(i, j);
                                if (s > bestScore) {
                                    bestScore = s;
                                    best = j;
                                }
                            }
                            assignment[i] = best;
                            own[i] = bestScore;
                        }
                    });
                    Arrays.fill(sizes, 0);
                    for (int i = 0; i < m; i++) {
                        sizes[assignment[i]]++;
                    }
                }
                boolean reseeded = reseedEmpty(assignment, own, sizes);
                if (!reseeded && Arrays.equals(assignment, previous)) {
                    break; // converged: the update would reproduce the same centroids
                }
                System.arraycopy(assignment, 0, previous, 0, m);
                updateCentroids(assignment, sizes);
                iterations++;
            }
            return iterations;
        }

        private void refreshCentroidNorms() {
            if (metric == Metric.L2) {
                if (cSq == null || cSq.length != k) {
                    cSq = new float[k];
                }
                for (int j = 0; j < k; j++) {
                    cSq[j] = Kernels.dot(c, j * d, c, j * d, d);
                }
            }
        }

        /**
         * Gives every empty cluster the worst-served training vector (lowest similarity to its own centroid, ties to
         * the lowest index) from a cluster that keeps at least one vector. Returns whether anything moved.
         */
        private boolean reseedEmpty(int[] assignment, float[] own, int[] sizes) {
            boolean moved = false;
            boolean[] taken = null;
            for (int j = 0; j < k; j++) {
                if (sizes[j] != 0) {
                    continue;
                }
                if (taken == null) {
                    taken = new boolean[m];
                }
                int worst = -1;
                for (int i = 0; i < m; i++) {
                    if (!taken[i] && sizes[assignment[i]] > 1 && (worst < 0 || own[i] < own[worst])) {
                        worst = i;
                    }
                }
                if (worst < 0) {
                    break; // every cluster is a singleton: nothing to spare
                }
                taken[worst] = true;
                sizes[assignment[worst]]--;
                assignment[worst] = j;
                sizes[j] = 1;
                System.arraycopy(x, worst * d, c, j * d, d);
                moved = true;
            }
            return moved;
        }

        private void updateCentroids(int[] assignment, int[] sizes) {
            int chunks = Parallel.chunkCount(m);
            double[][] partial = new double[chunks][];
            par.forEachChunk(m, (chunk, from, to) -> {
                double[] sum = new double[k * d];
                for (int i = from; i < to; i++) {
                    int off = assignment[i] * d;
                    int xo = i * d;
                    for (int t = 0; t < d; t++) {
                        sum[off + t] += x[xo + t];
                    }
                }
                partial[chunk] = sum;
            });
            double[] total = partial[0];
            for (int p = 1; p < chunks; p++) { // chunk order: independent of the thread count
                double[] s = partial[p];
                for (int t = 0; t < total.length; t++) {
                    total[t] += s[t];
                }
            }
            for (int j = 0; j < k; j++) {
                if (sizes[j] == 0) {
                    continue; // nothing to average: keep the old centroid
                }
                int off = j * d;
                if (metric == Metric.COSINE) {
                    double norm = 0;
                    for (int t = 0; t < d; t++) {
                        norm += total[off + t] * total[off + t];
                    }
                    if (norm == 0) {
                        continue; // members cancel out: keep the previous direction
                    }
                    double inv = 1.0 / Math.sqrt(norm);
                    for (int t = 0; t < d; t++) {
                        c[off + t] = (float) (total[off + t] * inv);
                    }
                } else {
                    for (int t = 0; t < d; t++) {
                        c[off + t] = (float) (total[off + t] / sizes[j]);
                    }
                }
            }
        }

        // ---- final assignment -----------------------------------------------------------------------------------

        private KMeansResult finish(float[] bias, int iterations) {
            // Same bits as Metric.similarity, which CircleTree descends with.
            ExactScorer scorer = new ExactScorer(metric, c, k, d);
            int[] assignment = new int[n];
            int[] sizes = new int[k];
            if (o.balanced()) {
                float[] scores = new float[n * k];
                par.forEachChunk(n, (chunk, from, to) -> {
                    float[] s = new float[k];
                    for (int i = from; i < to; i++) {
                        scorer.score(row(data, rows, i), s);
                        System.arraycopy(s, 0, scores, i * k, k);
                    }
                });
                int[] bounds = BiasBalancer.bounds(n, k, o.balanceRatio());
                BiasBalancer.balance(scores, n, k, bias, bounds[0], bounds[1], FINAL_BALANCE_UPDATES_PER_CLUSTER * k,
                    assignment, sizes, par);
            } else {
                int chunks = Parallel.chunkCount(n);
                int[][] counts = new int[chunks][];
                par.forEachChunk(n, (chunk, from, to) -> {
                    int[] cnt = new int[k];
                    float[] sim = new float[k];
                    for (int i = from; i < to; i++) {
                        scorer.score(row(data, rows, i), sim);
                        int best = 0;
                        float bestScore = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < k; j++) {
                            // Exactly CircleTree's expression, so descent reproduces this assignment bit for bit.
                            float s = sim[j] + bias[j];
                            if (s > bestScore) {
                                bestScore = s;
                                best = j;
                            }
                        }
                        assignment[i] = best;
                        cnt[best]++;
                    }
                    counts[chunk] = cnt;
                });
                for (int[] cnt : counts) {
                    for (int j = 0; j < k; j++) {
                        sizes[j] += cnt[j];
                    }
                }
            }
            // Drop empty clusters. Nobody chose them, so removing them changes no argmax (and keeps tie order).
            int[] newIndex = new int[k];
            int kept = 0;
            for (int j = 0; j < k; j++) {
                newIndex[j] = sizes[j] > 0 ? kept++ : -1;
            }
            float[][] centroids = new float[kept][];
            float[] keptBias = new float[kept];
            int[] keptSizes = new int[kept];
            for (int j = 0; j < k; j++) {
                if (newIndex[j] >= 0) {
                    centroids[newIndex[j]] = Arrays.copyOfRange(c, j * d, (j + 1) * d);
                    keptBias[newIndex[j]] = bias[j];
                    keptSizes[newIndex[j]] = sizes[j];
                }
            }
            if (kept != k) {
                for (int i = 0; i < n; i++) {
                    assignment[i] = newIndex[assignment[i]];
                }
            }
            return new KMeansResult(metric, centroids, keptBias, assignment, keptSizes, iterations);
        }
    }

    static void normalize(float[] a, int off, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            s += (double) a[off + t] * a[off + t];
        }
        if (s > 0) {
            double inv = 1.0 / Math.sqrt(s);
            for (int t = 0; t < d; t++) {
                a[off + t] = (float) (a[off + t] * inv);
            }
        }
    }
}
