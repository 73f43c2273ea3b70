package io.rimirec.core.cluster;

import io.rimirec.core.testing.TestVectors;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HierarchicalKMeansTest {

    static Stream<Arguments> metricsAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (Metric m : Metric.values()) {
            out.add(Arguments.of(m, 0f));
            out.add(Arguments.of(m, 1.5f));
        }
        return out.stream();
    }

    /** What every built tree must satisfy: descent equals the build's own assignment, sizes add up, leaves fit. */
    static void assertSound(float[][] data, HierarchicalKMeans.Result r, int c) {
        CircleTree tree = r.tree();
        tree.validate();
        assertEquals(data.length, tree.itemCount());
        long[] perLeaf = new long[tree.nodeCount()];
        for (int i = 0; i < data.length; i++) {
            int leaf = r.leafNode()[i];
            assertTrue(tree.isLeaf(leaf));
            assertEquals(leaf, tree.assignNode(data[i]), "item " + i + " descends to a different leaf");
            assertEquals(tree.path(leaf), tree.assign(data[i]));
            perLeaf[leaf]++;
        }
        for (int node = 0; node < tree.nodeCount(); node++) {
            if (tree.isLeaf(node)) {
                assertEquals(tree.size(node), perLeaf[node], "leaf size of " + tree.path(node));
            } else {
                assertTrue(node == 0 || tree.size(node) > c, "only clusters above c are split: " + tree.path(node));
            }
        }
    }

    @ParameterizedTest(name = "{0} balance {1}")
    @MethodSource("metricsAndModes")
    void descentReproducesTheBuildAssignment(Metric metric, float ratio) {
        float[][] data = TestVectors.hierarchy(5, 4, 60, 16, 0.25, 3); // 1200 items
        TreeOptions o = TreeOptions.defaults(metric).withBranching(4).withLeafCapacity(40).withBalanceRatio(ratio).withThreads(2);
        HierarchicalKMeans.Result r = new HierarchicalKMeans(o).fit(data, null);
        assertSound(data, r, 40);
        CircleTree tree = r.tree();
        assertTrue(tree.maxDepth() >= 2, "1200 items with k=4, c=40 need at least two levels");
        for (int node = 0; node < tree.nodeCount(); node++) {
            assertTrue(tree.isLeaf(node) || tree.size(node) > 40 || node == 0);
            if (tree.isLeaf(node)) {
                assertTrue(tree.size(node) <= 40, "leaf " + tree.path(node) + " holds " + tree.size(node));
            }
        }
        assertEquals(4, tree.branching());
        assertEquals(40, tree.leafCapacity());
        assertEquals(ratio, tree.balanceRatio());
        assertEquals(metric, tree.metric());
        if (ratio > 0) {
            assertSiblingsBalanced(tree, ratio);
        }
    }

    static void assertSiblingsBalanced(CircleTree tree, float ratio) {
        for (int node = 0; node < tree.nodeCount(); node++) {
            if (tree.isLeaf(node)) {
                continue;
            }
            int k = tree.childCount(node);
            int[] bounds = BiasBalancer.bounds((int) tree.size(node), k, ratio);
            for (int i = 0; i < k; i++) {
                long s = tree.size(tree.child(node, i));
                assertTrue(s >= bounds[0] && s <= bounds[1],
                    "child " + i + " of [" + tree.path(node) + "] holds " + s + ", outside " + Arrays.toString(bounds));
            }
        }
    }

    @Test
    void everyBalancedSplitOfALargerTreeKeepsItsBounds() {
        // Deep splits cut isotropic blobs, where k-means often places near-identical twin centroids.
        // (The first, one-cluster-at-a-time balancer broke the bounds in 38 of these 73 splits.)
        float[][] data = TestVectors.hierarchy(20, 8, 100, 64, 0.044, 6); // 16,000 items
        TreeOptions o = TreeOptions.defaults(Metric.COSINE).withLeafCapacity(100).withBalanceRatio(1.5f).withThreads(2);
        HierarchicalKMeans.Result r = new HierarchicalKMeans(o).fit(data, null);
        assertSiblingsBalanced(r.tree(), 1.5f);
        for (int i = 0; i < data.length; i += 7) {
            assertEquals(r.leafNode()[i], r.tree().assignNode(data[i]));
        }
    }

    @Test
    void balancedTreeHasNonZeroBiasesAndPlainTreeHasNone() {
        int[] sizes = {900, 300, 150, 150};
        float[][] data = TestVectors.blobs(sizes, 8, 3.0, 1.0, 5, null);
        TreeOptions o = TreeOptions.defaults(Metric.COSINE).withBranching(4).withLeafCapacity(200).withThreads(1);
        CircleTree plain = new HierarchicalKMeans(o).build(data);
        CircleTree balanced = new HierarchicalKMeans(o.withBalanceRatio(1.2f)).build(data);
        boolean anyBias = false;
        for (int node = 1; node < balanced.nodeCount(); node++) {
            anyBias |= balanced.bias(node) != 0f;
        }
        assertTrue(anyBias);
        for (int node = 1; node < plain.nodeCount(); node++) {
            assertEquals(0f, plain.bias(node));
        }
        assertSiblingsBalanced(balanced, 1.2f);
    }

    @Test
    void sameSeedGivesTheSameTreeForAnyThreadCount() {
        float[][] data = TestVectors.hierarchy(4, 4, 80, 12, 0.3, 8); // 1280 items
        TreeOptions o = TreeOptions.defaults(Metric.COSINE).withBranching(3).withLeafCapacity(30).withSeed(7).withThreads(1);
        HierarchicalKMeans.Result a = new HierarchicalKMeans(o).fit(data, null);
        HierarchicalKMeans.Result b = new HierarchicalKMeans(o).fit(data, null);
        HierarchicalKMeans.Result c = new HierarchicalKMeans(o.withThreads(4)).fit(data, null);
        assertEquals(a.tree().contentHash(), b.tree().contentHash());
        assertEquals(a.tree().contentHash(), c.tree().contentHash());
        assertArrayEquals(a.leafNode(), c.leafNode());
        HierarchicalKMeans.Result other = new HierarchicalKMeans(o.withSeed(8)).fit(data, null);
        assertNotEquals(a.tree().contentHash(), other.tree().contentHash());
        assertEquals(7L, a.tree().seed());
    }

    @Test
    void fewerItemsThanKMakeOneLeafEach() {
        float[][] data = {{1, 0}, {0, 1}, {-1, 0}};
        CircleTree tree = new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withBranching(8).withLeafCapacity(1)).build(data);
        assertEquals(4, tree.nodeCount());
        assertEquals(3, tree.leafCount());
        for (float[] v : data) {
            assertEquals(1, tree.assign(v).depth());
        }
    }

    @Test
    void identicalItemsBecomeASingleLeafInsteadOfRecursingForever() {
        float[][] data = new float[500][];
        Arrays.setAll(data, i -> new float[] {0.3f, 0.4f, 0.5f});
        HierarchicalKMeans.Result r = new HierarchicalKMeans(
            TreeOptions.defaults(Metric.L2).withBranching(4).withLeafCapacity(10)).fit(data, null);
        assertEquals(1, r.tree().nodeCount(), "the root cannot be split");
        assertEquals(500, r.tree().size(0));
        assertTrue(Arrays.stream(r.leafNode()).allMatch(l -> l == 0));
        assertEquals(CirclePath.ROOT, r.tree().assign(data[0]));
    }

    @Test
    void anUnsplittableClusterBecomesAnOversizedLeaf() {
        float[][] random = TestVectors.gaussian(300, 6, 4);
        float[][] data = Arrays.copyOf(random, 420);
        for (int i = 300; i < 420; i++) {
            data[i] = new float[] {5f, 5f, 5f, 5f, 5f, 5f}; // 120 duplicates, far from the rest
        }
        for (Metric metric : Metric.values()) {
            HierarchicalKMeans.Result r = new HierarchicalKMeans(
                TreeOptions.defaults(metric).withBranching(3).withLeafCapacity(20)).fit(data, null);
            CircleTree tree = r.tree();
            int dupLeaf = r.leafNode()[300];
            for (int i = 300; i < 420; i++) {
                assertEquals(dupLeaf, r.leafNode()[i]);
            }
            long oversized = 0;
            for (int node = 0; node < tree.nodeCount(); node++) {
                if (tree.isLeaf(node) && tree.size(node) > 20) {
                    oversized++;
                    assertTrue(node == dupLeaf || metric == Metric.INNER_PRODUCT,
                        metric.id() + ": only the duplicates may exceed c, found " + tree.path(node));
                }
            }
            assertTrue(oversized >= 1, metric.id());
            for (int i = 0; i < data.length; i++) {
                assertEquals(r.leafNode()[i], tree.assignNode(data[i]));
            }
        }
    }

    @Test
    void progressCountsEveryItemOnce() {
        float[][] data = TestVectors.hierarchy(3, 3, 50, 8, 0.3, 1);
        AtomicLong done = new AtomicLong();
        AtomicLong total = new AtomicLong();
        AtomicInteger finished = new AtomicInteger();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void start(String task, long t) {
                total.set(t);
            }

            @Override
            public void advance(long units) {
                done.addAndGet(units);
            }

            @Override
            public void finish() {
                finished.incrementAndGet();
            }
        };
        new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withBranching(3).withLeafCapacity(10).withThreads(2))
            .build(data, listener);
        assertEquals(data.length, total.get());
        assertEquals(data.length, done.get());
        assertEquals(1, finished.get());
    }

    @Test
    void nodeSeedsDifferPerPath() {
        long root = HierarchicalKMeans.nodeSeed(42, CirclePath.ROOT);
        assertNotEquals(root, HierarchicalKMeans.nodeSeed(42, CirclePath.of(0)));
        assertNotEquals(HierarchicalKMeans.nodeSeed(42, CirclePath.of(0, 1)), HierarchicalKMeans.nodeSeed(42, CirclePath.of(1, 0)));
        assertNotEquals(root, HierarchicalKMeans.nodeSeed(43, CirclePath.ROOT));
    }

    @Test
    void optionsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TreeOptions.defaults(Metric.COSINE).withBranching(1));
        assertTrue(e.getMessage().contains("k must be >= 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TreeOptions.defaults(Metric.COSINE).withLeafCapacity(0));
        assertTrue(e.getMessage().contains("c must be >= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TreeOptions.defaults(Metric.COSINE).withBalanceRatio(0.9f));
        assertThrows(IllegalArgumentException.class, () -> TreeOptions.defaults(Metric.COSINE).withThreads(0));
        assertThrows(IllegalArgumentException.class,
            () -> new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE)).build(new float[][] {{1, 2}, {3}}));
    }
}
