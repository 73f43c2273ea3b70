package io.rimirec.tools.eval;

import io.rimirec.tools.util.Metrics;

/**
 * One reported number: a metric at a cutoff, with or without the history's own items masked out of the
 * candidates.
 */
public record MetricSpec(Metrics.Kind kind, int k, boolean maskHistory) {

    /** Column name: {@code Recall@20}, or {@code Recall@20_unmasked} when history items may be recommended. */
    public String name() {
        return kind.label() + "@" + k + (maskHistory ? "" : "_unmasked");
    }

    @Override
    public String toString() {
        return name();
    }
}
