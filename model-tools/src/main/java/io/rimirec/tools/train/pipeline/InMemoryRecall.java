package io.rimirec.tools.train.pipeline;

import io.rimirec.core.merge.BestScoreMerge;
import io.rimirec.core.merge.QuotaMerge;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.tools.util.TopK;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code rimirec} query's recall with the k-NN searches done exactly in memory: the planner's circles and user
 * vectors, as many candidates per circle as the query asks for by default, an exact search inside each circle, the quota
 * merge — {@link RecallPlanner} and {@link QuotaMerge}, the code the query runs, so online reproduces these results.
 * Shared by the evaluation's rimirec rows and {@code rimirec train}'s held-out check.
 */
public final class InMemoryRecall {

    private final float[][] vectors;
    private final CirclePath[] leafOf;
    private final CircleTree tree;
    private final Map<CirclePath, int[]> itemsUnder = new ConcurrentHashMap<>();

    /** @param vectors by catalogue item, null for an item without a vector (never recommended) */
    public InMemoryRecall(float[][] vectors, CircleTree tree) {
        this.vectors = vectors;
        this.tree = tree;
        this.leafOf = new CirclePath[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] != null) {
                leafOf[i] = tree.assign(vectors[i]);
            }
        }
    }

    public float[][] vectors() {
        return vectors;
    }

    /** Each item's leaf (null without a vector). */
    public CirclePath[] leaves() {
        return leafOf;
    }

    public CircleTree tree() {
        return tree;
    }

    /** The history as the query reads it: the items that have a vector, oldest first. */
    public List<HistoryItem> history(int[] items) {
        List<HistoryItem> history = new ArrayList<>(items.length);
        for (int item : items) {
            if (vectors[item] != null) {
                history.add(new HistoryItem(Integer.toString(item), vectors[item], leafOf[item]));
            }
        }
        return history;
    }

    /**
     * The merged top {@code m} for a history (empty when no history item has a vector).
     *
     * @param wholeLibrary search the whole catalogue with each circle's user vector (the paper's ablation)
     */
    public int[] recommend(RecallPlanner planner, List<HistoryItem> history, int beams, int m, double alpha, boolean wholeLibrary, BitSet exclude) {
        return history.isEmpty() ? new int[0] : recommend(planner.plan(history, beams), m, alpha, wholeLibrary, exclude);
    }

    /** The merged top {@code m} for a plan already made (a caller that also inspects the plan runs the generator once). */
    public int[] recommend(RecallPlanner.Plan plan, int m, double alpha, boolean wholeLibrary, BitSet exclude) {
        List<QuotaMerge.CircleCandidates> candidates = new ArrayList<>(plan.circles().size());
        int[] ks = QuotaMerge.candidatesPerCircle(m, plan.circles().stream().mapToDouble(RecallPlanner.CirclePlan::probability).toArray(), alpha);
        for (int i = 0; i < plan.circles().size(); i++) {
            RecallPlanner.CirclePlan c = plan.circles().get(i);
            int[] searched = itemsUnder(wholeLibrary ? CirclePath.ROOT : c.circle());
            float[] user = c.userVector();
            List<String> ids = TopK.selectAmong(searched, item -> tree.metric().similarity(user, vectors[item]), ks[i], exclude);
            candidates.add(new QuotaMerge.CircleCandidates(c.circle().toString(), c.probability(), ids));
        }
        return QuotaMerge.merge(candidates, m, alpha).stream().mapToInt(h -> Integer.parseInt(h.item())).toArray();
    }

    /**
     * The {@code "strategy": "hymirec"} answer with exact searches: each interest's top {@code m} by the tree's metric over
     * every item with a vector, merged by best score ({@link BestScoreMerge}, the query's merge).
     */
    public int[] recommendInterests(float[][] interests, int m, BitSet exclude) {
        List<BestScoreMerge.Candidates> lists = new ArrayList<>(interests.length);
        int[] all = itemsUnder(CirclePath.ROOT);
        for (float[] v : interests) {
            List<String> ids = TopK.selectAmong(all, item -> tree.metric().similarity(v, vectors[item]), m, exclude);
            List<Float> scores = new ArrayList<>(ids.size());
            for (String id : ids) {
                scores.add((float) tree.metric().similarity(v, vectors[Integer.parseInt(id)]));
            }
            lists.add(new BestScoreMerge.Candidates(ids, scores));
        }
        return BestScoreMerge.merge(lists, m).stream().mapToInt(h -> Integer.parseInt(h.item())).toArray();
    }

    /** Catalogue items whose leaf lies under {@code circle}, computed once per circle. */
    public int[] itemsUnder(CirclePath circle) {
        return itemsUnder.computeIfAbsent(circle, c -> {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < leafOf.length; i++) {
                if (leafOf[i] != null && c.contains(leafOf[i])) {
                    out.add(i);
                }
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        });
    }
}
