package io.rimirec.tools.util;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Top-m selection over a full score vector by partial sort: a bounded min-heap of the m best seen so far,
 * O(n log m), then one sort of the m survivors. Equal scores rank the lower item index first, so results do not
 * depend on anything but the scores.
 */
public final class TopK {

    private TopK() {}

    /**
     * The indexes of the {@code m} highest scores, best first, skipping indexes set in {@code exclude}; fewer
     * than m when fewer are eligible.
     *
     * @throws IllegalStateException when a score is NaN (a diverged model must not be ranked silently)
     */
    public static int[] select(float[] scores, int m, BitSet exclude) {
        if (m <= 0) {
            return new int[0];
        }
        int[] heap = new int[Math.min(m, scores.length)];
        int size = 0;
        for (int i = 0; i < scores.length; i++) {
            float s = scores[i];
            if (Float.isNaN(s)) {
                throw new IllegalStateException("score of item " + i + " is NaN");
            }
            if (exclude.get(i)) {
                continue;
            }
            if (size < heap.length) {
                heap[size] = i;
                siftUp(heap, size++, scores);
            } else if (better(i, heap[0], scores)) {
                heap[0] = i;
                siftDown(heap, size, scores);
            }
        }
        // Pop the heap (worst first) into the result from the back.
        int[] out = new int[size];
        for (int k = size - 1; k >= 0; k--) {
            out[k] = heap[0];
            heap[0] = heap[k];
            siftDown(heap, k, scores);
        }
        return out;
    }

    /**
     * Exact search inside a sub-library: the {@code m} members scoring highest under {@code score}, best first, as
     * item-id strings (the ids the quota merge works with), leaving out items set in {@code exclude}. Equal scores
     * rank the earlier member first.
     */
    public static List<String> selectAmong(int[] members, IntToDoubleFunction score, int m, BitSet exclude) {
        int n = 0;
        int[] kept = new int[members.length];
        float[] scores = new float[members.length];
        for (int item : members) {
            if (!exclude.get(item)) {
                kept[n] = item;
                scores[n++] = (float) score.applyAsDouble(item);
            }
        }
        int[] top = select(Arrays.copyOf(scores, n), Math.min(m, n), new BitSet(0));
        return Arrays.stream(top).mapToObj(slot -> Integer.toString(kept[slot])).toList();
    }

    /** True when item a ranks above item b. */
    static boolean better(int a, int b, float[] scores) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    }

    // Min-heap on "rank": the root is the worst item kept.
    private static void siftUp(int[] heap, int pos, float[] scores) {
        int item = heap[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            if (!better(heap[parent], item, scores)) {
                break;
            }
            heap[pos] = heap[parent];
            pos = parent;
        }
        heap[pos] = item;
    }

    private static void siftDown(int[] heap, int size, float[] scores) {
        int pos = 0;
        int item = heap[0];
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && better(heap[child], heap[child + 1], scores)) {
                child++;
            }
            if (!better(item, heap[child], scores)) {
                break;
            }
            heap[pos] = heap[child];
            pos = child;
        }
        heap[pos] = item;
    }
}
