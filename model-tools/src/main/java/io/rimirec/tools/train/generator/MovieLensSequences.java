package io.rimirec.tools.train.generator;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * ML-1M for the generator: {@code sequences.txt} (one user per line, {@code user item item ...}, oldest first), a
 * seeded random 80/20 user split, and item vectors derived from the training users' interactions only
 * (no test user's sequence is read when building vectors or the tree):
 *
 * <ol>
 *   <li>co-occurrence counts of items within {@value #WINDOW} positions of each other in training sequences;</li>
 *   <li>positive PMI, {@code max(0, log(c_ij * N / (c_i * c_j)))};</li>
 *   <li>a rank-{@code dim} eigendecomposition by subspace iteration; vector = U * sqrt(lambda), L2-normalised.</li>
 * </ol>
 * Items never seen by a training user get no vector and are dropped from every sequence (counted in the report).
 * The tree is core's {@link HierarchicalKMeans} (cosine, plain k-means, one thread) with k and c as given
 * (paper: k = 4, c = 250).
 */
public final class MovieLensSequences {

    static final int WINDOW = 5;

    public final SequenceData data;
    public final int[] trainUsers;
    public final int[] testUsers;
    public final int droppedItems;
    public final long droppedInteractions;

    private MovieLensSequences(SequenceData data, int[] trainUsers, int[] testUsers, int droppedItems, long droppedInteractions) {
        this.data = data;
        this.trainUsers = trainUsers;
        this.testUsers = testUsers;
        this.droppedItems = droppedItems;
        this.droppedInteractions = droppedInteractions;
    }

    public static MovieLensSequences load(Path sequencesFile, double testShare, int dim, int k, int c, long seed) throws IOException {
        if (!Files.isRegularFile(sequencesFile)) {
            throw new IOException("ML-1M sequences file [" + sequencesFile + "] does not exist (expected ../shared/data/ml-1m/sequences.txt)");
        }
        List<String> users = new ArrayList<>();
        List<int[]> raw = new ArrayList<>();
        Map<String, Integer> itemIndex = new HashMap<>();
        List<String> itemIds = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(sequencesFile, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String[] f = line.trim().split(" ");
                if (f.length < 2) {
                    throw new IOException(sequencesFile + " line " + lineNo + ": expected a user id followed by item ids");
                }
                int[] s = new int[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    Integer idx = itemIndex.get(f[i]);
                    if (idx == null) {
                        idx = itemIds.size();
                        itemIndex.put(f[i], idx);
                        itemIds.add(f[i]);
                    }
                    s[i - 1] = idx;
                }
                users.add(f[0]);
                raw.add(s);
            }
        }
        SequenceData.UserSplit split = SequenceData.splitUsers(users.size(), testShare, seed);
        int[] test = split.test();
        int[] train = split.train();

        int n = itemIds.size();
        float[][] vectors = ppmiEmbedding(raw, train, n, dim, seed);
        // Re-index the items that have a vector.
        int[] remap = new int[n];
        List<float[]> kept = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            if (vectors[i] == null) {
                remap[i] = -1;
                dropped++;
            } else {
                remap[i] = kept.size();
                kept.add(vectors[i]);
            }
        }
        long droppedInteractions = 0;
        List<int[]> seqs = new ArrayList<>(raw.size());
        for (int[] s : raw) {
            int[] out = new int[s.length];
            int m = 0;
            for (int item : s) {
                if (remap[item] >= 0) {
                    out[m++] = remap[item];
                } else {
                    droppedInteractions++;
                }
            }
            seqs.add(java.util.Arrays.copyOf(out, m));
        }
        float[][] vecs = kept.toArray(new float[0][]);
        CircleTree tree = new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withBranching(k).withLeafCapacity(c).withSeed(seed).withThreads(1))
            .info("source", "ml-1m sequences.txt, PPMI-SVD vectors of the training users")
            .build(vecs);
        SequenceData data = SequenceData.of("ml-1m(sequences.txt, ppmi-svd dim=" + dim + ", k=" + k + ", c=" + c + ", seed=" + seed + ")", users, seqs, vecs, tree);
        return new MovieLensSequences(data, train, test, dropped, droppedInteractions);
    }

    /**
     * PPMI-SVD item vectors from the given users' sequences (see the class comment); null for an item with no
     * co-occurrence. The PPMI matrix is held sparse (compressed rows, columns ascending): its products add the same
     * non-zero terms in the same order as a dense matrix would, so the vectors are the same bit for bit, in memory and
     * time that grow with the co-occurring pairs instead of items².
     */
    public static float[][] ppmiEmbedding(List<int[]> seqs, int[] users, int n, int dim, long seed) {
        // Co-occurring pairs as (smaller << 32 | larger) keys; the diagonal (an item next to itself) counts twice.
        long pairs = 0;
        for (int u : users) {
            int[] s = seqs.get(u);
            for (int i = 0; i < s.length; i++) {
                pairs += Math.min(s.length, i + 1 + WINDOW) - (i + 1);
            }
        }
        if (pairs > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many co-occurring pairs for PPMI vectors (" + pairs + "): use fewer users");
        }
        long[] keys = new long[(int) pairs];
        double[] marg = new double[n];
        double total = 0;
        int k = 0;
        for (int u : users) {
            int[] s = seqs.get(u);
            for (int i = 0; i < s.length; i++) {
                for (int j = i + 1; j < Math.min(s.length, i + 1 + WINDOW); j++) {
                    int a = Math.min(s[i], s[j]);
                    int b = Math.max(s[i], s[j]);
                    keys[k++] = ((long) a << 32) | b;
                    marg[s[i]] += 1;
                    marg[s[j]] += 1;
                    total += 2;
                }
            }
        }
        Arrays.sort(keys);
        // Distinct pairs with their counts, then both directions by row.
        int distinct = 0;
        float[] counts = new float[keys.length];
        for (int i = 0; i < keys.length; ) {
            int j = i;
            while (j < keys.length && keys[j] == keys[i]) {
                j++;
            }
            keys[distinct] = keys[i];
            int a = (int) (keys[i] >>> 32);
            int b = (int) keys[i];
            counts[distinct++] = (a == b ? 2 : 1) * (j - i);
            i = j;
        }
        int[] rowStart = new int[n + 1];
        for (int p = 0; p < distinct; p++) {
            int a = (int) (keys[p] >>> 32);
            int b = (int) keys[p];
            rowStart[a + 1]++;
            if (a != b) {
                rowStart[b + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            rowStart[i + 1] += rowStart[i];
        }
        int[] cols = new int[rowStart[n]];
        float[] values = new float[rowStart[n]];
        int[] fill = Arrays.copyOf(rowStart, n);
        // Keys ascend by (a, b): row a gets b in ascending order; row b gets a in ascending order too, because for a fixed
        // b the smaller partners a appear in ascending a. Rows are then merged in order below.
        for (int p = 0; p < distinct; p++) {
            int a = (int) (keys[p] >>> 32);
            int b = (int) keys[p];
            float c = counts[p];
            float v = (float) Math.max(0, Math.log(c * total / (marg[a] * marg[b])));
            cols[fill[a]] = b;
            values[fill[a]++] = v;
            if (a != b) {
                cols[fill[b]] = a;
                values[fill[b]++] = v;
            }
        }
        keys = null;
        counts = null;
        sortRows(rowStart, cols, values);
        SparseRows co = new SparseRows(n, rowStart, cols, values);
        return spectral(q -> multiply(co, q), marg, n, dim, seed);
    }

    /** A symmetric n × n matrix applied to r vectors of length n ({@code q[a][i]}). */
    interface Product {
        double[][] times(double[][] q);
    }

    /**
     * The rank-{@code dim} eigendecomposition of a symmetric matrix by subspace iteration: vector = U · sqrt(|lambda|),
     * L2-normalised; null for an item with no co-occurrence ({@code marg} = 0).
     */
    static float[][] spectral(Product m, double[] marg, int n, int dim, long seed) {
        int r = dim + 8;
        Random rnd = new Random(seed);
        double[][] q = new double[r][n];
        for (double[] row : q) {
            for (int i = 0; i < n; i++) {
                row[i] = rnd.nextGaussian();
            }
        }
        orthonormalize(q);
        for (int it = 0; it < 8; it++) {
            q = m.times(q);
            orthonormalize(q);
        }
        double[][] mq = m.times(q);
        double[][] small = new double[r][r];
        for (int a = 0; a < r; a++) {
            for (int b = 0; b < r; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += q[a][i] * mq[b][i];
                }
                small[a][b] = s;
            }
        }
        double[][] vecs = new double[r][r];
        double[] vals = jacobi(small, vecs);
        Integer[] idx = new Integer[r];
        for (int i = 0; i < r; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(Math.abs(vals[b]), Math.abs(vals[a])));
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            if (marg[i] == 0) {
                continue;
            }
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                int e = idx[d];
                double s = 0;
                for (int a = 0; a < r; a++) {
                    s += q[a][i] * vecs[a][e];
                }
                v[d] = (float) (s * Math.sqrt(Math.abs(vals[e])));
            }
            out[i] = io.rimirec.core.vector.Vectors.normalized(v);
        }
        return out;
    }

    /** A symmetric matrix in compressed rows, columns ascending within a row. */
    private record SparseRows(int n, int[] rowStart, int[] cols, float[] vals) {}

    /** Sorts each row's entries by column (insertion sort: rows are short and mostly sorted). */
    private static void sortRows(int[] rowStart, int[] cols, float[] vals) {
        for (int r = 0; r + 1 < rowStart.length; r++) {
            for (int i = rowStart[r] + 1; i < rowStart[r + 1]; i++) {
                int c = cols[i];
                float v = vals[i];
                int j = i - 1;
                while (j >= rowStart[r] && cols[j] > c) {
                    cols[j + 1] = cols[j];
                    vals[j + 1] = vals[j];
                    j--;
                }
                cols[j + 1] = c;
                vals[j + 1] = v;
            }
        }
    }

    /**
     * {@code m · q} for {@code q}'s r vectors. The vectors are read item by item ({@code q} transposed, so one row's
     * entries read r contiguous values each) and rows run in parallel; each output value still adds its row's terms in
     * ascending column order, so the result does not depend on the threads.
     */
    private static double[][] multiply(SparseRows m, double[][] q) {
        int n = m.n();
        int r = q.length;
        double[][] qT = new double[n][r];
        for (int a = 0; a < r; a++) {
            for (int i = 0; i < n; i++) {
                qT[i][a] = q[a][i];
            }
        }
        double[][] out = new double[r][n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] s = new double[r];
            for (int p = m.rowStart()[i]; p < m.rowStart()[i + 1]; p++) {
                float v = m.vals()[p];
                double[] qc = qT[m.cols()[p]];
                for (int a = 0; a < r; a++) {
                    s[a] += v * qc[a];
                }
            }
            for (int a = 0; a < r; a++) {
                out[a][i] = s[a];
            }
        });
        return out;
    }

    private static void orthonormalize(double[][] q) {
        for (int a = 0; a < q.length; a++) {
            for (int b = 0; b < a; b++) {
                double d = 0;
                for (int i = 0; i < q[a].length; i++) {
                    d += q[a][i] * q[b][i];
                }
                for (int i = 0; i < q[a].length; i++) {
                    q[a][i] -= d * q[b][i];
                }
            }
            double norm = 0;
            for (double v : q[a]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < q[a].length; i++) {
                q[a][i] /= norm;
            }
        }
    }

    /** Eigen-decomposition of a small symmetric matrix (cyclic Jacobi); columns of {@code vectors} are eigenvectors. */
    private static double[] jacobi(double[][] a, double[][] vectors) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
            vectors[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += m[p][q] * m[p][q];
                }
            }
            if (off < 1e-18) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(m[p][q]) < 1e-15) {
                        continue;
                    }
                    double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double mkp = m[k][p], mkq = m[k][q];
                        m[k][p] = c * mkp - s * mkq;
                        m[k][q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++) {
                        double mpk = m[p][k], mqk = m[q][k];
                        m[p][k] = c * mpk - s * mqk;
                        m[q][k] = s * mpk + c * mqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = vectors[k][p], vkq = vectors[k][q];
                        vectors[k][p] = c * vkp - s * vkq;
                        vectors[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] vals = new double[n];
        for (int i = 0; i < n; i++) {
            vals[i] = m[i][i];
        }
        return vals;
    }
}
