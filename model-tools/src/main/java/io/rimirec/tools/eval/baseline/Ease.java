package io.rimirec.tools.eval.baseline;

import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.ScoringRecommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.linalg.SpdInverse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * EASE (Steck 2019): the item-item weight matrix {@code B = I - P diag(1/diag(P))}, {@code P = (G + lambda I)^-1},
 * the closed-form solution of {@code min ||X - XB||^2 + lambda ||B||^2} with {@code diag(B) = 0}. A user's
 * scores are {@code x B} for the history vector x. With {@code halfLife > 0} (the {@code ease-rw} method) x
 * weights history items by recency ({@link HistoryWeights}) instead of 1 each; training is unchanged.
 */
public final class Ease implements Method {

    private final boolean recency;

    /** @param recency tune a recency half-life for the history vector ({@code ease-rw}) instead of none ({@code ease}) */
    public Ease(boolean recency) {
        this.recency = recency;
    }

    @Override
    public String name() {
        return recency ? "ease-rw" : "ease";
    }

    @Override
    public String describe() {
        return recency ? "EASE with recency-weighted history (weight 2^(-age/halfLife))"
            : "EASE: closed-form item-item regression with L2 regularisation lambda";
    }

    @Override
    public List<Settings> grid(boolean quick) {
        Map<String, List<?>> axes = new LinkedHashMap<>();
        if (quick) {
            axes.put("lambda", List.of(100.0, 1000.0));
            axes.put("halfLife", recency ? List.of(20.0) : List.of(0.0));
        } else {
            // Brackets the ML-1M optimum on both sides (short half-lives win on protocol A).
            axes.put("lambda", recency ? List.of(300.0, 1000.0, 3000.0, 10000.0) : List.of(100.0, 300.0, 1000.0, 3000.0, 10000.0));
            axes.put("halfLife", recency ? List.of(1.0, 2.0, 3.0, 5.0, 10.0, 20.0) : List.of(0.0));
        }
        return Settings.grid(Settings.of(), axes);
    }

    @Override
    public Recommender create(Settings settings) {
        return new Model(settings.getDouble("lambda"), settings.getDouble("halfLife"));
    }

    static final class Model extends ScoringRecommender {
        private final double lambda;
        private final double halfLife;
        private float[][] b;

        Model(double lambda, double halfLife) {
            if (!(lambda > 0) || halfLife < 0) {
                throw new IllegalArgumentException("lambda must be > 0 and halfLife >= 0, got " + lambda + ", " + halfLife);
            }
            this.lambda = lambda;
            this.halfLife = halfLife;
        }

        @Override
        public void fit(TrainingData data, FitContext ctx) {
            // The half-life only changes scoring: grid points (and the ease and ease-rw methods of one run)
            // with the same lambda share one inversion.
            b = data.derived("ease-weights:" + lambda, () -> solve(data, lambda, ctx));
        }

        static float[][] solve(TrainingData data, double lambda, FitContext ctx) {
            long t0 = System.nanoTime();
            double[][] gram = ItemGram.of(data, ctx.threads());
            int n = gram.length;
            double[][] g = new double[n][];
            for (int i = 0; i < n; i++) {
                g[i] = gram[i].clone();
                g[i][i] += lambda;
            }
            double[][] p = SpdInverse.invert(g, ctx.threads());
            float[][] b = new float[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    b[i][j] = i == j ? 0f : (float) (-p[i][j] / p[j][j]);
                }
            }
            ctx.log().printf(Locale.ROOT, "EASE lambda=%s on %d items: %.1fs%n", lambda, n, (System.nanoTime() - t0) / 1e9);
            return b;
        }

        @Override
        protected int numItems() {
            return b.length;
        }

        @Override
        protected void score(List<Query> batch, float[][] scores) {
            for (int q = 0; q < batch.size(); q++) {
                int[] h = batch.get(q).history();
                float[] w = HistoryWeights.of(h, halfLife);
                float[] s = scores[q];
                for (int t = 0; t < h.length; t++) {
                    float[] row = b[h[t]];
                    float f = w[t];
                    for (int j = 0; j < s.length; j++) {
                        s[j] += f * row[j];
                    }
                }
            }
        }
    }
}
