package io.rimirec.tools.eval.baseline;

/**
 * How much each history item counts when an item-item model sums its rows: 1 for all, or with recency
 * weighting an exponential decay by position from the end, {@code 2^(-age / halfLife)} where the newest item
 * has age 0. A half-life of 0 means no decay.
 */
final class HistoryWeights {

    private HistoryWeights() {}

    static float[] of(int[] history, double halfLife) {
        float[] w = new float[history.length];
        for (int j = 0; j < history.length; j++) {
            int age = history.length - 1 - j;
            w[j] = halfLife > 0 ? (float) Math.pow(2.0, -age / halfLife) : 1f;
        }
        return w;
    }
}
