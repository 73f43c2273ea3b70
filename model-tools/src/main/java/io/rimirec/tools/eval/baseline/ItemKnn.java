package io.rimirec.tools.eval.baseline;

import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.ScoringRecommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.util.TopK;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Item-based nearest neighbours: cosine similarity between items' user sets with shrinkage,
 * {@code sim(i,j) = |U_i and U_j| / (sqrt(|U_i| |U_j|) + shrink)}, each item keeping its {@code k} most similar
 * items; a user's score for item j is the sum of sim(i, j) over history items i that have j as a neighbour.
 */
public final class ItemKnn implements Method {

    @Override
    public String name() {
        return "itemknn";
    }

    @Override
    public String describe() {
        return "ItemKNN: cosine item-item similarity with shrinkage, top-k neighbours per item";
    }

    @Override
    public List<Settings> grid(boolean quick) {
        if (quick) {
            return Settings.grid(Settings.of(), Map.of("neighbours", List.of(50, 200), "shrink", List.of(10.0)));
        }
        Map<String, List<?>> axes = new LinkedHashMap<>();
        // On ML-1M the best point is small (protocol A: 20, B: 10 neighbours; little shrinkage): the grid brackets it.
        axes.put("neighbours", List.of(5, 10, 20, 50, 100, 200, 800));
        axes.put("shrink", List.of(0.0, 10.0, 50.0));
        return Settings.grid(Settings.of(), axes);
    }

    @Override
    public Recommender create(Settings settings) {
        return new Model(settings.getInt("neighbours"), settings.getDouble("shrink"));
    }

    static final class Model extends ScoringRecommender {
        private final int k;
        private final double shrink;
        private int[][] nbr;
        private float[][] sim;

        Model(int k, double shrink) {
            if (k < 1 || shrink < 0) {
                throw new IllegalArgumentException("neighbours must be >= 1 and shrink >= 0, got " + k + ", " + shrink);
            }
            this.k = k;
            this.shrink = shrink;
        }

        @Override
        public void fit(TrainingData data, FitContext ctx) {
            double[][] g = ItemGram.of(data, ctx.threads());
            int n = data.numItems();
            nbr = new int[n][];
            sim = new float[n][];
            BitSet self = new BitSet(n);
            float[] row = new float[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double denom = Math.sqrt(g[i][i] * g[j][j]) + shrink;
                    row[j] = denom > 0 ? (float) (g[i][j] / denom) : 0f;
                }
                self.clear();
                self.set(i);
                int[] top = TopK.select(row, k, self);
                // Zero-similarity "neighbours" add nothing: drop them.
                int len = 0;
                while (len < top.length && row[top[len]] > 0) {
                    len++;
                }
                nbr[i] = java.util.Arrays.copyOf(top, len);
                sim[i] = new float[len];
                for (int t = 0; t < len; t++) {
                    sim[i][t] = row[top[t]];
                }
            }
        }

        @Override
        protected int numItems() {
            return nbr.length;
        }

        @Override
        protected void score(List<Query> batch, float[][] scores) {
            for (int q = 0; q < batch.size(); q++) {
                float[] s = scores[q];
                for (int i : batch.get(q).history()) {
                    int[] nb = nbr[i];
                    float[] sv = sim[i];
                    for (int t = 0; t < nb.length; t++) {
                        s[nb[t]] += sv[t];
                    }
                }
            }
        }
    }
}
