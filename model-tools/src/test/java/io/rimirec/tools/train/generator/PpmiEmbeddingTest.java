package io.rimirec.tools.train.generator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PpmiEmbeddingTest {

    /** Users with repeats (an item next to itself), items no one touches, and skewed popularity. */
    static List<int[]> sequences(int users, int items, long seed) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int[] s = new int[2 + r.nextInt(40)];
            int topic = r.nextInt(5);
            for (int i = 0; i < s.length; i++) {
                s[i] = r.nextDouble() < 0.1 ? (i > 0 ? s[i - 1] : 0) : Math.min(items - 3, (int) Math.abs(topic * 40 + r.nextGaussian() * 25));
            }
            out.add(s);
        }
        return out;
    }

    @Test
    void theSparseMatrixGivesTheDenseVectorsBitForBit() {
        List<int[]> seqs = sequences(400, 240, 3);
        int[] users = IntStream.range(0, 300).toArray();
        float[][] sparse = MovieLensSequences.ppmiEmbedding(seqs, users, 240, 16, 11);
        float[][] dense = DensePpmiReference.ppmiEmbedding(seqs, users, 240, 16, 11);
        assertEquals(dense.length, sparse.length);
        for (int i = 0; i < dense.length; i++) {
            if (dense[i] == null) {
                assertNull(sparse[i], "item " + i);
            } else {
                assertArrayEquals(dense[i], sparse[i], 0f, "item " + i);
            }
        }
        assertNull(sparse[239], "an item no one touched has no vector");
    }
}
