package io.rimirec.tools.train.interest;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HungarianTest {

    /** Best total over all n! permutations. */
    static double bruteForce(double[][] v) {
        int n = v.length;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        return permute(v, perm, 0);
    }

    private static double permute(double[][] v, int[] perm, int at) {
        if (at == perm.length) {
            double s = 0;
            for (int r = 0; r < perm.length; r++) {
                s += v[r][perm[r]];
            }
            return s;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int i = at; i < perm.length; i++) {
            swap(perm, at, i);
            best = Math.max(best, permute(v, perm, at + 1));
            swap(perm, at, i);
        }
        return best;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    static double total(double[][] v, int[] col) {
        double s = 0;
        for (int r = 0; r < v.length; r++) {
            s += v[r][col[r]];
        }
        return s;
    }

    @Test
    void matchesBruteForceOnRandomMatrices() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + rnd.nextInt(7);
            double[][] v = new double[n][n];
            for (double[] row : v) {
                for (int c = 0; c < n; c++) {
                    // Integer values half the time: many ties, where a greedy or buggy augmenting path goes wrong.
                    row[c] = trial % 2 == 0 ? rnd.nextInt(4) - 2 : rnd.nextGaussian();
                }
            }
            int[] col = Hungarian.maximize(v);
            boolean[] used = new boolean[n];
            for (int c : col) {
                assertEquals(false, used[c], "column " + c + " used twice");
                used[c] = true;
            }
            assertEquals(bruteForce(v), total(v, col), 1e-9, "trial " + trial + " n " + n);
        }
    }

    @Test
    void beatsGreedyWhereGreedyFails() {
        // Greedy takes (0,0)=10 and is left with (1,1)=1: 11; the optimum is 9 + 8 = 17.
        double[][] v = {{10, 9}, {8, 1}};
        assertArrayEquals(new int[] {1, 0}, Hungarian.maximize(v));
    }

    @Test
    void rejectsNonSquareAndNonFinite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hungarian.maximize(new double[][] {{1, 2}, {3}}));
        assertEquals("matrix must be square: row 1 has 1 values, expected 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Hungarian.maximize(new double[][] {{Double.NaN}}));
    }
}
