package io.rimirec.tools.eval;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.util.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Protocol A, as in the HimiRec paper's ML-1M experiment: a random 80/20 user split; methods learn from the
 * training users' full sequences; each test user's last 10 interactions are the targets and everything before
 * is the history given at inference; the whole catalogue is ranked. Recall@M (hits / number of distinct
 * targets, averaged over users) and HitRate@M (share of users with at least one hit), M in {20, 50}, each
 * with history items masked out of the candidates and without masking.
 *
 * <p>Validation applies the same split to the training users only (seed + 1): 20% of them become validation
 * users whose last 10 items are held out, and the method learns from the other 80%.
 *
 * <p>Test users' histories are never training data here (the paper trains on the 80% only); every method
 * reads them as input at inference.
 */
public final class HimiRecProtocol implements Protocol {

    public static final double TEST_FRACTION = 0.2;
    public static final int TARGETS = 10;
    public static final int[] CUTOFFS = {20, 50};

    @Override
    public String name() {
        return "A";
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT,
            "Protocol A (HimiRec): random %.0f/%.0f user split (java.util.Random(seed) Fisher-Yates); train on the "
                + "training users' full sequences; for each test user the last %d interactions are targets, the rest "
                + "is history; full catalogue; Recall@M = hits/|distinct targets| averaged over users, HitRate@M = "
                + "share of users with >= 1 hit; M in {20, 50}; with history items masked from the candidates and "
                + "without (_unmasked). Validation: the same split applied to the training users with seed+1.",
            100 * (1 - TEST_FRACTION), 100 * TEST_FRACTION, TARGETS);
    }

    @Override
    public EvalTask test(SequenceDataset data, long seed) {
        int[] all = new int[data.numUsers()];
        Arrays.setAll(all, i -> i);
        return split("test", data, all, seed);
    }

    @Override
    public EvalTask validation(SequenceDataset data, long seed) {
        int[] trainUsers = Splits.randomUsers(data.numUsers(), TEST_FRACTION, seed)[0];
        return split("validation", data, trainUsers, seed + 1);
    }

    /** Splits {@code users} (dataset indexes) 80/20 with {@code seed}. */
    private static EvalTask split(String label, SequenceDataset data, int[] users, long seed) {
        int[][] parts = Splits.randomUsers(users.length, TEST_FRACTION, seed);
        List<int[]> train = new ArrayList<>(parts[0].length);
        for (int i : parts[0]) {
            train.add(data.sequence(users[i]));
        }
        List<EvalCase> cases = new ArrayList<>(parts[1].length);
        int skipped = 0;
        for (int i : parts[1]) {
            int[] seq = data.sequence(users[i]);
            if (seq.length <= TARGETS) {
                skipped++; // no history left to recommend from
                continue;
            }
            cases.add(new EvalCase(users[i], Arrays.copyOfRange(seq, 0, seq.length - TARGETS),
                Arrays.copyOfRange(seq, seq.length - TARGETS, seq.length)));
        }
        String desc = String.format(Locale.ROOT, "%d training users, %d %s users (seed %d, %d skipped with <= %d items)",
            train.size(), cases.size(), label, seed, skipped, TARGETS);
        return new EvalTask(label, desc, new TrainingData(data.numItems(), train), cases);
    }

    @Override
    public List<MetricSpec> metrics() {
        List<MetricSpec> out = new ArrayList<>();
        for (boolean masked : new boolean[] {true, false}) {
            for (int m : CUTOFFS) {
                out.add(new MetricSpec(Metrics.Kind.RECALL, m, masked));
                out.add(new MetricSpec(Metrics.Kind.HIT_RATE, m, masked));
            }
        }
        return out;
    }

    @Override
    public MetricSpec selection() {
        return new MetricSpec(Metrics.Kind.RECALL, 50, true);
    }
}
