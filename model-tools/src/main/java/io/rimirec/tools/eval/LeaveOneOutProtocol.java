package io.rimirec.tools.eval;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.util.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Protocol B, as in HLLM / HyMiRec: leave-one-out. Every user's last item is the test target and the items
 * before it are the history; methods learn from every user's sequence without its last item. Validation holds
 * out the second-to-last item instead and learns from the sequences without their last two items. The whole
 * catalogue is ranked with the history masked; Recall@{10, 50, 200} and NDCG@{10, 200}. Users with fewer than
 * three items are left out (ML-1M has none).
 */
public final class LeaveOneOutProtocol implements Protocol {

    @Override
    public String name() {
        return "B";
    }

    @Override
    public String describe() {
        return "Protocol B (leave-one-out, HLLM/HyMiRec): each user's last item is the test target, the rest the "
            + "history; train on every user's sequence without its last item; full catalogue with the history masked; "
            + "Recall@{10,50,200} (= hit rate, one target) and NDCG@{10,200}. Validation: second-to-last item, "
            + "trained on sequences without their last two items.";
    }

    @Override
    public EvalTask test(SequenceDataset data, long seed) {
        return holdOut("test", data, 1);
    }

    @Override
    public EvalTask validation(SequenceDataset data, long seed) {
        return holdOut("validation", data, 2);
    }

    /** Targets the item {@code fromEnd} places from the end; everything after it is dropped. */
    private static EvalTask holdOut(String label, SequenceDataset data, int fromEnd) {
        List<int[]> train = new ArrayList<>(data.numUsers());
        List<EvalCase> cases = new ArrayList<>(data.numUsers());
        for (int u = 0; u < data.numUsers(); u++) {
            int[] seq = data.sequence(u);
            if (seq.length < 3) {
                continue;
            }
            int t = seq.length - fromEnd;
            int[] history = Arrays.copyOfRange(seq, 0, t);
            train.add(history);
            cases.add(new EvalCase(u, history, new int[] {seq[t]}));
        }
        String desc = cases.size() + " users, target = item " + fromEnd + " from the end";
        return new EvalTask(label, desc, new TrainingData(data.numItems(), train), cases);
    }

    @Override
    public List<MetricSpec> metrics() {
        return List.of(
            new MetricSpec(Metrics.Kind.RECALL, 10, true),
            new MetricSpec(Metrics.Kind.RECALL, 50, true),
            new MetricSpec(Metrics.Kind.RECALL, 200, true),
            new MetricSpec(Metrics.Kind.NDCG, 10, true),
            new MetricSpec(Metrics.Kind.NDCG, 200, true));
    }

    @Override
    public MetricSpec selection() {
        return new MetricSpec(Metrics.Kind.NDCG, 10, true);
    }
}
