package io.rimirec.core.generate;

import io.rimirec.core.tree.CirclePath;

import java.util.List;

/**
 * The encoder's input tensors for a batch of histories, as flat row-major arrays (what both the trainer and
 * ONNX Runtime consume, so training and serving build features with this one class).
 *
 * <p>Per history position: the item vector ({@code item_vectors [b, l, dim]}), the circle tokens of the item's
 * leaf path padded with PAD ({@code item_circles [b, l, levels]}), the distance from the most recent selected item
 * ({@code item_positions [b, l]}, 0 = most recent) and 1/0 validity ({@code item_mask [b, l]}). Histories are
 * right-padded to the longest one in the batch.
 */
public final class EncoderInput {

    public final int batch;
    public final int length;
    public final int dimension;
    public final int levels;
    public final float[] vectors;
    public final long[] circles;
    public final long[] positions;
    public final float[] mask;

    private EncoderInput(int batch, int length, int dimension, int levels) {
        this.batch = batch;
        this.length = length;
        this.dimension = dimension;
        this.levels = levels;
        this.vectors = new float[batch * length * dimension];
        this.circles = new long[batch * length * levels];
        this.positions = new long[batch * length];
        this.mask = new float[batch * length];
    }

    /** One user's history (already windowed and in chronological order). */
    public record History(List<float[]> vectors, List<CirclePath> leaves) {
        public History {
            if (vectors.size() != leaves.size()) {
                throw new IllegalArgumentException("history has " + vectors.size() + " vectors but " + leaves.size() + " circle paths");
            }
        }
    }

    public static EncoderInput of(List<History> histories, CircleVocabulary vocabulary, int dimension) {
        int length = 0;
        for (History h : histories) {
            length = Math.max(length, h.vectors.size());
        }
        if (length == 0) {
            throw new IllegalArgumentException("history is empty: the generator needs at least one item with a vector");
        }
        int levels = vocabulary.levels();
        EncoderInput in = new EncoderInput(histories.size(), length, dimension, levels);
        for (int b = 0; b < histories.size(); b++) {
            History h = histories.get(b);
            int n = h.vectors.size();
            if (n == 0) {
                throw new IllegalArgumentException("history " + b + " of the batch is empty: the generator needs at least one item with a vector");
            }
            for (int i = 0; i < n; i++) {
                float[] v = h.vectors.get(i);
                if (v == null) {
                    throw new IllegalArgumentException("history item " + i + " has no vector");
                }
                if (v.length != dimension) {
                    throw new IllegalArgumentException("history item " + i + " has a vector of dimension " + v.length + " but the generator expects " + dimension);
                }
                int row = b * length + i;
                for (int d = 0; d < dimension; d++) {
                    if (!Float.isFinite(v[d])) {
                        throw new IllegalArgumentException("history item " + i + " has a non-finite vector value at position " + d);
                    }
                }
                System.arraycopy(v, 0, in.vectors, row * dimension, dimension);
                CirclePath leaf = h.leaves.get(i);
                if (leaf.depth() > levels) {
                    throw new IllegalArgumentException("history item " + i + " is in circle [" + leaf + "], deeper than the generator's " + levels + " levels");
                }
                for (int l = 0; l < leaf.depth(); l++) {
                    in.circles[row * levels + l] = vocabulary.token(l, leaf.index(l));
                }
                in.positions[row] = n - 1 - i;
                in.mask[row] = 1f;
            }
        }
        return in;
    }
}
