package io.rimirec.tools.train.generator;

import java.util.List;
import java.util.Random;

/** The dense PPMI-SVD of MovieLensSequences before it went sparse, kept as the reference the sparse one must equal bit for bit. */
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
        int r = dim + 8;
        Random rnd = new Random(seed);
        double[][] q = new double[r][n];
        for (double[] row : q) {
            for (int i = 0; i < n; i++) {
                row[i] = rnd.nextGaussian();
            }
        }
        orthonormalize(q);
        for (int it = 0; it < 8; it++) {
            q = multiply(co, n, q);
            orthonormalize(q);
        }
        double[][] mq = multiply(co, n, q);
        double[][] small = new double[r][r];
        for (int a = 0; a < r; a++) {
            for (int b = 0; b < r; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += q[a][i] * mq[b][i];
                }
                small[a][b] = s;
            }
        }
        double[][] vecs = new double[r][r];
        double[] vals = jacobi(small, vecs);
        Integer[] idx = new Integer[r];
        for (int i = 0; i < r; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(Math.abs(vals[b]), Math.abs(vals[a])));
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            if (marg[i] == 0) {
                continue;
            }
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                int e = idx[d];
                double s = 0;
                for (int a = 0; a < r; a++) {
                    s += q[a][i] * vecs[a][e];
                }
                v[d] = (float) (s * Math.sqrt(Math.abs(vals[e])));
            }
            out[i] = io.rimirec.core.vector.Vectors.normalized(v);
        }
        return out;
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

    private static void orthonormalize(double[][] q) {
        for (int a = 0; a < q.length; a++) {
            for (int b = 0; b < a; b++) {
                double d = 0;
                for (int i = 0; i < q[a].length; i++) {
                    d += q[a][i] * q[b][i];
                }
                for (int i = 0; i < q[a].length; i++) {
                    q[a][i] -= d * q[b][i];
                }
            }
            double norm = 0;
            for (double v : q[a]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < q[a].length; i++) {
                q[a][i] /= norm;
            }
        }
    }

    /** Eigen-decomposition of a small symmetric matrix (cyclic Jacobi); columns of {@code vectors} are eigenvectors. */
    private static double[] jacobi(double[][] a, double[][] vectors) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
            vectors[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += m[p][q] * m[p][q];
                }
            }
            if (off < 1e-18) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(m[p][q]) < 1e-15) {
                        continue;
                    }
                    double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double mkp = m[k][p], mkq = m[k][q];
                        m[k][p] = c * mkp - s * mkq;
                        m[k][q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++) {
                        double mpk = m[p][k], mqk = m[q][k];
                        m[p][k] = c * mpk - s * mqk;
                        m[q][k] = s * mpk + c * mqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = vectors[k][p], vkq = vectors[k][q];
                        vectors[k][p] = c * vkp - s * vkq;
                        vectors[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] vals = new double[n];
        for (int i = 0; i < n; i++) {
            vals[i] = m[i][i];
        }
        return vals;
    }
}
