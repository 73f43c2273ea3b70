package io.rimirec.tools.linalg;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpdInverseTest {

    /** A random SPD matrix M^T M + ridge I, built from a rank-deficient M so the ridge matters. */
    static double[][] spd(int n, long seed, double ridge) {
        Random rnd = new Random(seed);
        int rows = Math.max(1, n / 2);
        double[][] m = new double[rows][n];
        for (double[] r : m) {
            for (int j = 0; j < n; j++) {
                r[j] = rnd.nextInt(3) == 0 ? 1 : 0; // binary, like a user-item matrix
            }
        }
        double[][] a = new double[n][n];
        for (double[] r : m) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i][j] += r[i] * r[j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            a[i][i] += ridge;
        }
        return a;
    }

    static double maxResidual(double[][] a, double[][] inv) {
        int n = a.length;
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[i][k] * inv[k][j];
                }
                max = Math.max(max, Math.abs(s - (i == j ? 1 : 0)));
            }
        }
        return max;
    }

    @Test
    void invertsAcrossBlockBoundariesAndThreadCounts() {
        for (int n : new int[] {1, 2, 7, 33, 70}) {
            for (int block : new int[] {1, 4, 16, 64}) {
                for (int threads : new int[] {1, 3}) {
                    double[][] a = spd(n, n, 0.5);
                    double[][] copy = new double[n][];
                    for (int i = 0; i < n; i++) {
                        copy[i] = a[i].clone();
                    }
                    double[][] inv = SpdInverse.invert(copy, threads, block);
                    assertEquals(0, maxResidual(a, inv), 1e-9, "n=" + n + " block=" + block + " threads=" + threads);
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            assertEquals(inv[i][j], inv[j][i], 0.0, "inverse must be exactly symmetric");
                        }
                    }
                }
            }
        }
    }

    @Test
    void sameBitsForAnyThreadCount() {
        double[][] a1 = spd(50, 9, 1);
        double[][] a2 = spd(50, 9, 1);
        double[][] i1 = SpdInverse.invert(a1, 1, 8);
        double[][] i2 = SpdInverse.invert(a2, 4, 8);
        for (int i = 0; i < 50; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(i1[i], i2[i]);
        }
    }

    @Test
    void rejectsMatricesThatAreNotPositiveDefinite() {
        double[][] a = {{1, 2}, {2, 1}}; // eigenvalues 3 and -1
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpdInverse.invert(a, 1));
        assertEquals(true, e.getMessage().contains("row 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpdInverse.invert(new double[][] {{1, 0}}, 1));
    }
}
