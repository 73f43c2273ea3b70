package io.rimirec.tools.train.tower;

import io.rimirec.core.generate.CircleVocabulary;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shape of the user tower network and of its inputs.
 *
 * @param vectorDimension item vector dimension in and user vector dimension out (the circle tree's, the k-NN field's)
 * @param levels          circle token levels (the tree depth)
 * @param fanOut          circle tokens per level (the tree's widest node)
 * @param maxSlice        positions read: longer slices keep their newest items
 * @param width           model width
 * @param heads           attention heads (width must be a multiple)
 * @param layers          self-attention blocks
 * @param ffn             feed-forward inner width
 * @param dropout         dropout on embeddings and residual branches while training
 */
public record UserTowerConfig(int vectorDimension, int levels, int fanOut, int maxSlice, int width, int heads, int layers, int ffn, float dropout) {

    public UserTowerConfig {
        for (int v : new int[] {vectorDimension, levels, fanOut, maxSlice, width, heads, layers, ffn}) {
            if (v < 1) {
                throw new IllegalArgumentException("user tower sizes must be >= 1, got " + this.toString());
            }
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("user tower width " + width + " must be a multiple of heads " + heads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("user tower dropout must be in [0, 1), got " + dropout);
        }
    }

    /** The same network for another tree (levels, fan-out): how a tower pretrained at the root moves to a tree. */
    public UserTowerConfig forTree(int newLevels, int newFanOut) {
        return new UserTowerConfig(vectorDimension, newLevels, newFanOut, maxSlice, width, heads, layers, ffn, dropout);
    }

    public int headDim() {
        return width / heads;
    }

    public CircleVocabulary vocabulary() {
        return new CircleVocabulary(levels, fanOut);
    }

    public int vocabularySize() {
        return vocabulary().size();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vector_dimension", vectorDimension);
        m.put("max_slice", maxSlice);
        m.put("width", width);
        m.put("heads", heads);
        m.put("layers", layers);
        m.put("ffn", ffn);
        m.put("dropout", dropout);
        m.put("layer_norm", "pre-LN blocks, epsilon 1e-5");
        m.put("activation", "relu");
        m.put("architecture", "CLS = cls + sum of circle-token embeddings; items = LN(W_in v + b) + position(distance from newest); "
            + "self-attention blocks over [CLS, items]; user = W_out LN(CLS) + b + recency pool, "
            + "recency pool = sum_i v_i exp(r[pos_i]) / (1 + sum_j exp(r[pos_j])) over the slice");
        return m;
    }
}
