package io.rimirec.core.testing;

import java.util.SplittableRandom;

/** Seeded test data: blobs around random centres, optionally with a second level of sub-centres. */
public final class TestVectors {

    private TestVectors() {}

    /** {@code sizes[b]} vectors around blob b's centre (a random direction scaled by {@code scale}), Gaussian noise. */
    public static float[][] blobs(int[] sizes, int dim, double scale, double noise, long seed, int[] labelsOut) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] centres = new double[sizes.length][];
        for (int b = 0; b < sizes.length; b++) {
            centres[b] = randomUnit(rng, dim, scale);
        }
        int n = 0;
        for (int s : sizes) {
            n += s;
        }
        float[][] out = new float[n][];
        int i = 0;
        for (int b = 0; b < sizes.length; b++) {
            for (int t = 0; t < sizes[b]; t++) {
                float[] v = new float[dim];
                for (int x = 0; x < dim; x++) {
                    v[x] = (float) (centres[b][x] + noise * rng.nextGaussian());
                }
                if (labelsOut != null) {
                    labelsOut[i] = b;
                }
                out[i++] = v;
            }
        }
        return out;
    }

    /** {@code topics × subtopics} groups of {@code perGroup} vectors: topic direction + 0.5·sub-topic offset + noise. */
    public static float[][] hierarchy(int topics, int subtopics, int perGroup, int dim, double noise, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] out = new float[topics * subtopics * perGroup][];
        int i = 0;
        for (int a = 0; a < topics; a++) {
            double[] topic = randomUnit(rng, dim, 1.0);
            for (int b = 0; b < subtopics; b++) {
                double[] sub = randomUnit(rng, dim, 0.5);
                for (int t = 0; t < perGroup; t++) {
                    float[] v = new float[dim];
                    for (int x = 0; x < dim; x++) {
                        v[x] = (float) (topic[x] + sub[x] + noise * rng.nextGaussian());
                    }
                    out[i++] = v;
                }
            }
        }
        return out;
    }

    public static float[][] gaussian(int n, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] out = new float[n][dim];
        for (float[] v : out) {
            for (int x = 0; x < dim; x++) {
                v[x] = (float) rng.nextGaussian();
            }
        }
        return out;
    }

    private static double[] randomUnit(SplittableRandom rng, int dim, double scale) {
        double[] v = new double[dim];
        double norm = 0;
        for (int x = 0; x < dim; x++) {
            v[x] = rng.nextGaussian();
            norm += v[x] * v[x];
        }
        norm = Math.sqrt(norm);
        for (int x = 0; x < dim; x++) {
            v[x] = v[x] / norm * scale;
        }
        return v;
    }
}
