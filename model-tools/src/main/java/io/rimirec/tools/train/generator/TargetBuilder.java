package io.rimirec.tools.train.generator;

import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the leaf circles of a user's next items into weighted decoder targets.
 *
 * <ul>
 *   <li>{@link Mode#LEAF} (the paper's training, p = m): every distinct leaf, weighted by how many of the items
 *       fall in it. The model then learns P(leaf of the next item) and never sees EOS before a leaf.</li>
 *   <li>{@link Mode#ADAPTIVE} (our addition, to teach EOS at internal circles): walk down from the root; at a
 *       non-root internal circle holding at least {@code minItems} of the items, spread over at least two children
 *       with no child holding {@code maxChildShare} or more of them, the interest is the circle itself (target =
 *       its path + EOS, weight = its items); otherwise descend child by child. A user whose next items scatter
 *       over a whole topic gets the topic; one who stays in a sub-topic gets the sub-topic or leaf.</li>
 * </ul>
 * Targets are listed in path order, so a sample is deterministic given its items.
 */
public final class TargetBuilder {

    public enum Mode { LEAF, ADAPTIVE }

    /** One decoder target: a circle path (then EOS) and its weight in the loss. */
    public record Target(CirclePath path, int node, float weight) {}

    private final CircleTree tree;
    private final Mode mode;
    private final int minItems;
    private final double maxChildShare;

    public TargetBuilder(CircleTree tree, Mode mode, int minItems, double maxChildShare) {
        if (minItems < 2) {
            throw new IllegalArgumentException("adaptive targets need min items >= 2, got " + minItems);
        }
        if (!(maxChildShare > 0 && maxChildShare <= 1)) {
            throw new IllegalArgumentException("max child share must be in (0, 1], got " + maxChildShare);
        }
        this.tree = tree;
        this.mode = mode;
        this.minItems = minItems;
        this.maxChildShare = maxChildShare;
    }

    public Mode mode() {
        return mode;
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        if (mode == Mode.ADAPTIVE) {
            m.put("min_items", minItems);
            m.put("max_child_share", maxChildShare);
        }
        return m;
    }

    /** @param leafNodes the tree leaf node of each next item */
    public List<Target> targets(int[] leafNodes) {
        TreeMap<CirclePath, Integer> counts = new TreeMap<>();
        for (int n : leafNodes) {
            counts.merge(tree.path(n), 1, Integer::sum);
        }
        List<Target> out = new ArrayList<>();
        if (mode == Mode.LEAF) {
            counts.forEach((p, c) -> out.add(new Target(p, tree.nodeOf(p), c)));
            return out;
        }
        descend(0, counts, out);
        return out;
    }

    private void descend(int node, Map<CirclePath, Integer> counts, List<Target> out) {
        if (tree.isLeaf(node)) {
            int c = counts.values().stream().mapToInt(Integer::intValue).sum();
            out.add(new Target(tree.path(node), node, c));
            return;
        }
        int depth = tree.depth(node);
        Map<Integer, Map<CirclePath, Integer>> byChild = new TreeMap<>();
        int total = 0;
        for (Map.Entry<CirclePath, Integer> e : counts.entrySet()) {
            byChild.computeIfAbsent(e.getKey().index(depth), k -> new TreeMap<>()).put(e.getKey(), e.getValue());
            total += e.getValue();
        }
        if (node != 0 && total >= minItems && byChild.size() >= 2) {
            int largest = 0;
            for (Map<CirclePath, Integer> m : byChild.values()) {
                largest = Math.max(largest, m.values().stream().mapToInt(Integer::intValue).sum());
            }
            if (largest < maxChildShare * total) {
                out.add(new Target(tree.path(node), node, total));
                return;
            }
        }
        for (Map.Entry<Integer, Map<CirclePath, Integer>> e : byChild.entrySet()) {
            descend(tree.child(node, e.getKey()), e.getValue(), out);
        }
    }
}
