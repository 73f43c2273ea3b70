package io.rimirec.tools.train.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Training examples "history so far, then a target" cut from the training sequences: for a position t
 * (1 <= t < length) the history is {@code seq[0, t)} and the target is {@code seq[t + r]} with r drawn uniformly
 * from {@code [0, window)} (window 1 = the next item; a wider window teaches "what comes soon", which is what
 * protocol A's ten targets ask for).
 */
public final class NextItemSamples {

    private final List<int[]> sequences;
    private final int window;

    /** @param sequences each user's items in order (item indexes) */
    public NextItemSamples(List<int[]> sequences, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("target window must be >= 1, got " + window);
        }
        this.sequences = sequences;
        this.window = window;
    }

    /** One epoch of (sequence, t) pairs, shuffled: every position, or {@code perUser} random ones per sequence. */
    public long[] epoch(int perUser, Random rnd) {
        List<int[]> seqs = sequences;
        long total = 0;
        for (int[] s : seqs) {
            total += s.length < 2 ? 0 : perUser > 0 ? perUser : s.length - 1;
        }
        long[] out = new long[Math.toIntExact(total)];
        int k = 0;
        for (int u = 0; u < seqs.size(); u++) {
            int len = seqs.get(u).length;
            if (len < 2) {
                continue;
            }
            if (perUser > 0) {
                for (int i = 0; i < perUser; i++) {
                    out[k++] = pack(u, 1 + rnd.nextInt(len - 1));
                }
            } else {
                for (int t = 1; t < len; t++) {
                    out[k++] = pack(u, t);
                }
            }
        }
        for (int i = out.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long tmp = out[i];
            out[i] = out[j];
            out[j] = tmp;
        }
        return out;
    }

    /** Histories (up to {@code maxLen} items before t) and targets for {@code samples[from, to)}. */
    public Batch batch(long[] samples, int from, int to, int maxLen, Random rnd) {
        List<int[]> hist = new ArrayList<>(to - from);
        long[] targets = new long[to - from];
        for (int i = from; i < to; i++) {
            int[] seq = sequences.get((int) (samples[i] >>> 32));
            int t = (int) samples[i];
            hist.add(Arrays.copyOfRange(seq, Math.max(0, t - maxLen), t));
            int ahead = Math.min(window, seq.length - t);
            targets[i - from] = seq[t + rnd.nextInt(ahead)];
        }
        return new Batch(hist, targets);
    }

    public record Batch(List<int[]> histories, long[] targets) {}

    private static long pack(int u, int t) {
        return ((long) u << 32) | t;
    }
}
