package io.rimirec.tools.eval;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A recall method as the evaluation sees it: fitted once on {@link TrainingData}, then asked for the top-m items
 * of batches of {@link Query queries}. Every method, baselines and rimirec (offline through {@code core}, online
 * through a cluster) runs through this interface, so metrics and splits are computed once for all of them.
 *
 * <p>Contract for {@link #recommend}: it may be called from several threads at once (each with its own batch)
 * after {@link #fit} returned; for each query it returns at most {@code m} distinct item indexes, best first,
 * none of them in the query's exclusion set; the answer for a query must not depend on the other queries in the
 * batch, so evaluation is deterministic however batches are scheduled.
 */
public interface Recommender extends AutoCloseable {

    /** Learns from the training sequences; called once, before any {@link #recommend}. */
    void fit(TrainingData data, FitContext ctx);

    /** The top-{@code m} items for each query, in query order. */
    int[][] recommend(List<Query> batch, int m);

    /** {@code one} applied to each query of {@code batch}, in order: {@link #recommend} for methods that answer query by query. */
    static int[][] eachQuery(List<Query> batch, Function<Query, int[]> one) {
        int[][] out = new int[batch.size()][];
        for (int q = 0; q < batch.size(); q++) {
            out[q] = one.apply(batch.get(q));
        }
        return out;
    }

    /** What the fit found worth reporting (loss curve, sizes); shown with the results. Empty by default. */
    default Map<String, Object> diagnostics() {
        return Map.of();
    }

    /** Frees native memory (DJL models); the recommender is unusable afterwards. */
    @Override
    default void close() {}
}
