package io.rimirec.core.codebook;

import io.rimirec.core.vector.Vectors;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How well a codebook keeps item vectors, measured on what is stored (packed codes, half-float magnitudes):
 * per depth (first l layers), the mean cosine between each vector and its reconstruction, and the mean relative
 * squared error {@code |e - ê|² / |e|²}; and, at full depth, neighbour recall: for sampled items, the share of the
 * top-k catalogue neighbours (by cosine, the item itself excluded) of the original vector that the reconstructed
 * vector also finds, searching the original catalogue (what the query does with a history decoded from codes).
 *
 * @param meanCosine        by depth 1..L
 * @param relativeError     by depth 1..L
 * @param neighbourRecall   at full depth; NaN when not measured
 * @param recallK           the k of the neighbour recall
 * @param recallQueries     items sampled for the neighbour recall
 */
public record CodebookQuality(double[] meanCosine, double[] relativeError, double neighbourRecall, int recallK, int recallQueries) {

    /** Reconstruction by depth over all {@code vectors}; neighbour recall over {@code queries} sampled items (0 = skip). */
    public static CodebookQuality measure(Codebook codebook, float[][] vectors, int k, int queries, long seed) {
        int layers = codebook.layers();
        double[] cos = new double[layers];
        double[] err = new double[layers];
        float[][] full = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            ItemCode code = PackedCodes.unpack(codebook, PackedCodes.pack(codebook, codebook.encode(vectors[i])));
            double norm = Vectors.squaredNorm(vectors[i]);
            for (int l = 0; l < layers; l++) {
                float[] rec = codebook.decode(code, l + 1);
                cos[l] += Vectors.cosine(vectors[i], rec);
                err[l] += norm == 0 ? 0 : Vectors.squaredDistance(vectors[i], rec) / norm;
                if (l == layers - 1) {
                    full[i] = rec;
                }
            }
        }
        for (int l = 0; l < layers; l++) {
            cos[l] /= vectors.length;
            err[l] /= vectors.length;
        }
        int q = Math.min(queries, vectors.length);
        double recall = q > 0 && k > 0 ? neighbourRecall(vectors, full, k, q, seed) : Double.NaN;
        return new CodebookQuality(cos, err, recall, k, q);
    }

    /** Mean share of the original's top-k neighbours that the reconstruction also finds, over {@code q} sampled items. */
    public static double neighbourRecall(float[][] originals, float[][] reconstructed, int k, int q, long seed) {
        int n = originals.length;
        float[][] unit = new float[n][];
        for (int i = 0; i < n; i++) {
            unit[i] = Vectors.normalized(originals[i]);
        }
        int kk = Math.min(k, n - 1);
        if (kk < 1) {
            return Double.NaN;
        }
        int[] sample = sample(n, q, seed);
        double total = 0;
        for (int i : sample) {
            int[] truth = topK(unit, originals[i], i, kk);
            int[] found = topK(unit, reconstructed[i], i, kk);
            Arrays.sort(truth);
            int hits = 0;
            for (int f : found) {
                if (Arrays.binarySearch(truth, f) >= 0) {
                    hits++;
                }
            }
            total += (double) hits / kk;
        }
        return total / sample.length;
    }

    private static int[] sample(int n, int q, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < q; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return Arrays.copyOf(perm, q);
    }

    /** Indexes of the k unit rows with the highest dot product with {@code query} (ranking = cosine), skipping {@code self}. */
    private static int[] topK(float[][] unit, float[] query, int self, int k) {
        int[] best = new int[k];
        float[] bestScore = new float[k];
        Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        for (int j = 0; j < unit.length; j++) {
            if (j == self) {
                continue;
            }
            float s = Vectors.dot(query, unit[j]);
            if (s > bestScore[k - 1] || best[k - 1] < 0) {
                int p = k - 1;
                while (p > 0 && (s > bestScore[p - 1] || best[p - 1] < 0)) {
                    bestScore[p] = bestScore[p - 1];
                    best[p] = best[p - 1];
                    p--;
                }
                bestScore[p] = s;
                best[p] = j;
            }
        }
        return best;
    }

    public int layers() {
        return meanCosine.length;
    }
}
