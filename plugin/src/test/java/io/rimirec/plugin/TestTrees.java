package io.rimirec.plugin;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;


/** Small hand-built trees for plugin tests: their assignments are known without running k-means. */
public final class TestTrees {

    private TestTrees() {}

    /**
     * 2-d cosine tree: circle 0 points along +x with children 0/0 (+x, slightly +y) and 0/1 (+x, slightly -y);
     * circle 1 points along +y (a leaf).
     */
    public static CircleTree twoLevel() {
        CircleTree.Builder b = CircleTree.builder(Metric.COSINE, 2).branching(2).leafCapacity(1).seed(1);
        int root = b.root(new float[] {0.5f, 0.5f}, 3);
        int c0 = b.child(root, new float[] {1f, 0f}, 0f, 2);
        b.child(root, new float[] {0f, 1f}, 0f, 1);
        b.child(c0, new float[] {1f, 0.2f}, 0f, 1);
        b.child(c0, new float[] {1f, -0.2f}, 0f, 1);
        return b.build();
    }

}
