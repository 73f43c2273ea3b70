package io.rimirec.core.codebook;

/**
 * One item's codes: the centroid chosen at every layer and, for cosine residuals, the projection magnitude on it
 * ({@code magnitudes} is empty for Euclidean residuals). {@code codes.length} is the codebook's layer count.
 */
public record ItemCode(int[] codes, float[] magnitudes) {

    public int layers() {
        return codes.length;
    }
}
