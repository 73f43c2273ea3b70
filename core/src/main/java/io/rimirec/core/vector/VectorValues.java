package io.rimirec.core.vector;

import io.rimirec.core.util.Abbreviate;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a vector as it arrives in a parsed JSON document (a list of numbers, or a float/double array) into a
 * {@code float[]}, with an error that names the field and says what was expected. Used wherever documents carry
 * vectors: the ingest processor, the query's history fetch, the data loaders.
 */
public final class VectorValues {

    private VectorValues() {}

    /**
     * @param value         the field value (usually a {@code List<Number>})
     * @param field         the field name, for the error message
     * @param expectedDimension the dimension required, or -1 for any
     * @throws IllegalArgumentException naming the field and what was expected
     */
    public static float[] parse(Object value, String field, int expectedDimension) {
        float[] out;
        if (value instanceof List<?> list) {
            out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = element(list.get(i), field, i);
            }
        } else if (value instanceof float[] floats) {
            out = floats.clone();
        } else if (value instanceof double[] doubles) {
            out = new float[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                out[i] = (float) doubles[i];
            }
        } else {
            throw new IllegalArgumentException(
                "field [" + field + "] must be an array of numbers" + dimensionHint(expectedDimension) + ", got " + describe(value)
            );
        }
        if (out.length == 0) {
            throw new IllegalArgumentException("field [" + field + "] is an empty array: expected" + dimensionHint(expectedDimension).replace(" of", "") + " numbers");
        }
        if (expectedDimension >= 0 && out.length != expectedDimension) {
            throw new IllegalArgumentException(
                "field [" + field + "] has " + out.length + " values but " + expectedDimension + " are expected (the model's vector dimension)"
            );
        }
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw new IllegalArgumentException("field [" + field + "] value at position " + i + " is not a finite number");
            }
        }
        return out;
    }

    /**
     * Refuses a vector the tree and the k-NN engine cannot place: a zero vector under cosine (no direction), and a
     * vector whose squared norm leaves single precision (both compute in float: at a scale of 1e19 the squares overflow
     * to infinity, at 1e-23 they underflow to 0, and every such vector silently landed in the first leaf).
     *
     * @throws IllegalArgumentException naming the field, its norm and what to do
     */
    public static float[] checkMagnitude(float[] v, String field, Metric metric) {
        double squared = 0;
        for (float x : v) {
            squared += (double) x * x;
        }
        if (squared == 0) {
            if (metric == Metric.COSINE) {
                throw new IllegalArgumentException("field [" + field + "] is a zero vector: a cosine model cannot place it (it has no "
                    + "direction); leave it out, or give the item a real vector");
            }
            return v;
        }
        if (squared >= Float.MAX_VALUE || squared < Float.MIN_NORMAL) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "field [%s] has a norm of %.3g, too %s for "
                + "single-precision similarity (the circle tree and k-NN compute in float, where its squares %s); scale the "
                + "vector, e.g. to unit length", field, Math.sqrt(squared), squared >= Float.MAX_VALUE ? "large" : "small",
                squared >= Float.MAX_VALUE ? "overflow" : "underflow"));
        }
        return v;
    }

    private static float element(Object v, String field, int position) {
        if (v instanceof Number n) {
            return n.floatValue();
        }
        throw new IllegalArgumentException(
            "field [" + field + "] value at position " + position + " is " + describe(v) + ": expected a number"
        );
    }

    private static String dimensionHint(int expectedDimension) {
        return expectedDimension >= 0 ? " of dimension " + expectedDimension : "";
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof CharSequence s) {
            return "the string \"" + Abbreviate.text(s.toString()) + "\"";
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof Boolean b) {
            return "the boolean " + b;
        }
        return "a " + v.getClass().getSimpleName();
    }
}
