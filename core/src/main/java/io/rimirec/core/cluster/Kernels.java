package io.rimirec.core.cluster;

/**
 * Training kernels over flat row-major arrays. Four independent accumulators let the CPU overlap the additions
 * (a single running sum is bound by add latency); the order of additions is fixed, so results are deterministic.
 */
final class Kernels {

    private Kernels() {}

    static float dot(float[] a, int ao, float[] b, int bo, int d) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int t = 0;
        for (int end = d - 3; t < end; t += 4) {
            s0 += a[ao + t] * b[bo + t];
            s1 += a[ao + t + 1] * b[bo + t + 1];
            s2 += a[ao + t + 2] * b[bo + t + 2];
            s3 += a[ao + t + 3] * b[bo + t + 3];
        }
        for (; t < d; t++) {
            s0 += a[ao + t] * b[bo + t];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static double squaredDistance(float[] a, int ao, float[] b, int bo, int d) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int t = 0;
        for (int end = d - 3; t < end; t += 4) {
            float e0 = a[ao + t] - b[bo + t];
            float e1 = a[ao + t + 1] - b[bo + t + 1];
            float e2 = a[ao + t + 2] - b[bo + t + 2];
            float e3 = a[ao + t + 3] - b[bo + t + 3];
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
        }
        for (; t < d; t++) {
            float e = a[ao + t] - b[bo + t];
            s0 += e * e;
        }
        return (double) ((s0 + s1) + (s2 + s3));
    }
}
