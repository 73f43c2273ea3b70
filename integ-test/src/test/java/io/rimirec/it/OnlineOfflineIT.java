package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.movielens.MovieLens;
import io.rimirec.tools.data.movielens.Preprocessing;
import io.rimirec.tools.eval.EvalResult;
import io.rimirec.tools.eval.EvalTask;
import io.rimirec.tools.eval.Evaluator;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.HimiRecProtocol;
import io.rimirec.tools.eval.MetricSpec;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.Splits;
import io.rimirec.tools.eval.rimirec.OnlineRimirec;
import io.rimirec.tools.eval.rimirec.RimirecMethod;
import io.rimirec.tools.opensearch.JsonHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Online = offline on real data (issue 5): one rimirec model fitted on an ML-1M subsample, evaluated under protocol A
 * offline (core's planner and merge, exact search in memory) and through a real node (the {@code rimirec} query, k-NN
 * plugin inside every circle, made exact by {@code ef_search} = catalogue size). Every protocol-A metric must agree
 * within 0.5 points, and the two must return the same list for nearly every query.
 */
@ClusterShape(nodes = 1)
class OnlineOfflineIT extends ClusterTestCase {

    static final int USERS = 1250;
    static final long SEED = 42;
    static final int BEAMS = 4;

    static Path ml1m() {
        for (Path p : List.of(Path.of("../shared/data/ml-1m"), Path.of("../../shared/data/ml-1m"))) {
            if (Files.isRegularFile(p.resolve(MovieLens.SEQUENCES_FILE))) {
                return p;
            }
        }
        return null;
    }

    @Test
    void theRimirecQueryReproducesTheOfflineProtocolANumbers() throws Exception {
        SequenceDataset ds = ml1mSample(USERS, SEED, "online=offline IT");
        HimiRecProtocol protocol = new HimiRecProtocol();
        EvalTask task = protocol.test(ds, SEED);

        RimirecMethod method = new RimirecMethod(BEAMS);
        Settings settings = method.grid(true).get(0).with("maxMinutes", 0.5);
        FitContext ctx = new FitContext(SEED, 2, new PrintStream(OutputStream.nullOutputStream()));
        Recording offline = new Recording(method.create(settings));
        Recording online = new Recording(new OnlineRimirec(method, BEAMS, new JsonHttp(cluster.restClient())).create(settings));
        try (offline; online) {
            fitBoth(rest, task, ctx, offline, online);
            assertEquals(Boolean.TRUE, offline.diagnostics().get("learned"), "the generator learned: " + offline.diagnostics());

            assertTrue(task.cases().size() >= 250, "a few hundred test users, got " + task.cases().size());
            assertOnlineMatchesOffline("OnlineOfflineIT", protocol.metrics(), task, offline, online, "Recall@50", 0.05);
            assertEquals(2 * task.cases().size(), offline.answers.size());
        }
    }

    /** A seeded sample of {@code users} ML-1M users; skips the test (assumption) when the data is not beside the repository. */
    static SequenceDataset ml1mSample(int users, long seed, String why) throws IOException {
        Path data = ml1m();
        assumeTrue(data != null, "skipped: ../shared/data/ml-1m/sequences.txt (beside the repository) is not on this machine");
        SequenceDataset all = MovieLens.load(data, Preprocessing.NONE);
        int[] keep = Splits.randomUsers(all.numUsers(), (double) users / all.numUsers(), seed)[1];
        return all.subset(keep, why + ": " + keep.length + " users sampled with seed " + seed);
    }

    /**
     * Fits the offline row and its online twin on the task's training data and registers the served model, pipeline and
     * index for deletion after the test; returns the online row's diagnostics (model_id, pipeline, index, ...).
     */
    static Map<String, Object> fitBoth(Rest rest, EvalTask task, FitContext ctx, Recording offline, Recording online) {
        offline.fit(task.train(), ctx);
        online.fit(task.train(), ctx);
        Map<String, Object> served = online.diagnostics();
        rest.deleteAfter("/_plugins/rimirec/models/" + served.get("model_id"));
        rest.deleteAfter("/_ingest/pipeline/" + served.get("pipeline"));
        rest.deleteAfter("/" + served.get("index"));
        return served;
    }

    /**
     * Evaluates both rows on the task's cases and asserts every metric agrees within 0.5 points and at least 95% of the
     * queries got the same list; prints the table. {@code sanityMetric} must reach {@code sanityFloor} offline, so the
     * comparison is not between two empty answers.
     */
    static void assertOnlineMatchesOffline(String label, List<MetricSpec> metrics, EvalTask task, Recording offline, Recording online,
                                           String sanityMetric, double sanityFloor) {
        EvalResult off = new Evaluator(2, 32).evaluate(offline, task.cases(), metrics);
        EvalResult on = new Evaluator(2, 32).evaluate(online, task.cases(), metrics);
        StringBuilder table = new StringBuilder();
        for (MetricSpec m : metrics) {
            table.append(String.format("%s offline %.2f online %.2f%n", m.name(), 100 * off.mean(m), 100 * on.mean(m)));
        }
        System.out.printf("%s: %d test users, %d training sequences; queries offline %.1fs, online %.1fs; online diagnostics %s%n%s", label,
            task.cases().size(), task.train().numSequences(), off.seconds(), on.seconds(), online.diagnostics(), table);
        MetricSpec sanity = metrics.stream().filter(m -> m.name().equals(sanityMetric)).findFirst().orElseThrow();
        assertTrue(off.mean(sanity) > sanityFloor, "offline " + sanityMetric + " is too low to compare anything: " + table);
        for (MetricSpec m : metrics) {
            assertEquals(100 * off.mean(m), 100 * on.mean(m), 0.5, m.name() + " offline vs online (points)\n" + table);
        }
        int same = 0;
        for (Map.Entry<String, int[]> e : offline.answers.entrySet()) {
            same += Arrays.equals(e.getValue(), online.answers.get(e.getKey())) ? 1 : 0;
        }
        assertTrue(same >= 0.95 * offline.answers.size(), same + " of " + offline.answers.size() + " queries got the same list\n" + table);
    }

    /** Keeps every answer by query (history and whether it is excluded) so the two paths' lists can be compared. */
    static final class Recording implements Recommender {
        final Recommender inner;
        final Map<String, int[]> answers = new ConcurrentHashMap<>();

        Recording(Recommender inner) {
            this.inner = inner;
        }

        @Override
        public void fit(io.rimirec.tools.eval.TrainingData data, FitContext ctx) {
            inner.fit(data, ctx);
        }

        @Override
        public int[][] recommend(List<Query> batch, int m) {
            int[][] out = inner.recommend(batch, m);
            for (int q = 0; q < batch.size(); q++) {
                answers.put(Arrays.toString(batch.get(q).history()) + " exclude=" + !batch.get(q).exclude().isEmpty(), out[q]);
            }
            return out;
        }

        @Override
        public Map<String, Object> diagnostics() {
            return inner.diagnostics();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
