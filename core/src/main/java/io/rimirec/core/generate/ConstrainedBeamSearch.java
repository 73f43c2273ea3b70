package io.rimirec.core.generate;

import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search over the circle tree used as a prefix trie: the decoder proposes, the tree disposes.
 *
 * <ul>
 *   <li>At a node, the only tokens considered are the node's children and, below the root, EOS. The decoder's
 *       logits are soft-maxed over exactly those tokens, so every emitted path is a real circle and the path
 *       probabilities of all circles sum to 1 (the training loss uses the same masking).</li>
 *   <li>EOS is never allowed at the root (an interest is at least one level deep), allowed at internal nodes, and
 *       forced at leaves (a leaf finishes with probability 1, without another decoder call).</li>
 *   <li>Each step is one decoder call with all live beams batched.</li>
 *   <li>Live beams all have the same depth at a step, so they are pruned to the width by log-probability;
 *       finished paths are ranked by the {@link LengthPolicy}.</li>
 *   <li>Ties are broken by circle path order ({@code 1 < 1/0 < 2}), so equal scores give the same output on
 *       every run and machine.</li>
 *   <li>The result holds up to {@code width} distinct circles (fewer when the tree has fewer), their
 *       probabilities renormalised to sum to 1, nested circles marked.</li>
 * </ul>
 */
public final class ConstrainedBeamSearch {

    /** Next-token logits for a batch of token prefixes, all of the same length. */
    @FunctionalInterface
    public interface StepScorer {
        /**
         * @param tokens  {@code beams * length} token ids, row-major, each row starting with BOS
         * @return {@code beams * vocabularySize} logits, row-major
         */
        float[] logits(long[] tokens, int beams, int length);
    }

    private final CircleTree tree;
    private final CircleVocabulary vocabulary;
    private final LengthPolicy policy;

    public ConstrainedBeamSearch(CircleTree tree, CircleVocabulary vocabulary, LengthPolicy policy) {
        vocabulary.checkCovers(tree);
        if (tree.isLeaf(0)) {
            throw new IllegalArgumentException("the circle tree has only a root: there are no circles to generate");
        }
        this.tree = tree;
        this.vocabulary = vocabulary;
        this.policy = policy;
    }

    public LengthPolicy policy() {
        return policy;
    }

    private record Hyp(int node, int[] tokens, double logProb, double score) {}

    private static final Comparator<Hyp> BY_LOGPROB =
        Comparator.comparingDouble((Hyp h) -> -h.logProb).thenComparing((a, b) -> java.util.Arrays.compare(a.tokens, b.tokens));

    private final Comparator<Hyp> byScore =
        Comparator.comparingDouble((Hyp h) -> -h.score).thenComparing((a, b) -> java.util.Arrays.compare(a.tokens, b.tokens));

    public List<Interest> search(StepScorer scorer, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("beam width must be >= 1, got " + width);
        }
        int vocab = vocabulary.size();
        List<Hyp> live = List.of(new Hyp(0, new int[] {CircleVocabulary.BOS}, 0.0, 0.0));
        List<Hyp> finished = new ArrayList<>();
        while (!live.isEmpty()) {
            int length = live.get(0).tokens.length;
            long[] batch = new long[live.size() * length];
            for (int b = 0; b < live.size(); b++) {
                int[] t = live.get(b).tokens;
                for (int j = 0; j < length; j++) {
                    batch[b * length + j] = t[j];
                }
            }
            float[] logits = scorer.logits(batch, live.size(), length);
            if (logits.length != live.size() * vocab) {
                throw new IllegalStateException("decoder returned " + logits.length + " logits for " + live.size() + " beams; expected "
                    + live.size() + " x " + vocab + " (the vocabulary size)");
            }
            List<Hyp> next = new ArrayList<>();
            for (int b = 0; b < live.size(); b++) {
                expand(live.get(b), logits, b * vocab, next, finished);
            }
            next.sort(BY_LOGPROB);
            live = next.size() > width ? next.subList(0, width) : next;
        }
        finished.sort(byScore);
        List<Hyp> top = finished.size() > width ? finished.subList(0, width) : finished;
        return toInterests(top);
    }

    private void expand(Hyp h, float[] logits, int offset, List<Hyp> live, List<Hyp> finished) {
        int node = h.node;
        int depth = tree.depth(node);
        int children = tree.childCount(node);
        boolean eosAllowed = node != 0;
        // Log-sum-exp over the allowed tokens only: the trie mask.
        double max = eosAllowed ? logits[offset + CircleVocabulary.EOS] : Double.NEGATIVE_INFINITY;
        for (int i = 0; i < children; i++) {
            max = Math.max(max, logits[offset + vocabulary.token(depth, i)]);
        }
        if (!Double.isFinite(max)) {
            throw new IllegalStateException("decoder returned non-finite logits at circle [" + tree.path(node) + "]");
        }
        double sum = eosAllowed ? Math.exp(logits[offset + CircleVocabulary.EOS] - max) : 0;
        for (int i = 0; i < children; i++) {
            sum += Math.exp(logits[offset + vocabulary.token(depth, i)] - max);
        }
        double lse = max + Math.log(sum);
        if (eosAllowed) {
            double lp = h.logProb + (logits[offset + CircleVocabulary.EOS] - lse);
            finished.add(new Hyp(node, h.tokens, lp, policy.score(lp, depth)));
        }
        for (int i = 0; i < children; i++) {
            int token = vocabulary.token(depth, i);
            int child = tree.child(node, i);
            double lp = h.logProb + (logits[offset + token] - lse);
            int[] tokens = java.util.Arrays.copyOf(h.tokens, h.tokens.length + 1);
            tokens[h.tokens.length] = token;
            if (tree.isLeaf(child)) {
                // EOS is forced at a leaf: probability 1, no decoder call.
                finished.add(new Hyp(child, tokens, lp, policy.score(lp, depth + 1)));
            } else {
                live.add(new Hyp(child, tokens, lp, lp));
            }
        }
    }

    private List<Interest> toInterests(List<Hyp> top) {
        if (top.isEmpty()) {
            return List.of();
        }
        double max = Double.NEGATIVE_INFINITY;
        for (Hyp h : top) {
            max = Math.max(max, h.logProb);
        }
        double sum = 0;
        for (Hyp h : top) {
            sum += Math.exp(h.logProb - max);
        }
        List<Interest> out = new ArrayList<>(top.size());
        for (Hyp h : top) {
            CirclePath path = tree.path(h.node);
            CirclePath nestedIn = null;
            for (Hyp o : top) {
                CirclePath op = tree.path(o.node);
                if (o != h && op.depth() < path.depth() && op.contains(path) && (nestedIn == null || op.depth() > nestedIn.depth())) {
                    nestedIn = op;
                }
            }
            out.add(new Interest(path, h.node, Math.exp(h.logProb - max) / sum, h.logProb, h.score, nestedIn));
        }
        return List.copyOf(out);
    }
}
