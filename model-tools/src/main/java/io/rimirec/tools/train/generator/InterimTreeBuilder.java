package io.rimirec.tools.train.generator;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;
import io.rimirec.core.vector.Vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Paper Algorithm 1 in its plainest form (spherical k-means, k-means++ seeding, recurse into clusters with more
 * than c items), used by the generator commands until the team's {@code io.rimirec.core.cluster.HierarchicalKMeans}
 * is available on main; it then replaces this class. Deterministic for a seed.
 */
public final class InterimTreeBuilder {

    private InterimTreeBuilder() {}

    public static CircleTree build(float[][] vectors, int k, int c, long seed) {
        int dim = vectors[0].length;
        float[][] unit = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            unit[i] = Vectors.normalized(vectors[i]);
        }
        CircleTree.Builder b = CircleTree.builder(Metric.COSINE, dim).branching(k).leafCapacity(c).seed(seed).info("builder", "interim spherical hierarchical k-means");
        int[] all = new int[unit.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        int root = b.root(mean(unit, all), all.length);
        split(b, root, unit, all, k, c, new Random(seed));
        return b.build();
    }

    private static void split(CircleTree.Builder b, int node, float[][] x, int[] members, int k, int c, Random r) {
        if (members.length <= c) {
            return;
        }
        int[] assign = kmeans(x, members, k, r);
        List<int[]> clusters = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            int n = 0;
            for (int a : assign) {
                if (a == j) {
                    n++;
                }
            }
            if (n == 0) {
                continue;
            }
            int[] m = new int[n];
            int t = 0;
            for (int i = 0; i < members.length; i++) {
                if (assign[i] == j) {
                    m[t++] = members[i];
                }
            }
            clusters.add(m);
        }
        if (clusters.size() < 2) {
            return; // cannot split these items further
        }
        for (int[] m : clusters) {
            int child = b.child(node, mean(x, m), 0f, m.length);
            split(b, child, x, m, k, c, r);
        }
    }

    private static int[] kmeans(float[][] x, int[] members, int k, Random r) {
        int n = members.length;
        int dim = x[0].length;
        float[][] cent = new float[k][];
        // k-means++ on cosine distance (1 - cos).
        cent[0] = x[members[r.nextInt(n)]].clone();
        double[] d = new double[n];
        for (int j = 1; j < k; j++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double best = Double.MAX_VALUE;
                for (int q = 0; q < j; q++) {
                    best = Math.min(best, 1 - Vectors.dot(x[members[i]], cent[q]));
                }
                d[i] = Math.max(0, best) * Math.max(0, best);
                sum += d[i];
            }
            double t = r.nextDouble() * sum;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                t -= d[i];
                if (t <= 0) {
                    pick = i;
                    break;
                }
            }
            cent[j] = x[members[pick]].clone();
        }
        int[] assign = new int[n];
        for (int iter = 0; iter < 30; iter++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                float bs = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    float s = Vectors.dot(x[members[i]], cent[j]);
                    if (s > bs) {
                        bs = s;
                        best = j;
                    }
                }
                if (assign[i] != best || iter == 0) {
                    changed |= assign[i] != best;
                    assign[i] = best;
                }
            }
            for (int j = 0; j < k; j++) {
                float[] s = new float[dim];
                int cnt = 0;
                for (int i = 0; i < n; i++) {
                    if (assign[i] == j) {
                        float[] v = x[members[i]];
                        for (int t = 0; t < dim; t++) {
                            s[t] += v[t];
                        }
                        cnt++;
                    }
                }
                if (cnt > 0) {
                    cent[j] = Vectors.normalized(s);
                }
            }
            if (!changed && iter > 0) {
                break;
            }
        }
        return assign;
    }

    private static float[] mean(float[][] x, int[] members) {
        float[] s = new float[x[0].length];
        for (int i : members) {
            for (int t = 0; t < s.length; t++) {
                s[t] += x[i][t];
            }
        }
        return Vectors.normalized(s);
    }
}
