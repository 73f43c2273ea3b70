package io.rimirec.core.recall;

import io.rimirec.core.split.BehaviourSplit;
import io.rimirec.core.vector.Vectors;

import java.util.List;

/** Turns each circle's slice of the history into one user vector (HimiRec stage 2, step 4). */
public interface UserVectors {

    /**
     * @param history the whole history, oldest first
     * @param slices  one per circle: the positions of the history items inside it (possibly none)
     * @return one vector per slice, in the slices' order
     */
    float[][] embed(List<HistoryItem> history, List<BehaviourSplit.Slice> slices);

    /** A short name for explanations and profiles. */
    String name();

    /**
     * The normalised mean of the item vectors inside the circle; a circle holding none of the history (a generator
     * may predict a circle the user never touched) gets the mean of the whole history. Needs no training: it is the
     * serving default until a bundle carries a trained user tower, and the "mean" baseline of the evaluation.
     */
    UserVectors MEAN_OF_SLICE = new UserVectors() {
        @Override
        public float[][] embed(List<HistoryItem> history, List<BehaviourSplit.Slice> slices) {
            float[] all = mean(history, null);
            float[][] out = new float[slices.size()][];
            for (int s = 0; s < slices.size(); s++) {
                List<Integer> positions = slices.get(s).positions();
                out[s] = positions.isEmpty() ? all.clone() : mean(history, positions);
            }
            return out;
        }

        @Override
        public String name() {
            return "mean_of_slice";
        }

        private static float[] mean(List<HistoryItem> history, List<Integer> positions) {
            List<float[]> vectors = positions == null
                ? history.stream().map(HistoryItem::vector).toList()
                : positions.stream().map(p -> history.get(p).vector()).toList();
            return Vectors.normalizedMean(vectors);
        }
    };
}
