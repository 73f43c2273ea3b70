package io.rimirec.tools.eval.rimirec;

import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.vector.Vectors;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.eval.EvalCase;
import io.rimirec.tools.eval.EvalResult;
import io.rimirec.tools.eval.EvalTask;
import io.rimirec.tools.eval.Evaluator;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.HimiRecProtocol;
import io.rimirec.tools.eval.MetricSpec;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.Synthetic;
import io.rimirec.tools.eval.baseline.Popularity;
import io.rimirec.tools.util.Metrics;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rimirec offline on the planted-genre set (users stay inside one of 6 genres of 30 items): its generator must learn
 * (validation loss below the circle prior), so must its user tower (below 0.95 of chance) and its circles must find the genre, which popularity cannot; B = 1 and
 * B = 4 share one fitted model.
 */
class RimirecMethodTest {

    static final SequenceDataset DATA = Synthetic.genres(300, 6, 30, 24, 11);
    static final MetricSpec R20 = new MetricSpec(Metrics.Kind.RECALL, 20, true);
    /** One task for every test, so the model (keyed on the task's training data and the settings) is trained once. */
    static final EvalTask TASK = new HimiRecProtocol().test(DATA, 5);

    @Test
    void findsThePlantedGenresWhichPopularityCannot() {
        EvalTask task = TASK;
        Settings settings = new RimirecMethod(1).grid(true).get(0).with("c", 20).with("dim", 8);
        double popularity = recall20(new Popularity().create(Settings.of()), task);
        try (Recommender one = new RimirecMethod(1).create(settings); Recommender four = new RimirecMethod(4).create(settings)) {
            FitContext ctx = new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream()));
            one.fit(task.train(), ctx);
            four.fit(task.train(), ctx);
            Map<String, Object> d = one.diagnostics();
            assertEquals(Boolean.TRUE, d.get("learned"), "the generator or the user tower did not learn: " + d);
            assertTrue(d == four.diagnostics(), "B = 1 and B = 4 share one fitted model");
            double r1 = evaluate(one, task);
            double r4 = evaluate(four, task);
            assertTrue(r1 > popularity + 0.3, "rimirec B=1 recall@20 " + r1 + " vs popularity " + popularity);
            assertTrue(r4 > popularity + 0.3, "rimirec B=4 recall@20 " + r4 + " vs popularity " + popularity);
        }
    }

    @Test
    void historyFromCodesSharesTheModelAndStillFindsTheGenres() {
        EvalTask task = new HimiRecProtocol().test(DATA, 5);
        Settings settings = new RimirecMethod(4).grid(true).get(0).with("c", 20).with("dim", 8);
        double popularity = recall20(new Popularity().create(Settings.of()), task);
        try (Recommender vectors = new RimirecMethod(4).create(settings); Recommender codes = new RimirecMethod(4, true).create(settings)) {
            FitContext ctx = new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream()));
            vectors.fit(task.train(), ctx);
            codes.fit(task.train(), ctx);
            assertTrue(vectors.diagnostics() == codes.diagnostics(), "the codes row reuses the fitted model");
            assertEquals("rimirec-b4-codes", new RimirecMethod(4, true).name());
            double rc = evaluate(codes, task);
            assertTrue(rc > popularity + 0.3, "rimirec B=4 from codes recall@20 " + rc + " vs popularity " + popularity);
        }
    }

    /** The paper's two ablations run on the very model the main rows fitted (no second training). */
    @Test
    void theAblationsShareTheMainRowsModelAndDifferOnlyWhereTheySay() {
        EvalTask task = TASK;
        Settings settings = new RimirecMethod(1).grid(true).get(0).with("c", 20).with("dim", 8);
        FitContext ctx = new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream()));
        try (Recommender main = new RimirecMethod(4).create(settings);
             Recommender whole = new RimirecMethod(4, RimirecMethod.Variant.WHOLE_LIBRARY).create(settings);
             Recommender unified = new RimirecMethod(4, RimirecMethod.Variant.UNIFIED).create(settings)) {
            main.fit(task.train(), ctx);
            whole.fit(task.train(), ctx);
            unified.fit(task.train(), ctx);
            assertSame(main.diagnostics(), whole.diagnostics(), "whole-library ablation shares the fitted model");
            assertSame(main.diagnostics(), unified.diagnostics(), "unified ablation shares the fitted model");
            assertEquals("rimirec-wholelib-b4", new RimirecMethod(4, RimirecMethod.Variant.WHOLE_LIBRARY).name());
            assertEquals("rimirec-unified-b4", new RimirecMethod(4, RimirecMethod.Variant.UNIFIED).name());

            // Whole library: the searches are not confined to the circles, so some hit lies outside every planned circle.
            RimirecModel model = RimirecMethod.sharedModel(task.train(), settings, ctx);
            int outside = 0;
            for (EvalCase c : task.cases().subList(0, 20)) {
                List<HistoryItem> history = historyOf(model, c.history());
                List<CirclePath> circles = model.planner.plan(history, 4).circles().stream().map(RecallPlanner.CirclePlan::circle).toList();
                int[] inCircles = main.recommend(List.of(Query.excludingHistory(c.history())), 50)[0];
                for (int item : inCircles) {
                    assertTrue(circles.stream().anyMatch(circle -> circle.contains(model.recall.leaves()[item])), "main row stays inside its circles");
                }
                for (int item : whole.recommend(List.of(Query.excludingHistory(c.history())), 50)[0]) {
                    outside += circles.stream().anyMatch(circle -> circle.contains(model.recall.leaves()[item])) ? 0 : 1;
                }
            }
            assertTrue(outside > 0, "the whole-library ablation never left the circles");
        }
    }

    /**
     * HistoryMode.UNIFIED keeps the generated circles and their probabilities and feeds every circle the whole history;
     * checked with the model's own user vectors (the tower) and, where the expected vector is known in closed form,
     * with mean-of-slice vectors (then every circle's vector is the mean of the whole history).
     */
    @Test
    void theUnifiedPlannerGivesEveryCircleTheWholeHistory() {
        EvalTask task = TASK;
        Settings settings = new RimirecMethod(1).grid(true).get(0).with("c", 20).with("dim", 8);
        RimirecModel model = RimirecMethod.sharedModel(task.train(), settings, new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream())));
        assertEquals(RecallPlanner.HistoryMode.SPLIT, model.planner.historyMode());
        boolean anyDiffers = false;
        for (RecallPlanner planner : List.of(model.planner, model.meanPlanner)) {
            RecallPlanner unified = planner.withHistoryMode(RecallPlanner.HistoryMode.UNIFIED);
            assertSame(planner.userVectors(), unified.userVectors(), "the ablation uses the model's own user vectors");
            boolean mean = planner.userVectors() == io.rimirec.core.recall.UserVectors.MEAN_OF_SLICE;
            for (EvalCase c : task.cases().subList(0, 20)) {
                // Two users' histories back to back: two interests, so the split matters.
                int[] twoUsers = java.util.stream.IntStream.concat(java.util.Arrays.stream(c.history()),
                    java.util.Arrays.stream(task.cases().get(task.cases().size() - 1).history())).toArray();
                List<HistoryItem> history = historyOf(model, twoUsers);
                RecallPlanner.Plan split = planner.plan(history, 4);
                RecallPlanner.Plan whole = unified.plan(history, 4);
                float[] wholeMean = Vectors.normalizedMean(history.stream().map(HistoryItem::vector).toList());
                assertEquals(split.circles().size(), whole.circles().size());
                for (int i = 0; i < split.circles().size(); i++) {
                    assertEquals(split.circles().get(i).circle(), whole.circles().get(i).circle());
                    assertEquals(split.circles().get(i).probability(), whole.circles().get(i).probability(), 1e-12);
                    assertEquals(history.size(), whole.circles().get(i).historyItems());
                    if (mean) {
                        assertArrayEquals(wholeMean, whole.circles().get(i).userVector(), 1e-5f);
                        anyDiffers |= !java.util.Arrays.equals(split.circles().get(i).userVector(), whole.circles().get(i).userVector());
                    }
                }
            }
        }
        assertTrue(anyDiffers, "the split plan's vectors were all the whole-history mean: the test shows nothing");
    }

    private static List<HistoryItem> historyOf(RimirecModel model, int[] items) {
        List<HistoryItem> history = new java.util.ArrayList<>();
        for (int item : items) {
            if (model.vectors[item] != null) {
                history.add(new HistoryItem(Integer.toString(item), model.vectors[item], model.recall.leaves()[item]));
            }
        }
        return history;
    }

    private static double recall20(Recommender r, EvalTask task) {
        try (r) {
            r.fit(task.train(), new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream())));
            return evaluate(r, task);
        }
    }

    private static double evaluate(Recommender r, EvalTask task) {
        EvalResult res = new Evaluator(1, 32).evaluate(r, task.cases(), List.of(R20));
        return res.mean(R20);
    }
}
