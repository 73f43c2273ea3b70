package io.rimirec.tools.train.generator;

import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.core.tree.CircleTree;

import java.util.List;

/**
 * Count-based predictors of the target paths that ignore the user: what the generator must beat to show it has
 * learned something about users. Scored with the same loss as the model (expected path negative
 * log-likelihood per sample, trie-normalised).
 *
 * <ul>
 *   <li>{@link Kind#STEP}: the per-step empirical distribution of target tokens (token at decoder position t,
 *       whatever came before), restricted to the tokens the tree allows there.</li>
 *   <li>{@link Kind#TRIE}: the empirical distribution of the next token given the prefix circle (the popularity
 *       of each child and of stopping), the strongest user-independent predictor.</li>
 * </ul>
 * Add-0.5 smoothing over the allowed tokens.
 */
public final class CirclePrior {

    public enum Kind { STEP, TRIE }

    private final CircleTree tree;
    private final CircleVocabulary vocab;
    private final Kind kind;
    private final double[][] counts; // [step or node][token]

    public CirclePrior(CircleTree tree, CircleVocabulary vocab, Kind kind, List<TrainingSamples.Sample> samples) {
        this.tree = tree;
        this.vocab = vocab;
        this.kind = kind;
        this.counts = new double[kind == Kind.STEP ? vocab.levels() + 1 : tree.nodeCount()][vocab.size()];
        for (TrainingSamples.Sample s : samples) {
            double total = total(s);
            for (TargetBuilder.Target t : s.targets()) {
                walk(t, (step, node, token) -> counts[kind == Kind.STEP ? step : node][token] += t.weight() / total);
            }
        }
    }

    private static double total(TrainingSamples.Sample s) {
        double w = 0;
        for (TargetBuilder.Target t : s.targets()) {
            w += t.weight();
        }
        return w;
    }

    @FunctionalInterface
    private interface Visit {
        void at(int step, int node, int token);
    }

    /** Visits each (step, prefix node, next token) of a target path, EOS at the end. */
    private void walk(TargetBuilder.Target t, Visit v) {
        int node = 0;
        for (int step = 0; step <= t.path().depth(); step++) {
            int token = step == t.path().depth() ? CircleVocabulary.EOS : vocab.token(step, t.path().index(step));
            v.at(step, node, token);
            if (token != CircleVocabulary.EOS) {
                node = tree.child(node, t.path().index(step));
            }
        }
    }

    /** Mean over samples of the expected path negative log-likelihood (nats). */
    public double loss(List<TrainingSamples.Sample> samples) {
        double sum = 0;
        for (TrainingSamples.Sample s : samples) {
            double total = total(s);
            double[] nll = {0};
            for (TargetBuilder.Target t : s.targets()) {
                double w = t.weight() / total;
                walk(t, (step, node, token) -> nll[0] += w * -Math.log(probability(step, node, token)));
            }
            sum += nll[0];
        }
        return sum / samples.size();
    }

    private double probability(int step, int node, int token) {
        double[] c = counts[kind == Kind.STEP ? step : node];
        int depth = tree.depth(node);
        double denom = 0;
        for (int i = 0; i < tree.childCount(node); i++) {
            denom += c[vocab.token(depth, i)] + 0.5;
        }
        if (node != 0) {
            denom += c[CircleVocabulary.EOS] + 0.5;
        }
        return (c[token] + 0.5) / denom;
    }
}
