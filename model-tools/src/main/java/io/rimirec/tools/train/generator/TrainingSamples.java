package io.rimirec.tools.train.generator;

import io.rimirec.core.generate.HistoryWindow;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How training samples are drawn (documented in docs/generator.md):
 *
 * <ol>
 *   <li>A sample belongs to one user and one cut point {@code c}, drawn uniformly from {@code [1, n - 1]} for a
 *       sequence of n items (at least one history item and one next item).</li>
 *   <li>Encoder input: the items before the cut, windowed by {@link HistoryWindow} with a random sample of the
 *       older part when the history is longer than the maximum.</li>
 *   <li>Targets: the next {@code window} items (fewer at the end of the sequence), turned into weighted circle
 *       paths by {@link TargetBuilder}; each path is teacher-forced as BOS t1 .. tm and must predict t1 .. tm EOS.</li>
 * </ol>
 * Every epoch draws fresh cuts ({@code perUser} per training user); validation samples are drawn once, with
 * their own seed, and reused every epoch so the validation loss is comparable across epochs.
 */
public final class TrainingSamples {

    /** One drawn sample: the windowed history (item indexes) and the weighted targets. */
    public record Sample(int user, int cut, int[] history, List<TargetBuilder.Target> targets) {}

    private final SequenceData data;
    private final HistoryWindow historyWindow;
    private final TargetBuilder targets;
    private final int window;

    public TrainingSamples(SequenceData data, HistoryWindow historyWindow, TargetBuilder targets, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("target window must be >= 1 item, got " + window);
        }
        this.data = data;
        this.historyWindow = historyWindow;
        this.targets = targets;
        this.window = window;
    }

    public List<Sample> draw(int[] users, int perUser, Random random) {
        List<Sample> out = new ArrayList<>(users.length * perUser);
        for (int u : users) {
            int n = data.sequences().get(u).length;
            if (n < 2) {
                continue;
            }
            for (int k = 0; k < perUser; k++) {
                out.add(at(u, 1 + random.nextInt(n - 1), random));
            }
        }
        return out;
    }

    /** The sample of user {@code u} cut at {@code cut} (history = items before it). */
    public Sample at(int u, int cut, Random random) {
        int[] seq = data.sequences().get(u);
        int[] keep = historyWindow.select(cut, random);
        int[] history = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            history[i] = seq[keep[i]];
        }
        int end = Math.min(seq.length, cut + window);
        int[] leaves = new int[end - cut];
        for (int i = cut; i < end; i++) {
            leaves[i - cut] = data.leaves()[seq[i]];
        }
        return new Sample(u, cut, history, targets.targets(leaves));
    }
}
