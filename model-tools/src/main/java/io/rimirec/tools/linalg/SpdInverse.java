package io.rimirec.tools.linalg;

/**
 * Inverse of a symmetric positive definite matrix in double precision, by Cholesky factorisation
 * {@code A = U^T U}, triangular inversion {@code W = U^-1} and {@code A^-1 = W W^T}.
 *
 * <p>Why not a library: the model tools keep no BLAS; why not plain Gauss-Jordan: for a 3.7k-item Gram matrix
 * (110 MB) an unblocked sweep streams the whole matrix once per pivot and is memory-bound. Every step here is
 * written as row updates {@code y += a x} on contiguous rows (which the JIT vectorises) and processes
 * {@link #DEFAULT_BLOCK} pivot rows per pass over the rest of the matrix, so each target row is updated many
 * times while it is in cache. Work is about n^3/2 multiply-adds. Cholesky needs no pivoting for SPD input and
 * fails, naming the row, when the matrix is not positive definite.
 */
public final class SpdInverse {

    public static final int DEFAULT_BLOCK = 64;

    private SpdInverse() {}

    /** Returns the inverse of {@code a}; {@code a} is overwritten. */
    public static double[][] invert(double[][] a, int threads) {
        return invert(a, threads, DEFAULT_BLOCK);
    }

    public static double[][] invert(double[][] a, int threads, int block) {
        int n = a.length;
        for (double[] row : a) {
            if (row.length != n) {
                throw new IllegalArgumentException("matrix is not square: a row has " + row.length + " columns, expected " + n);
            }
        }
        try (Parallel par = new Parallel(threads)) {
            cholesky(a, block, par);
            double[][] w = invertUpper(a, block, par);
            return gramOfRows(w, a, block, par);
        }
    }

    /** In place: the upper triangle of {@code a} becomes U with {@code A = U^T U}; the lower triangle is garbage. */
    static void cholesky(double[][] a, int block, Parallel par) {
        int n = a.length;
        for (int kb = 0; kb < n; kb += block) {
            int ke = Math.min(n, kb + block);
            for (int k = kb; k < ke; k++) {
                double[] rk = a[k];
                double d = rk[k];
                if (!(d > 0) || !Double.isFinite(d)) {
                    throw new IllegalArgumentException("matrix is not positive definite (pivot " + d + " at row " + k
                        + "): increase the regularisation");
                }
                double u = Math.sqrt(d);
                rk[k] = u;
                double inv = 1.0 / u;
                for (int j = k + 1; j < n; j++) {
                    rk[j] *= inv;
                }
                for (int i = k + 1; i < ke; i++) {
                    axpy(-rk[i], rk, a[i], i, n);
                }
            }
            int kbf = kb;
            par.forRange(ke, n, i -> {
                double[] ri = a[i];
                for (int k = kbf; k < ke; k++) {
                    double f = a[k][i];
                    if (f != 0) {
                        axpy(-f, a[k], ri, i, n);
                    }
                }
            });
        }
    }

    /** W = U^-1 for the upper factor in {@code u}, rows computed bottom-up: W_i = (e_i - sum_{k>i} U_ik W_k) / U_ii. */
    static double[][] invertUpper(double[][] u, int block, Parallel par) {
        int n = u.length;
        double[][] w = new double[n][];
        int lastStart = ((n - 1) / block) * block;
        for (int ib = lastStart; ib >= 0; ib -= block) {
            int ie = Math.min(n, ib + block);
            int ibf = ib;
            // Contributions of the rows already finished below this block, each W_k read once per block
            // (W_k is zero left of column k). Thread t takes rows ib + t, ib + t + threads, ...
            for (int i = ib; i < ie; i++) {
                w[i] = new double[n];
                w[i][i] = 1.0;
            }
            int parts = Math.min(par.threads(), ie - ib);
            par.forRange(0, parts, part -> {
                for (int k = ie; k < n; k++) {
                    double[] wk = w[k];
                    for (int i = ibf + part; i < ie; i += parts) {
                        double f = u[i][k];
                        if (f != 0) {
                            axpy(-f, wk, w[i], k, n);
                        }
                    }
                }
            });
            // Then the block itself, bottom-up.
            for (int i = ie - 1; i >= ibf; i--) {
                double[] acc = w[i];
                double[] ui = u[i];
                for (int k = i + 1; k < ie; k++) {
                    double f = ui[k];
                    if (f != 0) {
                        axpy(-f, w[k], acc, k, n);
                    }
                }
                double inv = 1.0 / ui[i];
                for (int j = i; j < n; j++) {
                    acc[j] *= inv;
                }
            }
        }
        return w;
    }

    /**
     * {@code W W^T} for upper-triangular W, written into {@code out}: row i of the lower half is
     * {@code sum_{k>=i} W_ik (W^T)_k[0..i]}, then mirrored.
     */
    static double[][] gramOfRows(double[][] w, double[][] out, int block, Parallel par) {
        int n = w.length;
        double[][] t = new double[n][]; // t[k][j] = w[j][k], non-zero for j <= k
        par.forRange(0, n, k -> {
            double[] row = new double[k + 1];
            for (int j = 0; j <= k; j++) {
                row[j] = w[j][k];
            }
            t[k] = row;
        });
        double[][] rows = out; // U's rows are dead by now: reuse the array of rows
        for (int ib = 0; ib < n; ib += block) {
            int ie = Math.min(n, ib + block);
            int ibf = ib;
            for (int i = ib; i < ie; i++) {
                rows[i] = new double[n];
            }
            // Each (W^T)_k read once per block of rows; row i only takes k >= i.
            int parts = Math.min(par.threads(), ie - ib);
            par.forRange(0, parts, part -> {
                for (int k = ibf; k < n; k++) {
                    double[] tk = t[k];
                    for (int i = ibf + part; i < ie && i <= k; i += parts) {
                        double f = w[i][k];
                        if (f != 0) {
                            axpy(f, tk, rows[i], 0, i + 1);
                        }
                    }
                }
            });
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                out[j][i] = out[i][j];
            }
        }
        return out;
    }

    /** {@code y[from..to) += f * x[from..to)}. */
    private static void axpy(double f, double[] x, double[] y, int from, int to) {
        for (int j = from; j < to; j++) {
            y[j] += f * x[j];
        }
    }
}
