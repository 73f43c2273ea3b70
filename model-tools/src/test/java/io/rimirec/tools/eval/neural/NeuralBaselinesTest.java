package io.rimirec.tools.eval.neural;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.eval.EvalResult;
import io.rimirec.tools.eval.EvalTask;
import io.rimirec.tools.eval.Evaluator;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.HimiRecProtocol;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.MetricSpec;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.Synthetic;
import io.rimirec.tools.eval.baseline.Popularity;
import io.rimirec.tools.util.Metrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trained baselines on a planted set (users stay inside one of 6 genres of 30 items): each must end its
 * training well below the chance loss ln(180) and find the genre, which popularity cannot. Small models and few
 * epochs so the whole class runs in seconds.
 */
class NeuralBaselinesTest {

    static final SequenceDataset DATA = Synthetic.genres(300, 6, 30, 24, 11);
    static final MetricSpec R20 = new MetricSpec(Metrics.Kind.RECALL, 20, true);
    static EvalTask task;
    static double popularity;

    @BeforeAll
    static void setUp() {
        task = new HimiRecProtocol().test(DATA, 5);
        popularity = recall20(new Popularity().create(Settings.of())).recall();
    }

    record Outcome(double recall, Map<String, Object> diagnostics) {}

    static Outcome recall20(Recommender r) {
        try (r) {
            r.fit(task.train(), new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream())));
            EvalResult res = new Evaluator(1, 32).evaluate(r, task.cases(), List.of(R20));
            return new Outcome(res.mean(R20), r.diagnostics());
        }
    }

    static void learnsTheGenres(Method method, Settings settings) {
        Outcome o = recall20(method.create(settings));
        Map<String, Object> d = o.diagnostics();
        assertEquals(Boolean.TRUE, d.get("learned"), method.name() + " did not learn: " + d);
        double chance = ((Number) d.get("loss_chance")).doubleValue();
        assertEquals(Math.log(180), chance, 1e-3);
        @SuppressWarnings("unchecked")
        List<Double> curve = (List<Double>) d.get("loss_curve");
        assertTrue(curve.get(curve.size() - 1) < 0.75 * chance, method.name() + " loss " + curve + " vs chance " + chance);
        assertTrue(curve.get(curve.size() - 1) < curve.get(0), method.name() + " loss did not fall: " + curve);
        assertTrue(o.recall() > popularity + 0.3, method.name() + " recall@20 " + o.recall() + " vs popularity " + popularity);
    }

    static Settings small(Settings defaults) {
        return defaults.with("dim", 16).with("maxLen", 20).with("batch", 64).with("lr", 1e-2);
    }

    @Test
    void popularityIsBlindToGenres() {
        assertTrue(popularity < 0.3, "popularity recall@20 " + popularity);
    }

    @Test
    void twoTowerLearns() {
        learnsTheGenres(new TwoTower(), small(TwoTower.defaults()).with("epochs", 6).with("perUser", 10));
    }

    @Test
    void sasRecLearns() {
        learnsTheGenres(new SasRec(), small(SasRec.defaults()).with("blocks", 1).with("dropout", 0.1).with("epochs", 15));
    }

    @Test
    void mindLearns() {
        learnsTheGenres(new Mind(), small(Mind.defaults()).with("interests", 2).with("epochs", 6).with("perUser", 10));
    }

    @Test
    void comiRecLearns() {
        learnsTheGenres(new ComiRecSa(), small(ComiRecSa.defaults()).with("interests", 2).with("epochs", 6).with("perUser", 10));
    }

    @Test
    void chanceLevelTrainingIsReportedAsNotLearned() {
        // lr 0: the loss stays at the chance level, and the diagnostics must say so.
        Outcome o = recall20(new TwoTower().create(small(TwoTower.defaults()).with("lr", 0.0).with("epochs", 1).with("perUser", 2)));
        assertEquals(Boolean.FALSE, o.diagnostics().get("learned"), o.diagnostics().toString());
    }
}
