package io.rimirec.core.generate;

import io.rimirec.core.tree.CirclePath;

/**
 * One generated interest: a circle of the tree with its probability.
 *
 * @param circle      the circle (depth >= 1); a short path is a broad interest, a deep one a narrow interest
 * @param node        the circle's node index in the tree
 * @param probability the model's path probability renormalised over the returned beams (they sum to 1)
 * @param logProb     the model's log-probability of the path including its end token (trie-normalised)
 * @param score       the ranking score under the {@link LengthPolicy}
 * @param nestedIn    the deepest other returned circle that contains this one ({@code 2} for {@code 2/4}),
 *                    or null; nested results are allowed and reported, not removed
 */
public record Interest(CirclePath circle, int node, double probability, double logProb, double score, CirclePath nestedIn) {

    @Override
    public String toString() {
        return circle + String.format(java.util.Locale.ROOT, " p=%.4f", probability) + (nestedIn == null ? "" : " (inside " + nestedIn + ")");
    }
}
