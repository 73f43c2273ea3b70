package io.rimirec.core.tree;

import io.rimirec.core.vector.Vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Shape and quality of a circle tree, for {@code rimirec tree build/info} and benchmarks.
 *
 * <p>Structure (depth, node and leaf counts, leaf size distribution) comes from the tree alone; leaf sizes are
 * the training counts stored in the tree. Quality needs the item vectors and is measured with cosine similarity
 * whatever the tree's metric, so numbers are comparable across metrics:
 * <ul>
 *   <li>{@code meanLeafCosine}: mean cosine similarity of every item to its leaf's centroid.</li>
 *   <li>{@code silhouette}: a sampled silhouette with cosine distance {@code 1 - cos}, over at most
 *       {@code sampleSize} items. A leaf holds few items of any uniform sample, so for each sampled item
 *       {@code a} is its mean distance to up to {@value #MEMBERS_PER_LEAF} other members of its own leaf and
 *       {@code b} the smallest mean distance to up to {@value #MEMBERS_PER_LEAF} members of each of the
 *       {@value #CANDIDATE_LEAVES} other leaves whose centroids are most similar to the item (the nearest other
 *       cluster is almost always among them). Items alone in their leaf score 0, as in the usual definition.
 *       Ranges from -1 to 1; higher means tighter, better separated leaves.</li>
 * </ul>
 * Quality fields are NaN when no vectors were given.
 */
public record TreeSummary(
    int depth,
    double meanLeafDepth,
    int nodeCount,
    int leafCount,
    long items,
    long leafSizeMin,
    long leafSizeP10,
    long leafSizeP50,
    long leafSizeP90,
    long leafSizeMax,
    double meanLeafCosine,
    double silhouette,
    int silhouetteSample
) {

    static final int MEMBERS_PER_LEAF = 64;
    static final int CANDIDATE_LEAVES = 8;
    public static final int DEFAULT_SAMPLE = 2000;

    /** Structure only. */
    public static TreeSummary of(CircleTree tree) {
        return structure(tree, Double.NaN, Double.NaN, 0);
    }

    /** Structure and quality; each item's leaf is found by descending the tree. */
    public static TreeSummary of(CircleTree tree, float[][] vectors, int sampleSize, long seed) {
        int[] leafNode = new int[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            leafNode[i] = tree.assignNode(vectors[i]);
        }
        return of(tree, vectors, leafNode, sampleSize, seed);
    }

    /** Structure and quality with each item's leaf node already known (e.g. from the build). */
    public static TreeSummary of(CircleTree tree, float[][] vectors, int[] leafNode, int sampleSize, long seed) {
        if (leafNode.length != vectors.length) {
            throw new IllegalArgumentException(vectors.length + " vectors but " + leafNode.length + " leaf assignments");
        }
        if (sampleSize < 0) {
            throw new IllegalArgumentException("sample size must be >= 0, got " + sampleSize);
        }
        int n = vectors.length;
        int dim = tree.dimension();
        int nodes = tree.nodeCount();
        float[][] unitCentroid = new float[nodes][];
        for (int node = 0; node < nodes; node++) {
            if (tree.isLeaf(node)) {
                unitCentroid[node] = Vectors.normalized(tree.centroid(node));
            }
        }
        double cosSum = 0;
        for (int i = 0; i < n; i++) {
            tree.checkDimension(vectors[i]);
            if (!tree.isLeaf(leafNode[i])) {
                throw new IllegalArgumentException("item " + i + " is assigned to node " + leafNode[i] + ", which is not a leaf");
            }
            cosSum += Vectors.cosine(vectors[i], unitCentroid[leafNode[i]]);
        }
        double meanCos = n == 0 ? Double.NaN : cosSum / n;

        // Members of every leaf, in item order.
        int[] count = new int[nodes];
        for (int l : leafNode) {
            count[l]++;
        }
        int[][] members = new int[nodes][];
        for (int node = 0; node < nodes; node++) {
            members[node] = new int[count[node]];
        }
        int[] fill = new int[nodes];
        for (int i = 0; i < n; i++) {
            members[leafNode[i]][fill[leafNode[i]]++] = i;
        }
        List<Integer> leafList = new ArrayList<>();
        for (int node = 0; node < nodes; node++) {
            if (tree.isLeaf(node)) {
                leafList.add(node);
            }
        }
        int[] leaves = leafList.stream().mapToInt(Integer::intValue).toArray();

        int s = Math.min(sampleSize, n);
        double silhouette = Double.NaN;
        if (s > 0) {
            int[] sample = sample(n, s, seed);
            double total = 0;
            float[] leafSim = new float[leaves.length];
            for (int item : sample) {
                float[] v = vectors[item];
                int own = leafNode[item];
                if (members[own].length < 2) {
                    continue; // a singleton's silhouette is 0
                }
                double a = meanDistance(v, item, members[own], vectors);
                for (int l = 0; l < leaves.length; l++) {
                    leafSim[l] = leaves[l] == own || members[leaves[l]].length == 0
                        ? Float.NEGATIVE_INFINITY : Vectors.cosine(v, unitCentroid[leaves[l]]);
                }
                double b = Double.POSITIVE_INFINITY;
                for (int l : topIndexes(leafSim, CANDIDATE_LEAVES)) {
                    b = Math.min(b, meanDistance(v, item, members[leaves[l]], vectors));
                }
                if (b == Double.POSITIVE_INFINITY) {
                    continue; // no other non-empty leaf
                }
                double denominator = Math.max(a, b);
                total += denominator == 0 ? 0 : (b - a) / denominator;
            }
            silhouette = total / s;
        }
        return structure(tree, meanCos, silhouette, s);
    }

    private static TreeSummary structure(CircleTree tree, double meanCos, double silhouette, int sample) {
        int leafCount = tree.leafCount();
        long[] sizes = new long[leafCount];
        long depthSum = 0;
        int l = 0;
        for (int node = 0; node < tree.nodeCount(); node++) {
            if (tree.isLeaf(node)) {
                sizes[l++] = tree.size(node);
                depthSum += tree.depth(node);
            }
        }
        Arrays.sort(sizes);
        return new TreeSummary(
            tree.maxDepth(), (double) depthSum / leafCount, tree.nodeCount(), leafCount, tree.itemCount(),
            sizes[0], percentile(sizes, 10), percentile(sizes, 50), percentile(sizes, 90), sizes[leafCount - 1],
            meanCos, silhouette, sample);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Mean cosine distance from {@code v} to up to {@link #MEMBERS_PER_LEAF} evenly spaced members, itself excluded. */
    private static double meanDistance(float[] v, int self, int[] members, float[][] vectors) {
        int len = members.length;
        int take = Math.min(len, MEMBERS_PER_LEAF);
        double sum = 0;
        int used = 0;
        for (int t = 0; t < take; t++) {
            int other = members[(int) ((long) t * len / take)];
            if (other == self) {
                continue;
            }
            sum += 1.0 - Vectors.cosine(v, vectors[other]);
            used++;
        }
        return used == 0 ? 0 : sum / used;
    }

    private static int[] topIndexes(float[] values, int count) {
        int[] top = new int[Math.min(count, values.length)];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] == Float.NEGATIVE_INFINITY) {
                continue;
            }
            if (size < top.length) {
                top[size++] = i;
            } else {
                int weakest = 0;
                for (int t = 1; t < size; t++) {
                    if (values[top[t]] < values[top[weakest]]) {
                        weakest = t;
                    }
                }
                if (values[i] > values[top[weakest]]) {
                    top[weakest] = i;
                }
            }
        }
        return Arrays.copyOf(top, size);
    }

    private static int[] sample(int n, int s, long seed) {
        if (s >= n) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < s; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] out = Arrays.copyOf(perm, s);
        Arrays.sort(out);
        return out;
    }

    /** Human-readable lines (no trailing newline). */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "nodes %,d, leaves %,d, depth %d (mean leaf depth %.2f), items %,d%n",
            nodeCount, leafCount, depth, meanLeafDepth, items));
        sb.append(String.format(Locale.ROOT, "leaf sizes: min %,d, p10 %,d, p50 %,d, p90 %,d, max %,d",
            leafSizeMin, leafSizeP10, leafSizeP50, leafSizeP90, leafSizeMax));
        if (!Double.isNaN(meanLeafCosine)) {
            sb.append(String.format(Locale.ROOT, "%nmean cosine similarity of items to their leaf centroid: %.4f", meanLeafCosine));
        }
        if (!Double.isNaN(silhouette)) {
            sb.append(String.format(Locale.ROOT, "%nsilhouette (cosine distance, %,d sampled items): %.4f", silhouetteSample, silhouette));
        }
        return sb.toString();
    }
}
