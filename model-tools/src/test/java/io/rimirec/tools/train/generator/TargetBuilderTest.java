package io.rimirec.tools.train.generator;

import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetBuilderTest {

    private final CircleTree tree = PlantedInterests.generate(1, 2, 2, 2, 1, 4, 0.5, 0.4, 2, 3, 1).data.tree();

    private int leaf(int... path) {
        return tree.nodeOf(CirclePath.of(path));
    }

    @Test
    void leafTargetsAreDistinctLeavesWeightedByCount() {
        TargetBuilder b = new TargetBuilder(tree, TargetBuilder.Mode.LEAF, 2, 0.6);
        List<TargetBuilder.Target> t = b.targets(new int[] {leaf(1, 0, 1), leaf(0, 0, 0), leaf(1, 0, 1)});
        assertEquals(List.of(CirclePath.of(0, 0, 0), CirclePath.of(1, 0, 1)), t.stream().map(TargetBuilder.Target::path).toList());
        assertEquals(List.of(1f, 2f), t.stream().map(TargetBuilder.Target::weight).toList());
    }

    @Test
    void adaptiveTargetsStopWhereTheItemsSpread() {
        TargetBuilder b = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        // Items spread over both sub-topics of topic 1 -> the topic; items spread over both leaves of 0/0 -> 0/0.
        List<TargetBuilder.Target> t = b.targets(new int[] {leaf(1, 0, 0), leaf(1, 1, 1), leaf(0, 0, 0), leaf(0, 0, 1)});
        assertEquals(List.of(CirclePath.of(0, 0), CirclePath.of(1)), t.stream().map(TargetBuilder.Target::path).toList());
        // One item alone stays a leaf; a dominant child is followed down. The root is never a target.
        t = b.targets(new int[] {leaf(1, 0, 0), leaf(1, 0, 0), leaf(1, 0, 0), leaf(1, 1, 0), leaf(0, 1, 1)});
        assertEquals(List.of(CirclePath.of(0, 1, 1), CirclePath.of(1, 0, 0), CirclePath.of(1, 1, 0)), t.stream().map(TargetBuilder.Target::path).toList());
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int[] items = new int[1 + r.nextInt(10)];
            for (int i = 0; i < items.length; i++) {
                items[i] = leaf(r.nextInt(2), r.nextInt(2), r.nextInt(2));
            }
            float total = 0;
            for (TargetBuilder.Target x : b.targets(items)) {
                assertTrue(x.path().depth() >= 1);
                total += x.weight();
            }
            assertEquals(items.length, total, 1e-6, "every item is counted in exactly one target");
        }
    }
}
