package io.rimirec.tools.train.interest;

import java.util.Locale;

/**
 * The matching half of HyMiRec's disentangled multi-interest learning (DMIL), per training example: the window
 * targets (embeddings of the next w items) are clustered into s groups by cosine, and the s interest vectors are
 * matched one-to-one to the groups by the Hungarian algorithm on cos(interest, group centroid); each target is then
 * the positive of the interest matched to its group. {@link Matching#MAX} is the paper's ablation: each target goes
 * to the interest most similar to it (several targets may pick the same interest, others get none).
 *
 * <p>Runs on detached values in Java; the loss over the chosen pairs is computed by the model with gradients.
 */
public final class Dmil {

    public enum Matching {
        HUNGARIAN, MAX;

        static Matching of(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("setting [matching] is [" + text + "]: expected hungarian or max");
            }
        }
    }

    private Dmil() {}

    /**
     * Spherical k-means of {@code targets} into at most {@code s} groups, deterministic: farthest-point start from
     * target 0 (the next item), then up to {@code iterations} rounds of "highest cosine, ties to the lower group" and
     * centroid = mean direction. With fewer distinct directions than s some groups stay empty.
     *
     * @return the group (0..s-1) of each target
     */
    public static int[] cluster(float[][] targets, int s, int iterations) {
        int n = targets.length;
        if (s < 1) {
            throw new IllegalArgumentException("number of groups must be >= 1, got " + s);
        }
        int[] group = new int[n];
        if (n == 0) {
            return group;
        }
        float[][] unit = new float[n][];
        for (int i = 0; i < n; i++) {
            unit[i] = unit(targets[i]);
        }
        int k = Math.min(s, n);
        float[][] centroid = new float[k][];
        centroid[0] = unit[0];
        double[] best = new double[n];
        for (int i = 0; i < n; i++) {
            best[i] = dot(unit[i], centroid[0]);
        }
        for (int c = 1; c < k; c++) {
            int far = 0;
            for (int i = 1; i < n; i++) {
                if (best[i] < best[far]) {
                    far = i;
                }
            }
            centroid[c] = unit[far];
            for (int i = 0; i < n; i++) {
                best[i] = Math.max(best[i], dot(unit[i], centroid[c]));
            }
        }
        java.util.Arrays.fill(group, -1);
        for (int it = 0; it < Math.max(1, iterations); it++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int g = 0;
                double gs = dot(unit[i], centroid[0]);
                for (int c = 1; c < k; c++) {
                    double sc = dot(unit[i], centroid[c]);
                    if (sc > gs) {
                        gs = sc;
                        g = c;
                    }
                }
                changed |= group[i] != g;
                group[i] = g;
            }
            if (!changed) {
                break;
            }
            float[][] next = centroids(unit, group, k);
            for (int c = 0; c < k; c++) {
                if (next[c] != null) { // an emptied group keeps its centroid
                    centroid[c] = next[c];
                }
            }
        }
        return group;
    }

    /** Unit mean direction of each group's targets; null for an empty group. */
    public static float[][] centroids(float[][] targets, int[] group, int s) {
        int d = targets.length == 0 ? 0 : targets[0].length;
        float[][] sum = new float[s][];
        for (int i = 0; i < targets.length; i++) {
            float[] u = unit(targets[i]);
            if (sum[group[i]] == null) {
                sum[group[i]] = new float[d];
            }
            for (int x = 0; x < d; x++) {
                sum[group[i]][x] += u[x];
            }
        }
        for (int c = 0; c < s; c++) {
            if (sum[c] != null) {
                sum[c] = unit(sum[c]);
            }
        }
        return sum;
    }

    /**
     * The interest (0..s-1) each target trains: DMIL (cluster, then Hungarian on cos(interest, centroid)) or max
     * matching (the interest with the highest cosine to the target, ties to the lower index).
     *
     * @param interests s interest vectors
     * @param targets   the example's window targets (possibly fewer than w near the end of a sequence)
     */
    public static int[] assign(float[][] interests, float[][] targets, Matching matching, int iterations) {
        int s = interests.length;
        int[] out = new int[targets.length];
        if (matching == Matching.MAX) {
            for (int i = 0; i < targets.length; i++) {
                float[] t = unit(targets[i]);
                int bestJ = 0;
                double bestS = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    double sc = dot(unit(interests[j]), t);
                    if (sc > bestS) {
                        bestS = sc;
                        bestJ = j;
                    }
                }
                out[i] = bestJ;
            }
            return out;
        }
        int[] group = cluster(targets, s, iterations);
        float[][] g = centroids(targets, group, s);
        double[][] sim = new double[s][s]; // rows: interests, columns: groups; an empty group is worth 0 to anyone
        for (int j = 0; j < s; j++) {
            float[] r = unit(interests[j]);
            for (int c = 0; c < s; c++) {
                sim[j][c] = g[c] == null ? 0 : dot(r, g[c]);
            }
        }
        int[] colOfRow = Hungarian.maximize(sim);
        int[] interestOfGroup = new int[s];
        for (int j = 0; j < s; j++) {
            interestOfGroup[colOfRow[j]] = j;
        }
        for (int i = 0; i < targets.length; i++) {
            out[i] = interestOfGroup[group[i]];
        }
        return out;
    }

    public static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        float inv = (float) (1.0 / Math.max(Math.sqrt(n), 1e-12));
        float[] out = new float[v.length];
        for (int x = 0; x < v.length; x++) {
            out[x] = v[x] * inv;
        }
        return out;
    }

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int x = 0; x < a.length; x++) {
            s += (double) a[x] * b[x];
        }
        return s;
    }
}
