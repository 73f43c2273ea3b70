package io.rimirec.tools.eval;

import java.util.List;

/**
 * What a {@link Recommender} may learn from: behaviour sequences (item indexes, oldest first) over a catalogue of
 * {@code numItems} items. A protocol builds it so that no evaluation target is ever in it.
 */
public record TrainingData(int numItems, List<int[]> sequences) {

    public TrainingData {
        if (numItems <= 0) {
            throw new IllegalArgumentException("numItems must be > 0, got " + numItems);
        }
        sequences = List.copyOf(sequences);
        for (int[] s : sequences) {
            for (int item : s) {
                if (item < 0 || item >= numItems) {
                    throw new IllegalArgumentException("item index " + item + " outside [0, " + numItems + ")");
                }
            }
        }
    }

    public int numSequences() {
        return sequences.size();
    }

    public long numInteractions() {
        long n = 0;
        for (int[] s : sequences) {
            n += s.length;
        }
        return n;
    }

    /** How many times each item occurs in the training sequences. */
    public long[] itemCounts() {
        long[] c = new long[numItems];
        for (int[] s : sequences) {
            for (int item : s) {
                c[item]++;
            }
        }
        return c;
    }
}
