package io.rimirec.core.tree;

import io.rimirec.core.vector.Metric;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The circle tree: every node is a circle with a centroid; items live in leaves. Immutable and thread-safe.
 *
 * <p>{@link #assign(float[])} descends from the root, at each node choosing the child with the highest
 * {@code similarity(vector, centroid) + bias}. The per-child bias is 0 for plain k-means; balanced k-means
 * stores the offsets it used to even out cluster sizes, so that descent reproduces the clustering's own
 * assignment in both modes. Nodes are stored flat in breadth-first order; node 0 is the root.
 *
 * <p>Build one with {@link Builder} (what the hierarchical k-means does) or read one with {@link TreeFormat}.
 */
public final class CircleTree {

    private final Metric metric;
    private final int dimension;
    private final int branching;
    private final int leafCapacity;
    private final float balanceRatio;
    private final long seed;
    private final Map<String, String> info;

    private final int[] parent;
    private final int[] childStart;
    private final int[] childCount;
    private final long[] size;
    private final float[] bias;
    private final float[] centroids;
    private final CirclePath[] paths;
    private final Map<CirclePath, Integer> nodeByPath;
    private final String contentHash;

    private CircleTree(
        Metric metric,
        int dimension,
        int branching,
        int leafCapacity,
        float balanceRatio,
        long seed,
        Map<String, String> info,
        int[] parent,
        long[] size,
        float[] bias,
        float[] centroids
    ) {
        this.metric = metric;
        this.dimension = dimension;
        this.branching = branching;
        this.leafCapacity = leafCapacity;
        this.balanceRatio = balanceRatio;
        this.seed = seed;
        this.info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
        this.parent = parent;
        this.size = size;
        this.bias = bias;
        this.centroids = centroids;
        int n = parent.length;
        this.childStart = new int[n];
        this.childCount = new int[n];
        this.paths = new CirclePath[n];
        this.nodeByPath = new HashMap<>(n * 2);
        paths[0] = CirclePath.ROOT;
        nodeByPath.put(CirclePath.ROOT, 0);
        // BFS order means each node's children are contiguous and come after it.
        for (int i = 1; i < n; i++) {
            int p = parent[i];
            if (p < 0 || p >= i) {
                throw new IllegalArgumentException("node " + i + " has parent " + p + ": nodes must be in breadth-first order");
            }
            if (childCount[p] == 0) {
                childStart[p] = i;
            } else if (childStart[p] + childCount[p] != i) {
                throw new IllegalArgumentException("children of node " + p + " are not contiguous: nodes must be in breadth-first order");
            }
            paths[i] = paths[p].child(childCount[p]);
            childCount[p]++;
            nodeByPath.put(paths[i], i);
        }
        this.contentHash = TreeFormat.contentHash(this);
    }

    // ---- descent -------------------------------------------------------------------------------------------------

    /** The leaf circle of {@code vector}. */
    public CirclePath assign(float[] vector) {
        return paths[assignNode(vector)];
    }

    /** The leaf node index of {@code vector}; see the class comment for the rule. */
    public int assignNode(float[] vector) {
        checkDimension(vector);
        int node = 0;
        while (childCount[node] > 0) {
            int first = childStart[node];
            int best = first;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int c = first, end = first + childCount[node]; c < end; c++) {
                float score = metric.similarity(vector, centroids, c * dimension) + bias[c];
                // Strictly greater: ties go to the lowest child index, as in the clustering itself.
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            node = best;
        }
        return node;
    }

    public void checkDimension(float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector has dimension " + vector.length + " but the circle tree expects " + dimension);
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new IllegalArgumentException("vector value at position " + i + " is " + vector[i] + ": expected a finite number");
            }
        }
    }

    // ---- structure -----------------------------------------------------------------------------------------------

    public int nodeCount() {
        return parent.length;
    }

    public CirclePath path(int node) {
        return paths[node];
    }

    /** The node index of a circle, or -1 when the tree has no such circle. */
    public int nodeOf(CirclePath path) {
        Integer i = nodeByPath.get(path);
        return i == null ? -1 : i;
    }

    public boolean contains(CirclePath path) {
        return nodeByPath.containsKey(path);
    }

    public int parentOf(int node) {
        return parent[node];
    }

    public int childCount(int node) {
        return childCount[node];
    }

    /** Index of the {@code i}-th child of {@code node}. */
    public int child(int node, int i) {
        if (i < 0 || i >= childCount[node]) {
            throw new IndexOutOfBoundsException("node " + paths[node] + " has " + childCount[node] + " children, asked for " + i);
        }
        return childStart[node] + i;
    }

    public boolean isLeaf(int node) {
        return childCount[node] == 0;
    }

    public int depth(int node) {
        return paths[node].depth();
    }

    /** Training items under this node (the clustering's own count). */
    public long size(int node) {
        return size[node];
    }

    public float bias(int node) {
        return bias[node];
    }

    /** A copy of the node's centroid (the root's is the mean of all items, normalised for cosine; descent never uses it). */
    public float[] centroid(int node) {
        float[] out = new float[dimension];
        System.arraycopy(centroids, node * dimension, out, 0, dimension);
        return out;
    }

    public List<CirclePath> leaves() {
        List<CirclePath> out = new ArrayList<>();
        for (int i = 0; i < paths.length; i++) {
            if (childCount[i] == 0) {
                out.add(paths[i]);
            }
        }
        Collections.sort(out);
        return out;
    }

    public int leafCount() {
        int n = 0;
        for (int c : childCount) {
            if (c == 0) {
                n++;
            }
        }
        return n;
    }

    public int maxDepth() {
        return paths[paths.length - 1].depth(); // BFS: the last node is among the deepest
    }

    /** The most children any node has (at most {@link #branching()}); the generator's token table is sized by it. */
    public int maxFanOut() {
        int m = 0;
        for (int c : childCount) {
            m = Math.max(m, c);
        }
        return m;
    }

    // ---- metadata ------------------------------------------------------------------------------------------------

    public Metric metric() {
        return metric;
    }

    public int dimension() {
        return dimension;
    }

    /** k: the number of clusters each split asks for. */
    public int branching() {
        return branching;
    }

    /** c: a cluster with more items than this is split again. */
    public int leafCapacity() {
        return leafCapacity;
    }

    /** Largest allowed cluster-size ratio of balanced k-means, or 0 for plain k-means. */
    public float balanceRatio() {
        return balanceRatio;
    }

    public long seed() {
        return seed;
    }

    /** Items the tree was built from. */
    public long itemCount() {
        return size[0];
    }

    /** Free-form provenance (tool version, source file, creation time). Not part of the content hash. */
    public Map<String, String> info() {
        return info;
    }

    /** SHA-256 (hex) of everything that decides assignments; models record it to detect a tree mismatch. */
    public String contentHash() {
        return contentHash;
    }

    /**
     * What the ingest processor writes beside an item's circles: the first 16 hex digits (64 bits) of
     * {@link #contentHash()}. Items stamped by another tree carry another stamp, which the query detects; 64 bits keep
     * accidental equality out of reach while costing 16 bytes per document.
     */
    public String stamp() {
        return contentHash.substring(0, STAMP_LENGTH);
    }

    /** Length of {@link #stamp()}. */
    public static final int STAMP_LENGTH = 16;

    float[] rawCentroids() {
        return centroids;
    }

    float[] rawBias() {
        return bias;
    }

    long[] rawSize() {
        return size;
    }

    int[] rawParent() {
        return parent;
    }

    @Override
    public String toString() {
        return "CircleTree{metric=" + metric.id() + ", dimension=" + dimension + ", k=" + branching + ", c=" + leafCapacity
            + ", nodes=" + nodeCount() + ", leaves=" + leafCount() + ", depth=" + maxDepth() + ", items=" + itemCount()
            + ", hash=" + contentHash.substring(0, 12) + "}";
    }

    // ---- building ------------------------------------------------------------------------------------------------

    public static Builder builder(Metric metric, int dimension) {
        return new Builder(metric, dimension);
    }

    /**
     * Collects nodes in any parent-before-child order and lays them out breadth-first on {@link #build()}.
     * Children keep the order in which they were added: that order is their index in the path.
     */
    public static final class Builder {
        private final Metric metric;
        private final int dimension;
        private int branching;
        private int leafCapacity;
        private float balanceRatio;
        private long seed;
        private final Map<String, String> info = new LinkedHashMap<>();
        private final List<float[]> nodeCentroid = new ArrayList<>();
        private final List<Float> nodeBias = new ArrayList<>();
        private final List<Long> nodeSize = new ArrayList<>();
        private final List<List<Integer>> nodeChildren = new ArrayList<>();

        private Builder(Metric metric, int dimension) {
            this.metric = Objects.requireNonNull(metric, "metric");
            if (dimension <= 0) {
                throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
            }
            this.dimension = dimension;
        }

        public Builder branching(int k) {
            this.branching = k;
            return this;
        }

        public Builder leafCapacity(int c) {
            this.leafCapacity = c;
            return this;
        }

        public Builder balanceRatio(float ratio) {
            this.balanceRatio = ratio;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder info(String key, String value) {
            info.put(key, value);
            return this;
        }

        /** Adds the root (call once, first) and returns its builder id (0). */
        public int root(float[] centroid, long size) {
            if (!nodeCentroid.isEmpty()) {
                throw new IllegalStateException("root already added");
            }
            return add(centroid, 0f, size);
        }

        /** Adds a child under builder id {@code parentId} and returns the child's builder id. */
        public int child(int parentId, float[] centroid, float bias, long size) {
            if (parentId < 0 || parentId >= nodeCentroid.size()) {
                throw new IllegalArgumentException("unknown parent id " + parentId);
            }
            int id = add(centroid, bias, size);
            nodeChildren.get(parentId).add(id);
            return id;
        }

        private int add(float[] centroid, float bias, long size) {
            if (centroid.length != dimension) {
                throw new IllegalArgumentException("centroid has dimension " + centroid.length + ", tree has " + dimension);
            }
            nodeCentroid.add(centroid.clone());
            nodeBias.add(bias);
            nodeSize.add(size);
            nodeChildren.add(new ArrayList<>());
            return nodeCentroid.size() - 1;
        }

        public CircleTree build() {
            if (nodeCentroid.isEmpty()) {
                throw new IllegalStateException("a circle tree needs at least a root");
            }
            int n = nodeCentroid.size();
            int[] parent = new int[n];
            long[] size = new long[n];
            float[] bias = new float[n];
            float[] centroids = new float[n * dimension];
            ArrayDeque<int[]> queue = new ArrayDeque<>(); // {builderId, parentIndex}
            queue.add(new int[] {0, -1});
            int next = 0;
            while (!queue.isEmpty()) {
                int[] e = queue.poll();
                int id = e[0];
                int index = next++;
                parent[index] = e[1];
                size[index] = nodeSize.get(id);
                bias[index] = nodeBias.get(id);
                System.arraycopy(nodeCentroid.get(id), 0, centroids, index * dimension, dimension);
                for (int c : nodeChildren.get(id)) {
                    queue.add(new int[] {c, index});
                }
            }
            if (next != n) {
                throw new IllegalStateException("builder has " + n + " nodes but only " + next + " are reachable from the root");
            }
            return new CircleTree(metric, dimension, branching, leafCapacity, balanceRatio, seed, info, parent, size, bias, centroids);
        }
    }

    /** Used by {@link TreeFormat} to rebuild a tree read from bytes (already in breadth-first order). */
    static CircleTree fromFlat(
        Metric metric,
        int dimension,
        int branching,
        int leafCapacity,
        float balanceRatio,
        long seed,
        Map<String, String> info,
        int[] parent,
        long[] size,
        float[] bias,
        float[] centroids
    ) {
        return new CircleTree(metric, dimension, branching, leafCapacity, balanceRatio, seed, info, parent, size, bias, centroids);
    }

    /** Sanity check used by tests and loaders: no NaN centroids, sizes add up. */
    public void validate() {
        for (int i = 0; i < nodeCount(); i++) {
            for (int d = 0; d < dimension; d++) {
                if (!Float.isFinite(centroids[i * dimension + d])) {
                    throw new IllegalStateException("centroid of circle [" + paths[i] + "] has a non-finite value");
                }
            }
            if (childCount[i] > 0) {
                long sum = 0;
                for (int c = childStart[i]; c < childStart[i] + childCount[i]; c++) {
                    sum += size[c];
                }
                if (sum != size[i]) {
                    throw new IllegalStateException("circle [" + paths[i] + "] holds " + size[i] + " items but its children hold " + sum);
                }
            }
        }
    }
}
