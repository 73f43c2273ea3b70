package io.rimirec.tools.train.interest;

import java.util.Arrays;

/**
 * The Hungarian algorithm (Kuhn–Munkres with potentials, O(n³)): an assignment of rows to columns of a square
 * matrix with the largest total value, as DMIL needs to match interest vectors to target groups.
 */
public final class Hungarian {

    private Hungarian() {}

    /**
     * Column of each row in an assignment that maximises {@code Σ value[r][col[r]]}; every column is used once.
     * Values must be finite; ties are broken deterministically (same matrix, same answer).
     */
    public static int[] maximize(double[][] value) {
        int n = value.length;
        double[][] cost = new double[n][];
        for (int r = 0; r < n; r++) {
            if (value[r].length != n) {
                throw new IllegalArgumentException("matrix must be square: row " + r + " has " + value[r].length + " values, expected " + n);
            }
            cost[r] = new double[n];
            for (int c = 0; c < n; c++) {
                if (!Double.isFinite(value[r][c])) {
                    throw new IllegalArgumentException("value[" + r + "][" + c + "] is " + value[r][c] + ": expected a finite number");
                }
                cost[r][c] = -value[r][c];
            }
        }
        return minimize(cost);
    }

    /** Column of each row in an assignment with the smallest total cost (1-based arrays with a virtual column 0). */
    public static int[] minimize(double[][] cost) {
        int n = cost.length;
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] rowOf = new int[n + 1]; // rowOf[c] = row (1-based) matched to column c, 0 = none
        int[] way = new int[n + 1];
        for (int row = 1; row <= n; row++) {
            rowOf[0] = row;
            int c0 = 0;
            double[] minv = new double[n + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[n + 1];
            do {
                used[c0] = true;
                int r0 = rowOf[c0];
                double delta = Double.POSITIVE_INFINITY;
                int c1 = 0;
                for (int c = 1; c <= n; c++) {
                    if (!used[c]) {
                        double cur = cost[r0 - 1][c - 1] - u[r0] - v[c];
                        if (cur < minv[c]) {
                            minv[c] = cur;
                            way[c] = c0;
                        }
                        if (minv[c] < delta) {
                            delta = minv[c];
                            c1 = c;
                        }
                    }
                }
                for (int c = 0; c <= n; c++) {
                    if (used[c]) {
                        u[rowOf[c]] += delta;
                        v[c] -= delta;
                    } else {
                        minv[c] -= delta;
                    }
                }
                c0 = c1;
            } while (rowOf[c0] != 0);
            do { // augment along the alternating path
                int c1 = way[c0];
                rowOf[c0] = rowOf[c1];
                c0 = c1;
            } while (c0 != 0);
        }
        int[] col = new int[n];
        for (int c = 1; c <= n; c++) {
            col[rowOf[c] - 1] = c - 1;
        }
        return col;
    }
}
