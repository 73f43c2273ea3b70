package io.rimirec.core.vector;

import java.util.List;

/** Small dense-vector kernels. Plain loops: the JIT vectorises them, and they keep core dependency-free. */
public final class Vectors {

    private Vectors() {}

    public static float dot(float[] a, float[] b) {
        checkSameLength(a, b);
        float s = 0f;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static float dot(float[] a, float[] matrix, int offset) {
        float s = 0f;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * matrix[offset + i];
        }
        return s;
    }

    public static float squaredNorm(float[] a) {
        float s = 0f;
        for (float v : a) {
            s += v * v;
        }
        return s;
    }

    public static float norm(float[] a) {
        return (float) Math.sqrt(squaredNorm(a));
    }

    public static float squaredDistance(float[] a, float[] b) {
        checkSameLength(a, b);
        float s = 0f;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    public static float squaredDistance(float[] a, float[] matrix, int offset) {
        float s = 0f;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - matrix[offset + i];
            s += d * d;
        }
        return s;
    }

    /** Cosine similarity; 0 when either vector is zero (a zero vector has no direction). */
    public static float cosine(float[] a, float[] b) {
        checkSameLength(a, b);
        float dot = 0f, na = 0f, nb = 0f;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0f || nb == 0f ? 0f : (float) (dot / Math.sqrt((double) na * nb));
    }

    public static float cosine(float[] a, float[] matrix, int offset) {
        float dot = 0f, na = 0f, nb = 0f;
        for (int i = 0; i < a.length; i++) {
            float b = matrix[offset + i];
            dot += a[i] * b;
            na += a[i] * a[i];
            nb += b * b;
        }
        return na == 0f || nb == 0f ? 0f : (float) (dot / Math.sqrt((double) na * nb));
    }

    /** Returns a unit-length copy; a zero vector stays zero. */
    public static float[] normalized(float[] a) {
        float[] out = a.clone();
        normalizeInPlace(out);
        return out;
    }

    /** The unit-length direction of the sum of {@code vectors} (non-empty, same length); a zero sum stays zero. */
    public static float[] normalizedMean(List<float[]> vectors) {
        float[] sum = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            checkSameLength(sum, v);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        normalizeInPlace(sum);
        return sum;
    }

    public static void normalizeInPlace(float[] a) {
        float n = norm(a);
        if (n > 0f) {
            for (int i = 0; i < a.length; i++) {
                a[i] /= n;
            }
        }
    }

    private static void checkSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vector dimensions differ: " + a.length + " vs " + b.length);
        }
    }
}
