package io.rimirec.core.generate;

import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConstrainedBeamSearchTest {

    /** A scorer whose logits depend only on the prefix, from a table; unset tokens get {@code rest}. */
    private static ConstrainedBeamSearch.StepScorer table(CircleVocabulary v, Map<CirclePath, Map<Integer, Float>> logits, float rest, List<Integer> calls) {
        return (tokens, beams, length) -> {
            calls.add(beams);
            float[] out = new float[beams * v.size()];
            java.util.Arrays.fill(out, rest);
            for (int b = 0; b < beams; b++) {
                int[] row = new int[length];
                for (int j = 0; j < length; j++) {
                    row[j] = (int) tokens[b * length + j];
                }
                assertEquals(CircleVocabulary.BOS, row[0], "every prefix starts with BOS");
                Map<Integer, Float> m = logits.getOrDefault(v.path(row), Map.of());
                for (Map.Entry<Integer, Float> e : m.entrySet()) {
                    out[b * v.size() + e.getKey()] = e.getValue();
                }
            }
            return out;
        };
    }

    private static float ln(double p) {
        return (float) Math.log(p);
    }

    @Test
    void randomLogitsNeverLeaveTheTrie() {
        Random r = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            CircleTree tree = TestTrees.random(r, 1 + r.nextInt(4), 2 + r.nextInt(4));
            CircleVocabulary v = CircleVocabulary.of(tree);
            int width = 1 + r.nextInt(8);
            long seed = r.nextLong();
            Random logitsRandom = new Random(seed);
            ConstrainedBeamSearch.StepScorer scorer = (tokens, beams, length) -> {
                float[] out = new float[beams * v.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) (logitsRandom.nextGaussian() * 4);
                }
                return out;
            };
            LengthPolicy policy = new LengthPolicy(r.nextInt(3) * 0.5, r.nextInt(3) * 0.5);
            List<Interest> out = new ConstrainedBeamSearch(tree, v, policy).search(scorer, width);
            int circles = tree.nodeCount() - 1;
            assertEquals(Math.min(width, circles), out.size(), "trial " + trial + ": beams returned");
            Set<CirclePath> seen = new HashSet<>();
            double sum = 0;
            double lastScore = Double.POSITIVE_INFINITY;
            for (Interest i : out) {
                assertTrue(tree.contains(i.circle()), "trial " + trial + ": " + i.circle() + " is not a circle of the tree");
                assertTrue(i.circle().depth() >= 1, "the root is never an interest");
                assertEquals(tree.nodeOf(i.circle()), i.node());
                assertTrue(seen.add(i.circle()), "duplicate " + i.circle());
                assertTrue(i.score() <= lastScore, "sorted by score");
                assertTrue(i.logProb() <= 1e-9, "log-probabilities are <= 0");
                lastScore = i.score();
                sum += i.probability();
            }
            assertEquals(1.0, sum, 1e-9);
        }
    }

    @Test
    void eosIsNeverTakenAtTheRootAndEndsPathsBelowIt() {
        CircleTree tree = TestTrees.fixed();
        CircleVocabulary v = CircleVocabulary.of(tree);
        List<Integer> calls = new ArrayList<>();
        // EOS dominates everywhere: at the root it must still pick a child; below, it stops at depth 1.
        Map<CirclePath, Map<Integer, Float>> t = new HashMap<>();
        for (CirclePath p : List.of(CirclePath.ROOT, CirclePath.of(0), CirclePath.of(2), CirclePath.of(2, 0))) {
            t.put(p, Map.of(CircleVocabulary.EOS, 50f));
        }
        List<Interest> out = new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW).search(table(v, t, 0f, calls), 3);
        assertEquals(List.of(CirclePath.of(0), CirclePath.of(1), CirclePath.of(2)), out.stream().map(Interest::circle).toList(), out.stream().map(i -> i.circle() + ":" + i.logProb()).toList().toString());
    }

    @Test
    void leavesEndWithoutAnotherDecoderCall() {
        // Depth-1 tree: every child of the root is a leaf, so one decoder call decides everything.
        CircleTree.Builder b = io.rimirec.core.tree.CircleTree.builder(io.rimirec.core.vector.Metric.L2, 1);
        int root = b.root(new float[] {0}, 3);
        for (int i = 0; i < 3; i++) {
            b.child(root, new float[] {i}, 0, 1);
        }
        CircleTree tree = b.build();
        CircleVocabulary v = CircleVocabulary.of(tree);
        List<Integer> calls = new ArrayList<>();
        Map<CirclePath, Map<Integer, Float>> t = Map.of(CirclePath.ROOT, Map.of(v.token(0, 0), ln(0.2), v.token(0, 1), ln(0.5), v.token(0, 2), ln(0.3)));
        List<Interest> out = new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW).search(table(v, t, -100f, calls), 2);
        assertEquals(List.of(1), calls);
        assertEquals(List.of(CirclePath.of(1), CirclePath.of(2)), out.stream().map(Interest::circle).toList());
        // Forced EOS costs nothing: the log-probability is the child's own.
        assertEquals(Math.log(0.5), out.get(0).logProb(), 1e-5);
        assertEquals(0.5 / 0.8, out.get(0).probability(), 1e-5);
    }

    @Test
    void beamsAreBatchedIntoOneDecoderCallPerLevel() {
        CircleTree tree = TestTrees.fixed();
        CircleVocabulary v = CircleVocabulary.of(tree);
        List<Integer> calls = new ArrayList<>();
        new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW).search(table(v, Map.of(), 0f, calls), 6);
        // Level 0: the root; level 1: the internal circles 0 and 2; level 2: the internal circle 2/0.
        assertEquals(List.of(1, 2, 1), calls);
    }

    @Test
    void lengthPolicyDecidesBetweenAncestorAndChild() {
        CircleTree tree = TestTrees.fixed();
        CircleVocabulary v = CircleVocabulary.of(tree);
        // P(0) = 0.9; at 0: P(EOS) = 0.5, P(0/0) = 0.45, P(0/1) = 0.05.
        Map<CirclePath, Map<Integer, Float>> t = Map.of(
            CirclePath.ROOT, Map.of(v.token(0, 0), ln(0.9), v.token(0, 1), ln(0.05), v.token(0, 2), ln(0.05)),
            CirclePath.of(0), Map.of(CircleVocabulary.EOS, ln(0.5), v.token(1, 0), ln(0.45), v.token(1, 1), ln(0.05)));
        List<Integer> calls = new ArrayList<>();
        // Raw: "0" (0.45) beats "0/0" (0.405).
        assertEquals(CirclePath.of(0), new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW).search(table(v, t, -100f, calls), 1).get(0).circle());
        // Mean log-probability per level: log(0.405)/2 > log(0.45).
        assertEquals(CirclePath.of(0, 0), new ConstrainedBeamSearch(tree, v, new LengthPolicy(1, 0)).search(table(v, t, -100f, calls), 1).get(0).circle());
        // A per-level bonus larger than log(0.45/0.405) also prefers the child; a smaller one does not.
        assertEquals(CirclePath.of(0, 0), new ConstrainedBeamSearch(tree, v, new LengthPolicy(0, 0.2)).search(table(v, t, -100f, calls), 1).get(0).circle());
        assertEquals(CirclePath.of(0), new ConstrainedBeamSearch(tree, v, new LengthPolicy(0, 0.05)).search(table(v, t, -100f, calls), 1).get(0).circle());
    }

    @Test
    void tiesBreakByPathOrder() {
        CircleTree tree = TestTrees.fixed();
        CircleVocabulary v = CircleVocabulary.of(tree);
        List<Integer> calls = new ArrayList<>();
        // All logits equal: root children are tied at 1/3. Ties go to the smaller path, on every run.
        List<Interest> a = new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW).search(table(v, Map.of(), 0f, calls), 2);
        assertEquals(List.of(CirclePath.of(1), CirclePath.of(0)), a.stream().map(Interest::circle).toList(),
            "the leaf 1 (p=1/3) first, then the tied 0 and 2 EOS paths (1/9 each) in path order");
        List<Interest> b = new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW).search(table(v, Map.of(), 0f, calls), 2);
        assertEquals(a, b);
    }

    @Test
    void probabilitiesAreRenormalisedOverTheBeams() {
        CircleTree tree = TestTrees.fixed();
        CircleVocabulary v = CircleVocabulary.of(tree);
        Map<CirclePath, Map<Integer, Float>> t = Map.of(
            CirclePath.ROOT, Map.of(v.token(0, 0), ln(0.6), v.token(0, 1), ln(0.3), v.token(0, 2), ln(0.1)),
            CirclePath.of(0), Map.of(CircleVocabulary.EOS, ln(0.2), v.token(1, 0), ln(0.5), v.token(1, 1), ln(0.3)));
        List<Interest> out = new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW).search(table(v, t, -100f, new ArrayList<>()), 3);
        // Paths: 0/0 = 0.30, 1 = 0.30, 0/1 = 0.18 (0 = 0.12 drops out).
        assertEquals(List.of(CirclePath.of(0, 0), CirclePath.of(1), CirclePath.of(0, 1)), out.stream().map(Interest::circle).toList());
        double total = 0.30 + 0.30 + 0.18;
        assertEquals(0.30 / total, out.get(0).probability(), 1e-5);
        assertEquals(0.18 / total, out.get(2).probability(), 1e-5);
        assertEquals(Math.log(0.18), out.get(2).logProb(), 1e-5);
    }

    @Test
    void moreBeamsThanCirclesReturnsEveryCircleOnce() {
        CircleTree tree = TestTrees.fixed();
        CircleVocabulary v = CircleVocabulary.of(tree);
        List<Interest> out = new ConstrainedBeamSearch(tree, v, LengthPolicy.DEFAULT).search(table(v, Map.of(), 0f, new ArrayList<>()), 50);
        assertEquals(tree.nodeCount() - 1, out.size());
        assertEquals(tree.nodeCount() - 1, out.stream().map(Interest::circle).distinct().count());
    }

    @Test
    void nestedCirclesAreReported() {
        CircleTree tree = TestTrees.fixed();
        CircleVocabulary v = CircleVocabulary.of(tree);
        List<Interest> out = new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW).search(table(v, Map.of(), 0f, new ArrayList<>()), 50);
        Map<CirclePath, Interest> by = new HashMap<>();
        out.forEach(i -> by.put(i.circle(), i));
        assertNull(by.get(CirclePath.of(2)).nestedIn());
        assertEquals(CirclePath.of(2), by.get(CirclePath.of(2, 0)).nestedIn());
        assertEquals(CirclePath.of(2, 0), by.get(CirclePath.of(2, 0, 1)).nestedIn(), "the deepest containing beam");
        assertEquals(CirclePath.of(0), by.get(CirclePath.of(0, 1)).nestedIn());
    }

    @Test
    void badDecoderOutputIsAnError() {
        CircleTree tree = TestTrees.fixed();
        CircleVocabulary v = CircleVocabulary.of(tree);
        ConstrainedBeamSearch s = new ConstrainedBeamSearch(tree, v, LengthPolicy.RAW);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.search((t, b, l) -> new float[3], 2));
        assertTrue(e.getMessage().contains("vocabulary size"), e.getMessage());
        float[] nan = new float[v.size()];
        java.util.Arrays.fill(nan, Float.NaN);
        assertThrows(IllegalStateException.class, () -> s.search((t, b, l) -> nan, 2));
        assertThrows(IllegalArgumentException.class, () -> s.search((t, b, l) -> new float[v.size()], 0));
    }
}
