package io.rimirec.core.vector;

import java.util.List;

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
            String text = s.length() > 40 ? s.subSequence(0, 40) + "..." : s.toString();
            return "the string \"" + text + "\"";
        }
        if (v instanceof java.util.Map<?, ?>) {
            return "an object";
        }
        if (v instanceof Boolean b) {
            return "the boolean " + b;
        }
        return "a " + v.getClass().getSimpleName();
    }
}
