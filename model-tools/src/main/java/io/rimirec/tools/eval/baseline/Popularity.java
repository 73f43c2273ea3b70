package io.rimirec.tools.eval.baseline;

import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.ScoringRecommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;

import java.util.List;

/** Most popular items in the training data, the same list for everyone (minus exclusions). */
public final class Popularity implements Method {

    @Override
    public String name() {
        return "pop";
    }

    @Override
    public String describe() {
        return "popularity: items ranked by training interaction count";
    }

    @Override
    public List<Settings> grid(boolean quick) {
        return List.of(Settings.of());
    }

    @Override
    public Recommender create(Settings settings) {
        return new ScoringRecommender() {
            private float[] counts;

            @Override
            public void fit(TrainingData data, FitContext ctx) {
                long[] c = data.itemCounts();
                counts = new float[c.length];
                for (int i = 0; i < c.length; i++) {
                    counts[i] = c[i];
                }
            }

            @Override
            protected int numItems() {
                return counts.length;
            }

            @Override
            protected void score(List<Query> batch, float[][] scores) {
                for (float[] s : scores) {
                    System.arraycopy(counts, 0, s, 0, counts.length);
                }
            }
        };
    }
}
