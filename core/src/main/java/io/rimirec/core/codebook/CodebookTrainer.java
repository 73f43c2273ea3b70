package io.rimirec.core.codebook;

import io.rimirec.core.cluster.KMeans;
import io.rimirec.core.cluster.KMeansResult;
import io.rimirec.core.util.ProgressListener;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a residual {@link Codebook}: layer after layer, balanced k-means ({@link KMeans}) over the current residuals
 * of all items under the residual's metric, then every item's residual loses its chosen centroid
 * ({@link Codebook#removeCentroid}) and the next layer trains on what is left.
 */
public final class CodebookTrainer {

    private final CodebookOptions options;
    private final Map<String, String> extraInfo = new LinkedHashMap<>();

    public CodebookTrainer(CodebookOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Adds a provenance entry (source, creation time, ...); not part of the content hash. */
    public CodebookTrainer info(String key, String value) {
        extraInfo.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * The codebook plus the codes training gave every input vector ({@code codes[i]} for {@code vectors[i]});
     * {@code codebook.encode(vectors[i])} gives the same codes.
     */
    public record Trained(Codebook codebook, ItemCode[] codes) {}

    public Trained train(float[][] vectors, ProgressListener listener) {
        ProgressListener progress = ProgressListener.orNone(listener);
        if (vectors.length == 0) {
            throw new IllegalArgumentException("a codebook needs at least one item vector, got none");
        }
        int n = vectors.length;
        int d = vectors[0].length;
        float[][] residuals = new float[n][];
        for (int i = 0; i < n; i++) {
            if (vectors[i] == null || vectors[i].length != d) {
                throw new IllegalArgumentException("vector " + i + " has dimension " + (vectors[i] == null ? "null" : vectors[i].length)
                    + " but vector 0 has dimension " + d);
            }
            residuals[i] = vectors[i].clone();
        }
        int layers = options.layers();
        float[][] centroids = new float[layers][];
        float[][] bias = new float[layers][];
        long[][] sizes = new long[layers][];
        int[][] codes = new int[n][layers];
        float[][] magnitudes = new float[n][options.residual().hasMagnitudes() ? layers : 0];
        progress.start("codebook layers", layers);
        try {
            for (int l = 0; l < layers; l++) {
                KMeansResult r = KMeans.fit(residuals, options.kmeans(l)); // checks dimensions and finiteness
                int k = r.k();
                centroids[l] = new float[k * d];
                for (int j = 0; j < k; j++) {
                    System.arraycopy(r.centroids()[j], 0, centroids[l], j * d, d);
                }
                bias[l] = r.bias().clone();
                sizes[l] = new long[k];
                for (int j = 0; j < k; j++) {
                    sizes[l][j] = r.sizes()[j];
                }
                // A partial codebook of the layers so far gives the one residual update shared with encode().
                Codebook partial = build(l + 1, d, centroids, bias, sizes, 1f);
                for (int i = 0; i < n; i++) {
                    int code = r.assignment()[i];
                    codes[i][l] = code;
                    float m = partial.removeCentroid(l, code, residuals[i]);
                    if (options.residual().hasMagnitudes()) {
                        magnitudes[i][l] = m;
                    }
                }
                progress.advance(1);
            }
        } finally {
            progress.finish();
        }
        float scale = 0f;
        for (float[] ms : magnitudes) {
            for (float m : ms) {
                scale = Math.max(scale, Math.abs(m));
            }
        }
        Codebook codebook = build(layers, d, centroids, bias, sizes, scale > 0 ? scale : 1f);
        ItemCode[] out = new ItemCode[n];
        for (int i = 0; i < n; i++) {
            out[i] = new ItemCode(codes[i], magnitudes[i]);
        }
        return new Trained(codebook, out);
    }

    private Codebook build(int layers, int d, float[][] centroids, float[][] bias, long[][] sizes, float scale) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("algorithm", "residual balanced k-means (" + options.residual().id() + ")");
        info.put("k", Integer.toString(options.k()));
        info.put("max_iterations", Integer.toString(options.maxIterations()));
        info.put("sample_per_cluster", Integer.toString(options.samplePerCluster()));
        info.putAll(extraInfo);
        return new Codebook(options.residual(), d, options.balanceRatio(), options.seed(), scale,
            java.util.Arrays.copyOf(centroids, layers), java.util.Arrays.copyOf(bias, layers), java.util.Arrays.copyOf(sizes, layers), info);
    }
}
