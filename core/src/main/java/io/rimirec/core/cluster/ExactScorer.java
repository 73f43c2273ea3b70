package io.rimirec.core.cluster;

import io.rimirec.core.vector.Metric;

/**
 * {@link Metric#similarity(float[], float[], int)} of one vector against all k centroids, bit-identical to calling
 * it k times (which is what {@code CircleTree} descent does) but several times faster.
 *
 * <p>{@code Vectors}' kernels add into one running sum per quantity, element by element; that chain of dependent
 * additions, not arithmetic, bounds their speed. Here one loop over the vector carries four centroids' sums at once
 * (four independent chains the CPU overlaps), each still added in exactly the same order as {@code Vectors} adds
 * it, and the centroid norms are summed once up front in that same order. Java float arithmetic is strict, so the
 * results are the same bits. A test checks this against {@link Metric#similarity} for every metric.
 */
final class ExactScorer {

    private final Metric metric;
    private final float[] c;
    private final int k;
    private final int d;
    private final float[] cNorm; // cosine: sum of b*b per centroid, in Vectors.cosine's order

    ExactScorer(Metric metric, float[] centroids, int k, int d) {
        this.metric = metric;
        this.c = centroids;
        this.k = k;
        this.d = d;
        this.cNorm = new float[k];
        if (metric == Metric.COSINE) {
            for (int j = 0; j < k; j++) {
                float nb = 0f;
                for (int t = 0, off = j * d; t < d; t++) {
                    float b = c[off + t];
                    nb += b * b;
                }
                cNorm[j] = nb;
            }
        }
    }

    /** {@code out[j] = metric.similarity(v, centroids, j * d)} for every centroid j. */
    void score(float[] v, float[] out) {
        switch (metric) {
            case COSINE -> cosine(v, out);
            case INNER_PRODUCT -> dot(v, out);
            case L2 -> negatedSquaredDistance(v, out);
        }
    }

    private void dot(float[] v, float[] out) {
        int j = 0;
        for (; j + 3 < k; j += 4) {
            int o0 = j * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int t = 0; t < d; t++) {
                float a = v[t];
                s0 += a * c[o0 + t];
                s1 += a * c[o1 + t];
                s2 += a * c[o2 + t];
                s3 += a * c[o3 + t];
            }
            out[j] = s0;
            out[j + 1] = s1;
            out[j + 2] = s2;
            out[j + 3] = s3;
        }
        for (; j < k; j++) {
            float s = 0f;
            for (int t = 0, o = j * d; t < d; t++) {
                s += v[t] * c[o + t];
            }
            out[j] = s;
        }
    }

    private void cosine(float[] v, float[] out) {
        dot(v, out);
        float na = 0f;
        for (int t = 0; t < d; t++) {
            na += v[t] * v[t];
        }
        for (int j = 0; j < k; j++) {
            float nb = cNorm[j];
            out[j] = na == 0f || nb == 0f ? 0f : (float) (out[j] / Math.sqrt((double) na * nb));
        }
    }

    private void negatedSquaredDistance(float[] v, float[] out) {
        int j = 0;
        for (; j + 3 < k; j += 4) {
            int o0 = j * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int t = 0; t < d; t++) {
                float a = v[t];
                float e0 = a - c[o0 + t];
                float e1 = a - c[o1 + t];
                float e2 = a - c[o2 + t];
                float e3 = a - c[o3 + t];
                s0 += e0 * e0;
                s1 += e1 * e1;
                s2 += e2 * e2;
                s3 += e3 * e3;
            }
            out[j] = -s0;
            out[j + 1] = -s1;
            out[j + 2] = -s2;
            out[j + 3] = -s3;
        }
        for (; j < k; j++) {
            float s = 0f;
            for (int t = 0, o = j * d; t < d; t++) {
                float e = v[t] - c[o + t];
                s += e * e;
            }
            out[j] = -s;
        }
    }
}
