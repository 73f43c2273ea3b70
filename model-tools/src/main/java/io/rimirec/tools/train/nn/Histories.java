package io.rimirec.tools.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * A batch of histories as tensors: the last {@code maxLen} items of each, right-aligned (the newest item in the
 * last column), as int64 ids {@code item + 1} with 0 for padding, and a float mask (1 = item).
 */
public record Histories(NDArray ids, NDArray mask, int batch, int maxLen) {

    public static Histories of(NDManager m, List<int[]> histories, int maxLen) {
        int b = histories.size();
        long[] ids = new long[b * maxLen];
        float[] mask = new float[b * maxLen];
        for (int r = 0; r < b; r++) {
            int[] h = histories.get(r);
            int take = Math.min(maxLen, h.length);
            for (int j = 0; j < take; j++) {
                int col = maxLen - take + j;
                ids[r * maxLen + col] = h[h.length - take + j] + 1L;
                mask[r * maxLen + col] = 1f;
            }
        }
        return new Histories(m.create(ids, new Shape(b, maxLen)), m.create(mask, new Shape(b, maxLen)), b, maxLen);
    }
}
