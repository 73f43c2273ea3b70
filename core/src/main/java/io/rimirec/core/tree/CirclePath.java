package io.rimirec.core.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The id of a circle: the child indexes from the root, written {@code 2/4/1}. The root is the empty path.
 * Any prefix of a path is itself a circle (its ancestor), which is why an item document stores every prefix.
 */
public final class CirclePath implements Comparable<CirclePath> {

    public static final CirclePath ROOT = new CirclePath(new int[0]);
    public static final char SEPARATOR = '/';

    private final int[] indexes;

    private CirclePath(int[] indexes) {
        this.indexes = indexes;
    }

    public static CirclePath of(int... indexes) {
        for (int i : indexes) {
            if (i < 0) {
                throw new IllegalArgumentException("circle path indexes must be >= 0, got " + Arrays.toString(indexes));
            }
        }
        return indexes.length == 0 ? ROOT : new CirclePath(indexes.clone());
    }

    /** Parses {@code "2/4/1"}; the empty string is the root. */
    public static CirclePath parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("circle path must not be null");
        }
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return ROOT;
        }
        String[] parts = trimmed.split("/", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid circle path [" + text + "]: expected child indexes separated by '/', like 2/4/1");
            }
            if (out[i] < 0) {
                throw new IllegalArgumentException("invalid circle path [" + text + "]: indexes must be >= 0");
            }
        }
        return new CirclePath(out);
    }

    public int depth() {
        return indexes.length;
    }

    public boolean isRoot() {
        return indexes.length == 0;
    }

    /** The child index at {@code level} (0-based: level 0 is the first step below the root). */
    public int index(int level) {
        return indexes[level];
    }

    public int[] toArray() {
        return indexes.clone();
    }

    public CirclePath child(int index) {
        int[] out = Arrays.copyOf(indexes, indexes.length + 1);
        out[indexes.length] = index;
        return of(out);
    }

    public CirclePath parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root circle has no parent");
        }
        return new CirclePath(Arrays.copyOf(indexes, indexes.length - 1));
    }

    /** The ancestor (or this path) with the first {@code depth} indexes. */
    public CirclePath prefix(int depth) {
        if (depth < 0 || depth > indexes.length) {
            throw new IllegalArgumentException("prefix depth " + depth + " outside [0, " + indexes.length + "]");
        }
        return depth == indexes.length ? this : new CirclePath(Arrays.copyOf(indexes, depth));
    }

    /** True when {@code other} lies in this circle's subtree (a path is inside itself; everything is inside the root). */
    public boolean contains(CirclePath other) {
        if (other.indexes.length < indexes.length) {
            return false;
        }
        for (int i = 0; i < indexes.length; i++) {
            if (indexes[i] != other.indexes[i]) {
                return false;
            }
        }
        return true;
    }

    /** Every non-empty prefix, shortest first: {@code 2/4/1 -> [2, 2/4, 2/4/1]}. What the circle-prefix field holds. */
    public List<String> prefixStrings() {
        List<String> out = new ArrayList<>(indexes.length);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < indexes.length; i++) {
            if (i > 0) {
                sb.append(SEPARATOR);
            }
            sb.append(indexes[i]);
            out.add(sb.toString());
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < indexes.length; i++) {
            if (i > 0) {
                sb.append(SEPARATOR);
            }
            sb.append(indexes[i]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CirclePath other && Arrays.equals(indexes, other.indexes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(indexes);
    }

    /** Depth-first order: a parent sorts before its children, siblings by index. */
    @Override
    public int compareTo(CirclePath o) {
        return Arrays.compare(indexes, o.indexes);
    }
}
