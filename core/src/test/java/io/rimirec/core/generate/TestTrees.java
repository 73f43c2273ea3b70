package io.rimirec.core.generate;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;

import java.util.Random;

/** Small circle trees for tests, built through the public builder. */
final class TestTrees {

    private TestTrees() {}

    /** A tree from a nested spec: each entry is the child count of the nodes of one level, breadth-first. */
    static CircleTree random(Random r, int maxDepth, int maxFanOut) {
        CircleTree.Builder b = CircleTree.builder(Metric.L2, 2).branching(maxFanOut).leafCapacity(1);
        int root = b.root(new float[] {0, 0}, 1);
        grow(b, r, root, 0, maxDepth, maxFanOut, true);
        return b.build();
    }

    private static void grow(CircleTree.Builder b, Random r, int id, int depth, int maxDepth, int maxFanOut, boolean mustSplit) {
        if (depth == maxDepth || (!mustSplit && r.nextInt(3) == 0)) {
            return;
        }
        int k = 1 + r.nextInt(maxFanOut);
        if (mustSplit && k == 1) {
            k = 2;
        }
        for (int i = 0; i < k; i++) {
            int c = b.child(id, new float[] {r.nextFloat(), r.nextFloat()}, 0f, 1);
            grow(b, r, c, depth + 1, maxDepth, maxFanOut, false);
        }
    }

    /**
     * Root with children: 0 (internal: leaves 0/0, 0/1), 1 (leaf), 2 (internal: 2/0 internal with leaf 2/0/0 and
     * 2/0/1, and leaf 2/1).
     */
    static CircleTree fixed() {
        CircleTree.Builder b = CircleTree.builder(Metric.L2, 2).branching(2).leafCapacity(1);
        int root = b.root(new float[] {0, 0}, 0);
        int c0 = b.child(root, new float[] {0, 1}, 0, 0);
        b.child(root, new float[] {1, 0}, 0, 0);
        int c2 = b.child(root, new float[] {1, 1}, 0, 0);
        b.child(c0, new float[] {0, 2}, 0, 0);
        b.child(c0, new float[] {0, 3}, 0, 0);
        int c20 = b.child(c2, new float[] {2, 2}, 0, 0);
        b.child(c2, new float[] {3, 3}, 0, 0);
        b.child(c20, new float[] {4, 4}, 0, 0);
        b.child(c20, new float[] {5, 5}, 0, 0);
        return b.build();
    }
}
