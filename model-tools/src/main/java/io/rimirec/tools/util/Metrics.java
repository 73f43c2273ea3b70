package io.rimirec.tools.util;

import java.util.BitSet;

/**
 * The ranking metrics, written once. {@code ranked} is a recommendation list, best first; {@code targets} the
 * user's distinct held-out items.
 */
public final class Metrics {

    private Metrics() {}

    /** How many of the first {@code k} recommendations are targets. */
    public static int hits(int[] ranked, int k, BitSet targets) {
        int n = Math.min(k, ranked.length);
        int h = 0;
        for (int i = 0; i < n; i++) {
            if (targets.get(ranked[i])) {
                h++;
            }
        }
        return h;
    }

    /** Recall@k = hits in the top k / number of distinct targets (not min(k, |targets|)). */
    public static double recall(int[] ranked, int k, BitSet targets) {
        int t = targets.cardinality();
        return t == 0 ? 0.0 : (double) hits(ranked, k, targets) / t;
    }

    /** HitRate@k for one user: 1 when at least one target is in the top k, else 0. */
    public static double hit(int[] ranked, int k, BitSet targets) {
        return hits(ranked, k, targets) > 0 ? 1.0 : 0.0;
    }

    /**
     * NDCG@k with binary relevance: DCG = sum over hits at 0-based rank r of 1/log2(r + 2), divided by the DCG of
     * an ideal list (all targets first, at most k of them). With one target this is 1/log2(rank + 2).
     */
    public static double ndcg(int[] ranked, int k, BitSet targets) {
        int n = Math.min(k, ranked.length);
        double dcg = 0;
        for (int i = 0; i < n; i++) {
            if (targets.get(ranked[i])) {
                dcg += 1.0 / log2(i + 2);
            }
        }
        int ideal = Math.min(k, targets.cardinality());
        double idcg = 0;
        for (int i = 0; i < ideal; i++) {
            idcg += 1.0 / log2(i + 2);
        }
        return idcg == 0 ? 0.0 : dcg / idcg;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The metrics the protocols report. */
    public enum Kind {
        RECALL("Recall"),
        HIT_RATE("HitRate"),
        NDCG("NDCG");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public double of(int[] ranked, int k, BitSet targets) {
            return switch (this) {
                case RECALL -> recall(ranked, k, targets);
                case HIT_RATE -> hit(ranked, k, targets);
                case NDCG -> ndcg(ranked, k, targets);
            };
        }
    }
}
