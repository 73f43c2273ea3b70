package io.rimirec.tools.eval.baseline;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.eval.EvalResult;
import io.rimirec.tools.eval.EvalTask;
import io.rimirec.tools.eval.Evaluator;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.HimiRecProtocol;
import io.rimirec.tools.eval.MetricSpec;
import io.rimirec.tools.eval.Protocol;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.Synthetic;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.util.Metrics;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaselinesTest {

    static final int GENRES = 6;
    static final SequenceDataset DATA = Synthetic.genres(300, GENRES, 30, 24, 11);
    static final FitContext CTX = new FitContext(1, 2, new PrintStream(OutputStream.nullOutputStream()));
    static final MetricSpec R20 = new MetricSpec(Metrics.Kind.RECALL, 20, true);

    static double recall20(Recommender r) {
        Protocol a = new HimiRecProtocol();
        EvalTask task = a.test(DATA, 5);
        r.fit(task.train(), CTX);
        EvalResult res = new Evaluator(2, 16).evaluate(r, task.cases(), List.of(R20));
        return res.mean(R20);
    }

    @Test
    void itemItemModelsFindTheGenreAndPopularityCannot() {
        double pop = recall20(new Popularity().create(Settings.of()));
        double knn = recall20(new ItemKnn().create(Settings.of("neighbours", 30, "shrink", 0.0)));
        double ease = recall20(new Ease(false).create(Settings.of("lambda", 10.0, "halfLife", 0.0)));
        // 20 candidates from the 30 - 14 = 16 unseen items of the user's genre hold all 10 targets: recall 1.
        assertEquals(1.0, knn, 1e-9, "itemknn");
        assertEquals(1.0, ease, 1e-9, "ease");
        assertTrue(pop < 0.3, "popularity should not know the genre, got " + pop);
    }

    @Test
    void popularityRanksByCount() {
        Recommender r = new Popularity().create(Settings.of());
        r.fit(new TrainingData(4, List.of(new int[] {2, 1}, new int[] {2}, new int[] {3, 2, 1})), CTX);
        assertArrayEquals(new int[] {2, 1, 3, 0}, r.recommend(List.of(Query.of(new int[0])), 4)[0]);
        assertArrayEquals(new int[] {1, 3}, r.recommend(List.of(Query.excludingHistory(new int[] {2})), 2)[0]);
    }

    /** EASE against its definition on a 4-item problem: B = I - P diag(1/diag P), P = (G + lambda I)^-1. */
    @Test
    void easeMatchesTheClosedForm() {
        List<int[]> seqs = List.of(new int[] {0, 1}, new int[] {1, 2}, new int[] {0, 1, 3}, new int[] {2, 3});
        double lambda = 2.0;
        double[][] g = new double[4][4];
        for (int[] s : seqs) {
            for (int i : s) {
                for (int j : s) {
                    g[i][j]++;
                }
            }
        }
        for (int i = 0; i < 4; i++) {
            g[i][i] += lambda;
        }
        double[][] p = gaussJordan(g);
        int[] history = {0, 3};
        float[] expected = new float[4];
        for (int j = 0; j < 4; j++) {
            for (int i : history) {
                expected[j] += i == j ? 0 : (float) (-p[i][j] / p[j][j]);
            }
        }
        Ease.Model m = (Ease.Model) new Ease(false).create(Settings.of("lambda", lambda, "halfLife", 0.0));
        m.fit(new TrainingData(4, seqs), CTX);
        float[][] scores = new float[1][4];
        m.score(List.of(Query.of(history)), scores);
        assertArrayEquals(expected, scores[0], 1e-6f);
    }

    @Test
    void recencyWeightsHalveEveryHalfLife() {
        assertArrayEquals(new float[] {0.25f, 0.5f, 1f}, HistoryWeights.of(new int[] {7, 8, 9}, 1.0), 1e-7f);
        assertArrayEquals(new float[] {1f, 1f}, HistoryWeights.of(new int[] {7, 8}, 0.0));
    }

    /** Plain Gauss-Jordan with partial pivoting: an independent reference for the test. */
    static double[][] gaussJordan(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
                    piv = r;
                }
            }
            double[] t = m[c];
            m[c] = m[piv];
            m[piv] = t;
            double d = m[c][c];
            for (int j = 0; j < 2 * n; j++) {
                m[c][j] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r][c];
                    for (int j = 0; j < 2 * n; j++) {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], n, inv[i], 0, n);
        }
        return inv;
    }
}
