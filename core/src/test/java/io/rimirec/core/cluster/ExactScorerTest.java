package io.rimirec.core.cluster;

import io.rimirec.core.vector.Metric;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExactScorerTest {

    /** The whole point: the same bits as Metric.similarity (CircleTree's descent), for any k and dimension. */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void sameBitsAsMetricSimilarity(Metric metric) {
        SplittableRandom rng = new SplittableRandom(metric.ordinal());
        for (int round = 0; round < 60; round++) {
            int k = 1 + rng.nextInt(11);
            int d = 1 + rng.nextInt(70);
            float[] c = new float[k * d];
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 4)));
            }
            if (round % 7 == 0) {
                java.util.Arrays.fill(c, 0, d, 0f); // a zero centroid: cosine is 0 by definition
            }
            ExactScorer scorer = new ExactScorer(metric, c, k, d);
            float[] out = new float[k];
            for (int trial = 0; trial < 20; trial++) {
                float[] v = new float[d];
                for (int t = 0; t < d; t++) {
                    v[t] = trial == 0 ? 0f : (float) (rng.nextGaussian() * 3);
                }
                scorer.score(v, out);
                for (int j = 0; j < k; j++) {
                    assertEquals(Float.floatToRawIntBits(metric.similarity(v, c, j * d)), Float.floatToRawIntBits(out[j]),
                        metric + " k=" + k + " d=" + d + " centroid " + j);
                }
            }
        }
    }
}
