package io.rimirec.tools.eval;

import io.rimirec.tools.data.SequenceDataset;

import java.util.List;
import java.util.Locale;

/**
 * How a dataset becomes a training set and held-out users, and what is measured on them. The validation task
 * is carved from training data only, so tuning never sees a test target.
 */
public interface Protocol {

    /** Short name: {@code A} or {@code B}. */
    String name();

    /** One paragraph for reports: split, targets, candidates, metrics. */
    String describe();

    /** The task the reported numbers come from. */
    EvalTask test(SequenceDataset data, long seed);

    /** The task settings are chosen on: built from what {@link #test} trains on, never from its targets. */
    EvalTask validation(SequenceDataset data, long seed);

    /** Every number reported, in table order. */
    List<MetricSpec> metrics();

    /** The metric tuning maximises on the validation task. */
    MetricSpec selection();

    static Protocol named(String name) {
        return switch (name.trim().toUpperCase(Locale.ROOT)) {
            case "A", "HIMIREC" -> new HimiRecProtocol();
            case "B", "HLLM", "LOO", "LEAVE-ONE-OUT" -> new LeaveOneOutProtocol();
            default -> throw new IllegalArgumentException("unknown protocol [" + name + "]: expected A (HimiRec) or B (leave-one-out)");
        };
    }
}
