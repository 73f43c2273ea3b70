package io.rimirec.tools.data;

import java.util.List;

/**
 * Item vectors held in memory: {@code ids.get(i)} belongs to {@code vectors[i]}; ids are unique and every vector
 * has the same dimension.
 */
public record VectorSet(List<String> ids, float[][] vectors) {

    public VectorSet {
        if (ids.size() != vectors.length) {
            throw new IllegalArgumentException(ids.size() + " ids but " + vectors.length + " vectors");
        }
    }

    public int size() {
        return vectors.length;
    }

    /** 0 for an empty set. */
    public int dimension() {
        return vectors.length == 0 ? 0 : vectors[0].length;
    }
}
