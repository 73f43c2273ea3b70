package io.rimirec.tools.eval.rimirec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rimirec.tools.eval.EvalResult;
import io.rimirec.tools.eval.EvalTask;
import io.rimirec.tools.eval.Evaluator;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.HimiRecProtocol;
import io.rimirec.tools.eval.MetricSpec;
import io.rimirec.tools.eval.Metrics;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.Synthetic;
import io.rimirec.tools.eval.baseline.Popularity;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * rimirec offline on the planted-genre set (users stay inside one of 6 genres of 30 items): its generator must learn
 * (validation loss below the circle prior) and its circles must find the genre, which popularity cannot; B = 1 and
 * B = 4 share one fitted model.
 */
class RimirecMethodTest {

    static final SequenceDataset DATA = Synthetic.genres(300, 6, 30, 24, 11);
    static final MetricSpec R20 = new MetricSpec(Metrics.Kind.RECALL, 20, true);

    @Test
    void findsThePlantedGenresWhichPopularityCannot() {
        EvalTask task = new HimiRecProtocol().test(DATA, 5);
        Settings settings = new RimirecMethod(1).grid(true).get(0).with("c", 20).with("dim", 8);
        double popularity = recall20(new Popularity().create(Settings.of()), task);
        try (Recommender one = new RimirecMethod(1).create(settings); Recommender four = new RimirecMethod(4).create(settings)) {
            FitContext ctx = new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream()));
            one.fit(task.train(), ctx);
            four.fit(task.train(), ctx);
            Map<String, Object> d = one.diagnostics();
            assertEquals(Boolean.TRUE, d.get("learned"), "the generator did not learn: " + d);
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
