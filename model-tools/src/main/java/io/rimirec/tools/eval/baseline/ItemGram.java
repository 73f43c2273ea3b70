package io.rimirec.tools.eval.baseline;

import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.linalg.Parallel;

import java.util.Arrays;

/**
 * The item-item co-occurrence matrix {@code G = X^T X} of the binary user-item matrix X (an item a user has
 * several times counts once): {@code G[i][j]} = number of training users with both i and j, {@code G[i][i]}
 * = item i's user count. Shared by ItemKNN and EASE, and computed once per training data (read-only).
 */
final class ItemGram {

    private ItemGram() {}

    static double[][] of(TrainingData data, int threads) {
        return data.derived("item-gram", () -> compute(data, threads));
    }

    private static double[][] compute(TrainingData data, int threads) {
        int n = data.numItems();
        int[][] users = data.sequences().stream().map(s -> Arrays.stream(s).distinct().sorted().toArray()).toArray(int[][]::new);
        double[][] g = new double[n][];
        // Each thread owns a set of rows, so counts need no synchronisation and are exact.
        try (Parallel par = new Parallel(threads)) {
            int t = Math.max(1, threads);
            par.forRange(0, t, part -> {
                for (int i = part; i < n; i += t) {
                    g[i] = new double[n];
                }
                for (int[] items : users) {
                    for (int i : items) {
                        if (i % t == part) {
                            double[] row = g[i];
                            for (int j : items) {
                                row[j] += 1.0;
                            }
                        }
                    }
                }
            });
        }
        return g;
    }
}
