package io.rimirec.core.tower;

import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.core.tree.CirclePath;

import java.util.List;

/**
 * The user tower's input tensors for a batch of circles, as flat row-major arrays (what both the trainer and ONNX
 * Runtime consume, so training and serving build features with this one class; docs/formats.md):
 * {@code item_vectors [b, s, dim]} the slice's item vectors oldest first, {@code item_positions [b, s]} the distance
 * from the slice's newest item (0 = newest), {@code item_mask [b, s]} 1 = item, 0 = padding, and
 * {@code circle [b, levels]} the circle's tokens ({@link CircleVocabulary} layout) padded with PAD. Slices are
 * right-padded to the longest in the batch; a batch of empty slices still has one (masked) position.
 */
public final class TowerInput {

    public final int batch;
    public final int length;
    public final int dimension;
    public final int levels;
    public final float[] vectors;
    public final long[] positions;
    public final float[] mask;
    public final long[] circles;

    private TowerInput(int batch, int length, int dimension, int levels) {
        this.batch = batch;
        this.length = length;
        this.dimension = dimension;
        this.levels = levels;
        this.vectors = new float[batch * length * dimension];
        this.positions = new long[batch * length];
        this.mask = new float[batch * length];
        this.circles = new long[batch * levels];
    }

    /** One circle: its path and the vectors of the history items inside it, oldest first (possibly none). */
    public record Row(CirclePath circle, List<float[]> vectors) {}

    /**
     * @param maxSlice the tower's longest slice: longer slices keep their newest items
     */
    public static TowerInput of(List<Row> rows, CircleVocabulary vocabulary, int dimension, int maxSlice) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the user tower needs at least one circle");
        }
        int length = 1;
        for (Row r : rows) {
            length = Math.max(length, Math.min(maxSlice, r.vectors().size()));
        }
        int levels = vocabulary.levels();
        TowerInput in = new TowerInput(rows.size(), length, dimension, levels);
        for (int b = 0; b < rows.size(); b++) {
            Row r = rows.get(b);
            CirclePath c = r.circle();
            if (c.depth() > levels) {
                throw new IllegalArgumentException("circle [" + c + "] is deeper than the user tower's " + levels + " levels");
            }
            for (int l = 0; l < c.depth(); l++) {
                in.circles[b * levels + l] = vocabulary.token(l, c.index(l));
            }
            int n = r.vectors().size();
            int first = Math.max(0, n - maxSlice);
            int kept = n - first;
            for (int i = 0; i < kept; i++) {
                float[] v = r.vectors().get(first + i);
                if (v == null) {
                    throw new IllegalArgumentException("item " + (first + i) + " of the slice of circle [" + c + "] has no vector");
                }
                if (v.length != dimension) {
                    throw new IllegalArgumentException("item " + (first + i) + " of the slice of circle [" + c + "] has a vector of dimension "
                        + v.length + " but the user tower expects vector_dimension " + dimension);
                }
                int row = b * length + i;
                System.arraycopy(v, 0, in.vectors, row * dimension, dimension);
                in.positions[row] = kept - 1 - i;
                in.mask[row] = 1f;
            }
        }
        return in;
    }
}
