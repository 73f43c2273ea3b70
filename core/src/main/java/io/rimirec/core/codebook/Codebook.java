package io.rimirec.core.codebook;

import io.rimirec.core.vector.Metric;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A trained residual codebook (HyMiRec §3.2): L layers of centroids. Encoding walks the layers: at each one the
 * residual goes to the centroid with the highest {@code similarity + bias} (the balanced k-means rule that trained
 * the layer, ties to the lowest index, so a training item encodes to the codes training gave it), then that centroid
 * is removed from the residual as {@link Residual} says. Decoding sums the chosen centroids, weighted by the stored
 * projection magnitudes for cosine residuals: {@code ê = Σ_l m_l c_l} (cosine) or {@code ê = Σ_l c_l} (Euclidean).
 *
 * <p>Immutable; arrays are not copied out, do not modify them. The content hash (what bundles and packed codes
 * record) covers everything that changes codes or decoding, not the provenance {@link #info()}.
 */
public final class Codebook {

    private final Residual residual;
    private final int dimension;
    private final float balanceRatio;
    private final long seed;
    private final float magnitudeScale;
    private final float[][] centroids; // per layer, k × dimension row-major
    private final float[][] bias;      // per layer, k
    private final long[][] sizes;      // per layer, training items per code
    private final Map<String, String> info;
    private final String contentHash;

    Codebook(Residual residual, int dimension, float balanceRatio, long seed, float magnitudeScale, float[][] centroids,
             float[][] bias, long[][] sizes, Map<String, String> info) {
        this.residual = Objects.requireNonNull(residual, "residual");
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        if (centroids.length < 1 || centroids.length > CodebookOptions.MAX_LAYERS) {
            throw new IllegalArgumentException("a codebook has 1 to " + CodebookOptions.MAX_LAYERS + " layers, got " + centroids.length);
        }
        if (!(magnitudeScale > 0) || !Float.isFinite(magnitudeScale)) {
            throw new IllegalArgumentException("magnitude scale must be a finite number > 0, got " + magnitudeScale);
        }
        for (int l = 0; l < centroids.length; l++) {
            int k = bias[l].length;
            if (k < 1 || k > CodebookOptions.MAX_K || centroids[l].length != k * dimension || sizes[l].length != k) {
                throw new IllegalArgumentException("layer " + l + " has " + k + " codes but " + centroids[l].length + " centroid values and "
                    + sizes[l].length + " sizes (dimension " + dimension + ")");
            }
            for (float x : centroids[l]) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("layer " + l + " has a centroid value " + x + ": expected finite numbers");
                }
            }
            for (float b : bias[l]) {
                if (!Float.isFinite(b)) {
                    throw new IllegalArgumentException("layer " + l + " has a bias " + b + ": expected finite numbers");
                }
            }
        }
        this.dimension = dimension;
        this.balanceRatio = balanceRatio;
        this.seed = seed;
        this.magnitudeScale = magnitudeScale;
        this.centroids = centroids;
        this.bias = bias;
        this.sizes = sizes;
        this.info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
        this.contentHash = CodebookFormat.contentHash(this);
    }

    public Residual residual() {
        return residual;
    }

    public int dimension() {
        return dimension;
    }

    public int layers() {
        return centroids.length;
    }

    /** Codes in layer {@code layer}. */
    public int k(int layer) {
        return bias[layer].length;
    }

    /** The largest code count of any layer (decides whether a code takes one byte or two when packed). */
    public int maxK() {
        int m = 0;
        for (float[] b : bias) {
            m = Math.max(m, b.length);
        }
        return m;
    }

    public float balanceRatio() {
        return balanceRatio;
    }

    public long seed() {
        return seed;
    }

    /** Packed magnitudes are stored as half floats of {@code magnitude / magnitudeScale} (the largest training magnitude). */
    public float magnitudeScale() {
        return magnitudeScale;
    }

    /** Centroid {@code code} of layer {@code layer} (a copy). */
    public float[] centroid(int layer, int code) {
        return Arrays.copyOfRange(centroids[layer], code * dimension, (code + 1) * dimension);
    }

    public float bias(int layer, int code) {
        return bias[layer][code];
    }

    /** Training items that got {@code code} at layer {@code layer}. */
    public long size(int layer, int code) {
        return sizes[layer][code];
    }

    public Map<String, String> info() {
        return info;
    }

    /** SHA-256 (hex) of the fields that decide codes and decoding. */
    public String contentHash() {
        return contentHash;
    }

    float[] rawCentroids(int layer) {
        return centroids[layer];
    }

    float[] rawBias(int layer) {
        return bias[layer];
    }

    long[] rawSizes(int layer) {
        return sizes[layer];
    }

    /** Encodes one vector of this codebook's dimension (finite values). */
    public ItemCode encode(float[] vector) {
        Objects.requireNonNull(vector, "vector");
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector has " + vector.length + " values but the codebook expects " + dimension);
        }
        for (int x = 0; x < vector.length; x++) {
            if (!Float.isFinite(vector[x])) {
                throw new IllegalArgumentException("vector value at position " + x + " is " + vector[x] + ": expected a finite number");
            }
        }
        int layers = layers();
        int[] codes = new int[layers];
        float[] magnitudes = residual.hasMagnitudes() ? new float[layers] : new float[0];
        float[] r = vector.clone();
        for (int l = 0; l < layers; l++) {
            codes[l] = assign(l, r);
            float m = removeCentroid(l, codes[l], r);
            if (residual.hasMagnitudes()) {
                magnitudes[l] = m;
            }
        }
        return new ItemCode(codes, magnitudes);
    }

    /** The vector rebuilt from all layers. */
    public float[] decode(ItemCode code) {
        return decode(code, layers());
    }

    /** The vector rebuilt from the first {@code depth} layers (1..layers). */
    public float[] decode(ItemCode code, int depth) {
        if (depth < 1 || depth > layers()) {
            throw new IllegalArgumentException("depth must be between 1 and " + layers() + ", got " + depth);
        }
        check(code);
        float[] out = new float[dimension];
        for (int l = 0; l < depth; l++) {
            float w = residual.hasMagnitudes() ? code.magnitudes()[l] : 1f;
            float[] c = centroids[l];
            int off = code.codes()[l] * dimension;
            for (int x = 0; x < dimension; x++) {
                out[x] += w * c[off + x];
            }
        }
        return out;
    }

    private void check(ItemCode code) {
        if (code.codes().length != layers()) {
            throw new IllegalArgumentException("item code has " + code.codes().length + " layers but the codebook has " + layers());
        }
        if (code.magnitudes().length != (residual.hasMagnitudes() ? layers() : 0)) {
            throw new IllegalArgumentException("item code has " + code.magnitudes().length + " magnitudes but a " + residual.id()
                + " codebook of " + layers() + " layers needs " + (residual.hasMagnitudes() ? layers() : 0));
        }
        for (int l = 0; l < layers(); l++) {
            int c = code.codes()[l];
            if (c < 0 || c >= k(l)) {
                throw new IllegalArgumentException("code " + c + " at layer " + l + " is out of range: the layer has " + k(l) + " codes");
            }
        }
    }

    /** The code of residual {@code r} at {@code layer}: highest similarity + bias, ties to the lowest index. */
    int assign(int layer, float[] r) {
        Metric metric = residual.metric();
        float[] c = centroids[layer];
        float[] b = bias[layer];
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < b.length; j++) {
            float s = metric.similarity(r, c, j * dimension) + b[j];
            if (s > bestScore) {
                bestScore = s;
                best = j;
            }
        }
        return best;
    }

    /**
     * Removes centroid {@code code} of {@code layer} from {@code r} in place and returns the weight it was removed
     * with: the projection magnitude {@code r·c / |c|²} for cosine (leaving {@code r} orthogonal to {@code c}), 1 for
     * Euclidean. The trainer uses this very method, so training and encoding compute the same residuals.
     */
    float removeCentroid(int layer, int code, float[] r) {
        float[] c = centroids[layer];
        int off = code * dimension;
        if (residual == Residual.EUCLIDEAN) {
            for (int x = 0; x < dimension; x++) {
                r[x] -= c[off + x];
            }
            return 1f;
        }
        double dot = 0, cc = 0;
        for (int x = 0; x < dimension; x++) {
            dot += (double) r[x] * c[off + x];
            cc += (double) c[off + x] * c[off + x];
        }
        if (cc == 0) {
            return 0f;
        }
        double m = dot / cc;
        for (int x = 0; x < dimension; x++) {
            r[x] = (float) (r[x] - m * c[off + x]);
        }
        return (float) m;
    }

    @Override
    public String toString() {
        StringBuilder ks = new StringBuilder();
        for (int l = 0; l < layers(); l++) {
            ks.append(l == 0 ? "" : "x").append(k(l));
        }
        return "Codebook{" + residual.id() + ", dim=" + dimension + ", layers=" + layers() + " (" + ks + "), hash="
            + contentHash.substring(0, 12) + "}";
    }
}
