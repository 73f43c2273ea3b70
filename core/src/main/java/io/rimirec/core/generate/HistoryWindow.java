package io.rimirec.core.generate;

import java.util.Random;

/**
 * Which history items the encoder reads (paper §2.2: "the sampled long-term sequence and all short-term
 * sequence items").
 *
 * <p>A history of {@code n <= maxLength} items is read whole. A longer one keeps its {@code recent} most recent
 * items and fills the other {@code maxLength - recent} places with items from the older part: a uniform random
 * sample without replacement when training (a fresh sample every time, so the model sees many views of a long
 * history), and evenly spaced items at serving time (deterministic: the same history always gives the same
 * interests). Either way the selected items stay in chronological order.
 */
public record HistoryWindow(int maxLength, int recent) {

    public HistoryWindow {
        if (maxLength < 1) {
            throw new IllegalArgumentException("max history length must be >= 1, got " + maxLength);
        }
        if (recent < 0 || recent > maxLength) {
            throw new IllegalArgumentException("recent items must be in [0, max history length " + maxLength + "], got " + recent);
        }
    }

    /**
     * Indexes into a chronological history of {@code n} items, ascending.
     *
     * @param random null at serving time (evenly spaced), a generator when training (random sample)
     */
    public int[] select(int n, Random random) {
        if (n <= maxLength) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int older = n - recent;
        int fromOlder = maxLength - recent;
        int[] out = new int[maxLength];
        if (random == null) {
            for (int i = 0; i < fromOlder; i++) {
                out[i] = (int) (((long) (2 * i + 1) * older) / (2L * fromOlder)); // the middle of each of fromOlder equal strides
            }
        } else {
            // Floyd's algorithm: a uniform sample of fromOlder distinct indexes in [0, older).
            java.util.BitSet chosen = new java.util.BitSet(older);
            for (int j = older - fromOlder; j < older; j++) {
                int t = random.nextInt(j + 1);
                chosen.set(chosen.get(t) ? j : t);
            }
            int k = 0;
            for (int i = chosen.nextSetBit(0); i >= 0; i = chosen.nextSetBit(i + 1)) {
                out[k++] = i;
            }
        }
        for (int i = 0; i < recent; i++) {
            out[fromOlder + i] = older + i;
        }
        return out;
    }
}
