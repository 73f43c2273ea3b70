package io.rimirec.core.generate;

import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;

/**
 * The generator's token space: circle tokens {@code t(level, index)} plus three specials. It is separate from any
 * item vocabulary, and the same child index at different levels is a different token (paper §2.2).
 *
 * <p>Id layout, for a tree of depth {@code levels} whose widest node has {@code fanOut} children:
 * <pre>
 *   0                                  PAD  (padding; never predicted)
 *   1                                  BOS  (first decoder input)
 *   2                                  EOS  (ends a path: "the interest is this circle")
 *   3 + level * fanOut + index         t(level, index), level 0 = first step below the root
 * </pre>
 * so {@link #size()} is {@code 3 + levels * fanOut}. A path {@code 2/4/1} is the tokens
 * {@code t(0,2) t(1,4) t(2,1)}.
 */
public final class CircleVocabulary {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int FIRST_CIRCLE = 3;

    private final int levels;
    private final int fanOut;

    public CircleVocabulary(int levels, int fanOut) {
        if (levels < 1 || fanOut < 1) {
            throw new IllegalArgumentException("a circle vocabulary needs levels >= 1 and fanOut >= 1, got levels=" + levels + ", fanOut=" + fanOut);
        }
        this.levels = levels;
        this.fanOut = fanOut;
    }

    /** The vocabulary of a tree: as many levels as its depth, as wide as its widest node. */
    public static CircleVocabulary of(CircleTree tree) {
        if (tree.maxDepth() < 1) {
            throw new IllegalArgumentException("the circle tree has only a root: there are no circles to generate");
        }
        return new CircleVocabulary(tree.maxDepth(), tree.maxFanOut());
    }

    public int levels() {
        return levels;
    }

    public int fanOut() {
        return fanOut;
    }

    public int size() {
        return FIRST_CIRCLE + levels * fanOut;
    }

    public int token(int level, int index) {
        if (level < 0 || level >= levels || index < 0 || index >= fanOut) {
            throw new IllegalArgumentException("circle t(" + level + ", " + index + ") is outside the vocabulary (levels " + levels + ", fan-out " + fanOut + ")");
        }
        return FIRST_CIRCLE + level * fanOut + index;
    }

    public boolean isCircle(int token) {
        return token >= FIRST_CIRCLE && token < size();
    }

    public int level(int token) {
        checkCircle(token);
        return (token - FIRST_CIRCLE) / fanOut;
    }

    public int index(int token) {
        checkCircle(token);
        return (token - FIRST_CIRCLE) % fanOut;
    }

    /** The circle tokens of a path, no BOS or EOS. */
    public int[] tokens(CirclePath path) {
        int[] out = new int[path.depth()];
        for (int l = 0; l < out.length; l++) {
            out[l] = token(l, path.index(l));
        }
        return out;
    }

    /** The path spelled by circle tokens (BOS, EOS and PAD are skipped). */
    public CirclePath path(int[] tokens) {
        int[] idx = new int[tokens.length];
        int n = 0;
        for (int t : tokens) {
            if (t == PAD || t == BOS || t == EOS) {
                continue;
            }
            if (level(t) != n) {
                throw new IllegalArgumentException("token " + t + " is at level " + level(t) + " but appears at position " + n);
            }
            idx[n++] = index(t);
        }
        return CirclePath.of(java.util.Arrays.copyOf(idx, n));
    }

    /** Checks that every circle of {@code tree} has a token here (a model trained on a smaller tree cannot serve it). */
    public void checkCovers(CircleTree tree) {
        if (tree.maxDepth() > levels || tree.maxFanOut() > fanOut) {
            throw new IllegalArgumentException("the circle tree (depth " + tree.maxDepth() + ", fan-out " + tree.maxFanOut()
                + ") does not fit the generator's vocabulary (levels " + levels + ", fan-out " + fanOut + ")");
        }
    }

    private void checkCircle(int token) {
        if (!isCircle(token)) {
            throw new IllegalArgumentException("token " + token + " is not a circle token (circle tokens are " + FIRST_CIRCLE + ".." + (size() - 1) + ")");
        }
    }

    @Override
    public String toString() {
        return "CircleVocabulary{levels=" + levels + ", fanOut=" + fanOut + ", size=" + size() + "}";
    }
}
