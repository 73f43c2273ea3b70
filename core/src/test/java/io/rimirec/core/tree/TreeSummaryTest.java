package io.rimirec.core.tree;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.testing.TestVectors;
import io.rimirec.core.vector.Metric;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TreeSummaryTest {

    @Test
    void structureMatchesAHandBuiltTree() {
        CircleTree.Builder b = CircleTree.builder(Metric.L2, 2).branching(2).leafCapacity(10);
        int root = b.root(new float[] {0, 0}, 100);
        int left = b.child(root, new float[] {-1, 0}, 0f, 70);
        b.child(root, new float[] {1, 0}, 0f, 30);
        b.child(left, new float[] {-1, 1}, 0f, 60);
        b.child(left, new float[] {-1, -1}, 0f, 10);
        TreeSummary s = TreeSummary.of(b.build());
        assertEquals(2, s.depth());
        assertEquals(5, s.nodeCount());
        assertEquals(3, s.leafCount());
        assertEquals(100, s.items());
        assertEquals(10, s.leafSizeMin());
        assertEquals(30, s.leafSizeP50());
        assertEquals(60, s.leafSizeMax());
        assertEquals((1 + 2 + 2) / 3.0, s.meanLeafDepth(), 1e-12);
        assertTrue(Double.isNaN(s.silhouette()));
        assertTrue(s.format().contains("leaves 3"), s.format());
    }

    @Test
    void percentilesAreNearestRank() {
        long[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(1, TreeSummary.percentile(v, 10));
        assertEquals(5, TreeSummary.percentile(v, 50));
        assertEquals(9, TreeSummary.percentile(v, 90));
        assertEquals(7, TreeSummary.percentile(new long[] {7}, 10));
    }

    @Test
    void plantedClustersScoreBetterThanRandomLeaves() {
        float[][] data = TestVectors.hierarchy(6, 1, 100, 16, 0.2, 4); // six tight groups
        HierarchicalKMeans.Result r = new HierarchicalKMeans(
            TreeOptions.defaults(Metric.COSINE).withBranching(6).withLeafCapacity(100).withThreads(1)).fit(data, null);
        TreeSummary good = TreeSummary.of(r.tree(), data, r.leafNode(), 300, 1);
        // The same tree, but every item placed in a random leaf.
        int[] leaves = r.tree().leaves().stream().mapToInt(p -> r.tree().nodeOf(p)).toArray();
        int[] shuffled = new int[data.length];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < data.length; i++) {
            shuffled[i] = leaves[rng.nextInt(leaves.length)];
        }
        TreeSummary bad = TreeSummary.of(r.tree(), data, shuffled, 300, 1);
        assertTrue(good.silhouette() > 0.5, "tight planted groups: " + good.silhouette());
        assertTrue(Math.abs(bad.silhouette()) < 0.15, "random leaves: " + bad.silhouette());
        assertTrue(good.meanLeafCosine() > 0.8, "items sit close to their centroid: " + good.meanLeafCosine());
        assertTrue(bad.meanLeafCosine() < good.meanLeafCosine() - 0.3);
        assertEquals(300, good.silhouetteSample());
        // Descending the tree finds the same leaves as the build.
        TreeSummary descended = TreeSummary.of(r.tree(), data, 300, 1);
        assertEquals(good.silhouette(), descended.silhouette(), 0.0);
        assertTrue(good.format().contains("silhouette"));
    }
}
