package io.rimirec.tools.util;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopKTest {

    @Test
    void matchesAFullSortWithTiesAndExclusions() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(300);
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                s[i] = rnd.nextInt(20); // many ties
            }
            BitSet ex = new BitSet();
            for (int i = 0; i < n; i++) {
                if (rnd.nextInt(4) == 0) {
                    ex.set(i);
                }
            }
            int m = rnd.nextInt(n + 5);
            int[] expected = IntStream.range(0, n).filter(i -> !ex.get(i)).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i))
                .limit(m).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, TopK.select(s, m, ex), "trial " + trial);
        }
    }

    @Test
    void edgeCases() {
        assertEquals(0, TopK.select(new float[] {1, 2}, 0, new BitSet()).length);
        assertArrayEquals(new int[] {1, 0}, TopK.select(new float[] {1, 2}, 5, new BitSet()));
        assertThrows(IllegalStateException.class, () -> TopK.select(new float[] {1, Float.NaN}, 1, new BitSet()));
    }
}
