package io.rimirec.tools.util;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsTest {

    private static BitSet set(int... items) {
        BitSet b = new BitSet();
        for (int i : items) {
            b.set(i);
        }
        return b;
    }

    @Test
    void recallDividesByDistinctTargets() {
        BitSet targets = set(1, 2, 3, 4);
        int[] ranked = {9, 1, 8, 3, 7};
        assertEquals(1 / 4.0, Metrics.recall(ranked, 2, targets), 1e-12);
        assertEquals(2 / 4.0, Metrics.recall(ranked, 5, targets), 1e-12);
        assertEquals(2 / 4.0, Metrics.recall(ranked, 50, targets), 1e-12, "a short list is not padded");
        assertEquals(0.0, Metrics.hit(ranked, 1, targets));
        assertEquals(1.0, Metrics.hit(ranked, 2, targets));
    }

    @Test
    void ndcg() {
        assertEquals(1.0, Metrics.ndcg(new int[] {5, 1}, 10, set(5)), 1e-12);
        assertEquals(1 / (Math.log(4) / Math.log(2)), Metrics.ndcg(new int[] {0, 1, 5}, 10, set(5)), 1e-12);
        assertEquals(0.0, Metrics.ndcg(new int[] {0, 1, 5}, 2, set(5)), 1e-12);
        // two targets at ranks 0 and 2: (1 + 1/log2(4)) / (1 + 1/log2(3))
        double expected = (1 + 0.5) / (1 + 1 / (Math.log(3) / Math.log(2)));
        assertEquals(expected, Metrics.ndcg(new int[] {4, 0, 6}, 10, set(4, 6)), 1e-12);
    }
}
