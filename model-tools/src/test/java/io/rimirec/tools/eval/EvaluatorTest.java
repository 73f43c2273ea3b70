package io.rimirec.tools.eval;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.util.Metrics;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {

    static final SequenceDataset DATA = Synthetic.genres(200, 5, 40, 30, 3);

    /** Knows every user's full sequence: recommends the targets first, so Recall must be 1. */
    static final class Oracle implements Recommender {
        private final Map<String, int[]> future = new HashMap<>();

        Oracle(SequenceDataset d) {
            for (int u = 0; u < d.numUsers(); u++) {
                int[] s = d.sequence(u);
                future.put(Arrays.toString(Arrays.copyOf(s, s.length - 10)), Arrays.copyOfRange(s, s.length - 10, s.length));
            }
        }

        @Override
        public void fit(TrainingData data, FitContext ctx) {}

        @Override
        public int[][] recommend(List<Query> batch, int m) {
            return batch.stream().map(q -> Arrays.copyOf(future.get(Arrays.toString(q.history())), Math.min(m, 10))).toArray(int[][]::new);
        }
    }

    @Test
    void oracleScoresOneAndTheHistoryVariantsAreSeparate() {
        Protocol a = new HimiRecProtocol();
        EvalTask task = a.test(DATA, 1);
        EvalResult r = new Evaluator(2, 7).evaluate(new Oracle(DATA), task.cases(), a.metrics());
        for (MetricSpec m : a.metrics()) {
            assertEquals(1.0, r.mean(m), 1e-12, m.name());
            assertEquals(0.0, r.stdError(m), 1e-12);
        }
        assertEquals(40, r.users());
    }

    /** Recommends the history itself (scores = recency): every masked query must exclude it, so masked recall is 0. */
    @Test
    void maskingRemovesHistoryItems() {
        Recommender echo = new ScoringRecommender() {
            @Override
            public void fit(TrainingData data, FitContext ctx) {}

            @Override
            protected int numItems() {
                return DATA.numItems();
            }

            @Override
            protected void score(List<Query> batch, float[][] scores) {
                for (int q = 0; q < batch.size(); q++) {
                    int[] h = batch.get(q).history();
                    for (int j = 0; j < h.length; j++) {
                        scores[q][h[j]] = 1 + j;
                    }
                }
            }
        };
        Protocol a = new HimiRecProtocol();
        EvalTask task = a.test(DATA, 1);
        EvalResult r = new Evaluator(1, 64).evaluate(echo, task.cases(), a.metrics());
        // Unmasked: the top 20 are the 20 history items, none a target. Masked: the rest is ranked by index.
        assertEquals(0.0, r.mean(new MetricSpec(Metrics.Kind.RECALL, 20, false)));
        int[][] out = echo.recommend(List.of(Query.excludingHistory(task.cases().get(0).history())), 5);
        for (int item : out[0]) {
            assertTrue(Arrays.binarySearch(sorted(task.cases().get(0).history()), item) < 0, "history item " + item);
        }
    }

    private static int[] sorted(int[] a) {
        int[] c = a.clone();
        Arrays.sort(c);
        return c;
    }

    @Test
    void resultsDoNotDependOnThreadsOrBatches() {
        Method pop = new io.rimirec.tools.eval.baseline.Popularity();
        Protocol b = new LeaveOneOutProtocol();
        EvalTask task = b.test(DATA, 0);
        Recommender r = pop.create(Settings.of());
        r.fit(task.train(), new FitContext(0, 1, System.err));
        EvalResult one = new Evaluator(1, 1000).evaluate(r, task.cases(), b.metrics());
        EvalResult many = new Evaluator(3, 5).evaluate(r, task.cases(), b.metrics());
        assertArrayEquals(one.means(), many.means());
    }

    @Test
    void contractBreachesFailLoudly() {
        Recommender bad = new Recommender() {
            @Override
            public void fit(TrainingData data, FitContext ctx) {}

            @Override
            public int[][] recommend(List<Query> batch, int m) {
                return batch.stream().map(q -> new int[] {q.history()[0]}).toArray(int[][]::new);
            }
        };
        Protocol a = new HimiRecProtocol();
        EvalTask task = a.test(DATA, 1);
        assertThrows(IllegalStateException.class, () -> new Evaluator(1, 64).evaluate(bad, task.cases(), a.metrics()));
    }
}
