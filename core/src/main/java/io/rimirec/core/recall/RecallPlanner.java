package io.rimirec.core.recall;

import io.rimirec.core.generate.Interest;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.split.BehaviourSplit;
import io.rimirec.core.tree.CirclePath;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything of HimiRec stage 2 that happens before the k-NN searches, in one place so the offline evaluation and the
 * {@code rimirec} query run the same code: generate the user's circles from the history, split the history by those
 * circles, and turn every slice into a user vector. The result is one {@link CirclePlan} per circle.
 *
 * <p>{@link HistoryMode#UNIFIED} skips the split (every circle's user vector comes from the whole history): the
 * ablation the offline evaluation runs to measure what the split is worth.
 */
public final class RecallPlanner {

    /** Slices longer than this keep their most recent items (the user tower's input length). */
    public static final int DEFAULT_MAX_PER_CIRCLE = 200;

    /**
     * One circle to search.
     *
     * @param circle       the circle; its k-NN search is restricted to its subtree
     * @param probability  the generator's probability (over the returned beams), the quota weight
     * @param nestedIn     a broader returned circle that contains this one, or null
     * @param userVector   the query vector for this circle
     * @param historyItems how many history items lie inside the circle
     */
    public record CirclePlan(CirclePath circle, double probability, CirclePath nestedIn, float[] userVector, int historyItems) {}

    /** The circles to search and how long each step took. */
    public record Plan(List<CirclePlan> circles, long generateNanos, long userVectorNanos) {}

    /**
     * Which history each circle's user vector is built from: the items inside the circle (HimiRec's behaviour split,
     * the default), or the whole history for every circle (the paper's "unified user sequence" ablation).
     */
    public enum HistoryMode { SPLIT, UNIFIED }

    private final InterestGenerator generator;
    private final UserVectors userVectors;
    private final int maxPerCircle;
    private final HistoryMode historyMode;

    public RecallPlanner(InterestGenerator generator, UserVectors userVectors, int maxPerCircle) {
        this(generator, userVectors, maxPerCircle, HistoryMode.SPLIT);
    }

    private RecallPlanner(InterestGenerator generator, UserVectors userVectors, int maxPerCircle, HistoryMode historyMode) {
        if (maxPerCircle <= 0) {
            throw new IllegalArgumentException("maxPerCircle must be > 0, got " + maxPerCircle);
        }
        this.generator = generator;
        this.userVectors = userVectors;
        this.maxPerCircle = maxPerCircle;
        this.historyMode = Objects.requireNonNull(historyMode, "historyMode");
    }

    /** The same planner (generator, user vectors, slice length) building its user vectors from {@code mode}'s history. */
    public RecallPlanner withHistoryMode(HistoryMode mode) {
        return mode == historyMode ? this : new RecallPlanner(generator, userVectors, maxPerCircle, mode);
    }

    public HistoryMode historyMode() {
        return historyMode;
    }

    public UserVectors userVectors() {
        return userVectors;
    }

    public InterestGenerator generator() {
        return generator;
    }

    /**
     * @param history the user's history, oldest first; must not be empty
     * @param beams   how many circles to generate (fewer come back when the tree has fewer paths)
     */
    public Plan plan(List<HistoryItem> history, int beams) {
        return plan(history, generate(history, beams));
    }

    /** The generator's circles for a history, and how long generating took: what {@link #plan(List, Generated)} splits by. */
    public record Generated(List<Interest> interests, long nanos) {}

    /** Runs the generator only: a caller comparing history modes plans from one generation (the circles do not depend on the mode). */
    public Generated generate(List<HistoryItem> history, int beams) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("history is empty: recall needs at least one item with a vector");
        }
        long t0 = System.nanoTime();
        List<float[]> vectors = new ArrayList<>(history.size());
        List<CirclePath> leaves = new ArrayList<>(history.size());
        for (HistoryItem item : history) {
            vectors.add(item.vector());
            leaves.add(item.leaf());
        }
        List<Interest> interests = generator.generate(vectors, leaves, beams);
        return new Generated(interests, System.nanoTime() - t0);
    }

    /** The plan for circles already generated from {@code history}: the split (or not, by this planner's mode) and the user vectors. */
    public Plan plan(List<HistoryItem> history, Generated generated) {
        long t1 = System.nanoTime();
        List<CirclePath> leaves = new ArrayList<>(history.size());
        for (HistoryItem item : history) {
            leaves.add(item.leaf());
        }
        List<Interest> interests = generated.interests();
        List<CirclePath> circles = interests.stream().map(Interest::circle).toList();
        List<BehaviourSplit.Slice> slices = historyMode == HistoryMode.SPLIT
            ? BehaviourSplit.split(leaves, circles, maxPerCircle)
            : BehaviourSplit.unified(leaves, circles, maxPerCircle);
        float[][] users = userVectors.embed(history, slices);
        long t2 = System.nanoTime();
        List<CirclePlan> plans = new ArrayList<>(interests.size());
        for (int i = 0; i < interests.size(); i++) {
            Interest in = interests.get(i);
            plans.add(new CirclePlan(in.circle(), in.probability(), in.nestedIn(), users[i], slices.get(i).positions().size()));
        }
        return new Plan(List.copyOf(plans), generated.nanos(), t2 - t1);
    }
}
