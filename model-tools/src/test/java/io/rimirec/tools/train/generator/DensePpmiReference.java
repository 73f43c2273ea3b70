package io.rimirec.tools.train.generator;

import java.util.List;

/**
 * The dense PPMI matrix of MovieLensSequences before it went sparse (items × items floats, every product over every
 * column), kept as the reference the sparse one must equal bit for bit. The eigendecomposition after it is the main
 * code's {@link MovieLensSequences#spectral}, so the comparison is about the matrix and its products.
 */
final class DensePpmiReference {

    static final int WINDOW = MovieLensSequences.WINDOW;

    private DensePpmiReference() {}

    static float[][] ppmiEmbedding(List<int[]> seqs, int[] users, int n, int dim, long seed) {
        float[] co = new float[n * n];
        double[] marg = new double[n];
        double total = 0;
        for (int u : users) {
            int[] s = seqs.get(u);
            for (int i = 0; i < s.length; i++) {
                for (int j = i + 1; j < Math.min(s.length, i + 1 + WINDOW); j++) {
                    co[s[i] * n + s[j]] += 1;
                    co[s[j] * n + s[i]] += 1;
                    marg[s[i]] += 1;
                    marg[s[j]] += 1;
                    total += 2;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float c = co[i * n + j];
                co[i * n + j] = c == 0 ? 0 : (float) Math.max(0, Math.log(c * total / (marg[i] * marg[j])));
            }
        }
        return MovieLensSequences.spectral(q -> multiply(co, n, q), marg, n, dim, seed);
    }

    private static double[][] multiply(float[] m, int n, double[][] q) {
        double[][] out = new double[q.length][n];
        for (int i = 0; i < n; i++) {
            int off = i * n;
            for (int a = 0; a < q.length; a++) {
                double s = 0;
                double[] qa = q[a];
                for (int j = 0; j < n; j++) {
                    s += m[off + j] * qa[j];
                }
                out[a][i] = s;
            }
        }
        return out;
    }
}
