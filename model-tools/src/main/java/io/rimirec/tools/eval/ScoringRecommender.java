package io.rimirec.tools.eval;

import io.rimirec.tools.util.TopK;

import java.util.List;

/**
 * A recommender that scores the whole catalogue for each query (popularity, item-item models, single- and
 * multi-vector embedding models); the top-m selection with exclusions is done here, once, by {@link TopK}.
 */
public abstract class ScoringRecommender implements Recommender {

    /**
     * Fills {@code scores[q][item]} (higher = better) for each query of the batch; {@code scores[q]} has one
     * slot per catalogue item and arrives zeroed.
     */
    protected abstract void score(List<Query> batch, float[][] scores);

    /** The catalogue size, known after {@link #fit}. */
    protected abstract int numItems();

    @Override
    public int[][] recommend(List<Query> batch, int m) {
        float[][] scores = new float[batch.size()][numItems()];
        score(batch, scores);
        int[][] out = new int[batch.size()][];
        for (int q = 0; q < batch.size(); q++) {
            out[q] = TopK.select(scores[q], m, batch.get(q).exclude());
        }
        return out;
    }
}
