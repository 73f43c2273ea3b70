package io.rimirec.core.split;

import io.rimirec.core.tree.CirclePath;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Key-Key-Value split of HimiRec §2.3: user → circle → the history items inside that circle.
 *
 * <p>An item is inside a circle when the circle's path is a prefix of the item's leaf path, so nested circles
 * ({@code 2} and {@code 2/4}) both receive the items of {@code 2/4}. History order (oldest first) is kept; when a
 * slice is longer than {@code maxPerCircle}, the most recent items are kept. Items whose leaf is unknown (null) go
 * to no circle.
 */
public final class BehaviourSplit {

    private BehaviourSplit() {}

    /** Positions (indexes into the history) of the items inside one circle, oldest first. */
    public record Slice(CirclePath circle, List<Integer> positions) {
        public boolean isEmpty() {
            return positions.isEmpty();
        }
    }

    /**
     * @param historyLeaves the leaf circle of every history item, oldest first (null = unknown item)
     * @param circles       the circles to split by (e.g. the generator's beams)
     * @param maxPerCircle  the longest slice kept (most recent items win); must be > 0
     */
    public static List<Slice> split(List<CirclePath> historyLeaves, List<CirclePath> circles, int maxPerCircle) {
        if (maxPerCircle <= 0) {
            throw new IllegalArgumentException("maxPerCircle must be > 0, got " + maxPerCircle);
        }
        List<Slice> out = new ArrayList<>(circles.size());
        for (CirclePath circle : circles) {
            List<Integer> positions = new ArrayList<>();
            // Walk backwards so truncation keeps the most recent items, then restore chronological order.
            for (int i = historyLeaves.size() - 1; i >= 0 && positions.size() < maxPerCircle; i--) {
                CirclePath leaf = historyLeaves.get(i);
                if (leaf != null && circle.contains(leaf)) {
                    positions.add(i);
                }
            }
            Collections.reverse(positions);
            out.add(new Slice(circle, Collections.unmodifiableList(positions)));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The ablation of the split ("one unified user sequence"): every circle gets the whole history, the most recent
     * {@code maxPerCircle} items when it is longer, whatever circles the items lie in. Items whose leaf is unknown
     * (null) are left out, as {@link #split} leaves them out.
     */
    public static List<Slice> unified(List<CirclePath> historyLeaves, List<CirclePath> circles, int maxPerCircle) {
        if (maxPerCircle <= 0) {
            throw new IllegalArgumentException("maxPerCircle must be > 0, got " + maxPerCircle);
        }
        List<Integer> positions = new ArrayList<>();
        for (int i = historyLeaves.size() - 1; i >= 0 && positions.size() < maxPerCircle; i--) {
            if (historyLeaves.get(i) != null) {
                positions.add(i);
            }
        }
        Collections.reverse(positions);
        List<Integer> shared = Collections.unmodifiableList(positions);
        List<Slice> out = new ArrayList<>(circles.size());
        for (CirclePath circle : circles) {
            out.add(new Slice(circle, shared));
        }
        return Collections.unmodifiableList(out);
    }
}
