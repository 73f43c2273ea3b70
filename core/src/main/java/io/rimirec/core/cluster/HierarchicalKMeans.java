package io.rimirec.core.cluster;

import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link CircleTree} by hierarchical k-means (HimiRec, Algorithm 1): cluster all items into k clusters,
 * then recurse into every cluster with more than c items. As in the paper the root is always split, even when it
 * holds c items or fewer.
 *
 * <p>A cluster that cannot be split (k-means finds a single distinct vector, e.g. all items identical) becomes a
 * leaf even when it holds more than c items, and so does any node at depth {@value #MAX_DEPTH}, so the recursion
 * always ends. Each split is a {@link KMeans} run whose seed is derived from the build seed and the node's path,
 * and whose centroids and biases become the children's; so {@code tree.assign(v)} of a training item returns the
 * leaf the build put it in (see {@link Result#leafNode()}). Sibling subtrees are built in parallel; the result
 * does not depend on the thread count.
 */
public final class HierarchicalKMeans {

    /** Deeper nodes become leaves regardless of size (a guard against degenerate data; real trees are shallow). */
    public static final int MAX_DEPTH = 32;

    private final TreeOptions options;
    private final Map<String, String> extraInfo = new LinkedHashMap<>();

    public HierarchicalKMeans(TreeOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    /** Adds a provenance entry (source file, creation time, ...) to the trees this builds; not part of the content hash. */
    public HierarchicalKMeans info(String key, String value) {
        extraInfo.put(java.util.Objects.requireNonNull(key, "key"), java.util.Objects.requireNonNull(value, "value"));
        return this;
    }

    public TreeOptions options() {
        return options;
    }

    public CircleTree build(float[][] vectors) {
        return fit(vectors, ProgressListener.NONE).tree();
    }

    public CircleTree build(float[][] vectors, ProgressListener listener) {
        return fit(vectors, listener).tree();
    }

    /**
     * The tree plus where each training item ended up.
     *
     * @param tree     the circle tree
     * @param leafNode for every input vector, the tree node index of its leaf
     */
    public record Result(CircleTree tree, int[] leafNode) {
        public CirclePath leafPath(int item) {
            return tree.path(leafNode[item]);
        }
    }

    /** Builds the tree; {@code listener} counts items as they settle in leaves (total = number of vectors). */
    public Result fit(float[][] vectors, ProgressListener listener) {
        ProgressListener progress = ProgressListener.orNone(listener);
        int d = KMeans.checkInput(vectors, null);
        int n = vectors.length;
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        Node root = new Node(rootCentroid(vectors, d), 0f, all);
        progress.start("building circle tree", n);
        try (Parallel par = Parallel.create(options.threads())) {
            new Splitter(vectors, par, progress).split(root, CirclePath.ROOT);
        } finally {
            progress.finish();
        }
        return assemble(root, n, d);
    }

    private static final class Node {
        final float[] centroid;
        final float bias;
        final int size;
        int[] rows;          // items under this node; kept only for leaves once split
        Node[] children;     // null for a leaf

        Node(float[] centroid, float bias, int[] rows) {
            this.centroid = centroid;
            this.bias = bias;
            this.size = rows.length;
            this.rows = rows;
        }
    }

    private final class Splitter {
        private final float[][] data;
        private final Parallel par;
        private final ProgressListener progress;
        private final KMeansOptions base = options.kMeansOptions();

        Splitter(float[][] data, Parallel par, ProgressListener progress) {
            this.data = data;
            this.par = par;
            this.progress = progress;
        }

        void split(Node node, CirclePath path) {
            int[] rows = node.rows;
            if (path.depth() >= MAX_DEPTH) {
                progress.advance(rows.length);
                return;
            }
            KMeansResult km = KMeans.fit(data, rows, base.withSeed(nodeSeed(options.seed(), path)), par, null, false);
            if (km.k() < 2) {
                progress.advance(rows.length); // cannot be split: a leaf, whatever its size
                return;
            }
            int[][] members = new int[km.k()][];
            for (int j = 0; j < km.k(); j++) {
                members[j] = new int[km.sizes()[j]];
            }
            int[] fill = new int[km.k()];
            int[] assignment = km.assignment();
            for (int i = 0; i < rows.length; i++) {
                int j = assignment[i];
                members[j][fill[j]++] = rows[i];
            }
            node.rows = null;
            node.children = new Node[km.k()];
            List<Runnable> tasks = new ArrayList<>();
            for (int j = 0; j < km.k(); j++) {
                Node child = new Node(km.centroids()[j], km.bias()[j], members[j]);
                node.children[j] = child;
                if (members[j].length > options.leafCapacity()) {
                    CirclePath childPath = path.child(j);
                    tasks.add(() -> split(child, childPath));
                } else {
                    progress.advance(members[j].length);
                }
            }
            par.runAll(tasks);
        }
    }

    /** Lays the nodes out breadth-first, so builder ids equal the tree's node indexes. */
    private Result assemble(Node root, int n, int d) {
        CircleTree.Builder b = CircleTree.builder(options.metric(), d)
            .branching(options.branching())
            .leafCapacity(options.leafCapacity())
            .balanceRatio(options.balanceRatio())
            .seed(options.seed())
            .info("algorithm", "hierarchical k-means (HimiRec Algorithm 1)" + (options.balanceRatio() > 0 ? ", balanced" : ""))
            .info("max_iterations", Integer.toString(options.maxIterations()))
            .info("sample_per_cluster", Integer.toString(KMeansOptions.DEFAULT_SAMPLE_PER_CLUSTER));
        extraInfo.forEach(b::info);
        int[] leafNode = new int[n];
        ArrayDeque<Node> queue = new ArrayDeque<>();
        ArrayDeque<Integer> ids = new ArrayDeque<>();
        int rootId = b.root(root.centroid, n);
        queue.add(root);
        ids.add(rootId);
        while (!queue.isEmpty()) {
            Node node = queue.poll();
            int id = ids.poll();
            if (node.children == null) {
                for (int r : node.rows) {
                    leafNode[r] = id;
                }
                continue;
            }
            for (Node child : node.children) {
                int childId = b.child(id, child.centroid, child.bias, child.size);
                queue.add(child);
                ids.add(childId);
            }
        }
        return new Result(b.build(), leafNode);
    }

    /** The mean of all items (normalised for cosine, like every other centroid); not used for descent. */
    private float[] rootCentroid(float[][] vectors, int d) {
        double[] sum = new double[d];
        for (float[] v : vectors) {
            if (options.metric() == Metric.COSINE) {
                double norm = 0;
                for (float f : v) {
                    norm += (double) f * f;
                }
                double inv = norm > 0 ? 1.0 / Math.sqrt(norm) : 0;
                for (int t = 0; t < d; t++) {
                    sum[t] += v[t] * inv;
                }
            } else {
                for (int t = 0; t < d; t++) {
                    sum[t] += v[t];
                }
            }
        }
        float[] out = new float[d];
        for (int t = 0; t < d; t++) {
            out[t] = (float) (sum[t] / vectors.length);
        }
        if (options.metric() == Metric.COSINE) {
            KMeans.normalize(out, 0, d);
        }
        return out;
    }

    /** A per-node seed: the build seed mixed with every index of the node's path (SplitMix64 finaliser). */
    static long nodeSeed(long seed, CirclePath path) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (int i = 0; i < path.depth(); i++) {
            h = mix(h + 0x9E3779B97F4A7C15L * (path.index(i) + 1L));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
