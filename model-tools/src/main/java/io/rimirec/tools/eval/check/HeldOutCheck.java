package io.rimirec.tools.eval.check;

import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.vector.Vectors;
import io.rimirec.tools.train.pipeline.InMemoryRecall;
import io.rimirec.tools.train.pipeline.ServingChoice;
import io.rimirec.tools.train.pipeline.TrainRun;
import io.rimirec.tools.util.Metrics;
import io.rimirec.tools.util.TopK;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rimirec train}'s held-out check: on the users carved out of training, their last interactions are predicted
 * from the history before them, history items excluded, by the model just trained (its ONNX parts, through
 * {@link InMemoryRecall}: what the {@code rimirec} query returns, searched exactly), against popularity and one k-NN
 * search with the mean of the history's vectors (a single-vector user model over the same item vectors). Recall@M and
 * HitRate@M as in the evaluation's protocol A (Recall over the distinct held-out items, HitRate the share of users with
 * a hit), each with its standard error over users.
 */
public final class HeldOutCheck {

    public static final int[] BEAMS = ServingChoice.BEAMS;
    public static final int[] CUTOFFS = {20, 50};

    /** One method's row: per cutoff M, the mean Recall and HitRate with their standard errors (in percent). */
    public record Row(String method, Map<String, double[]> metrics) {
        public double recall(int m) {
            return metrics.get("Recall@" + m)[0];
        }

        public double recallError(int m) {
            return metrics.get("Recall@" + m)[1];
        }
    }

    /**
     * @param coverage per beam width B, the mean share of a user's held-out items whose leaf lies inside one of the B
     *                 generated circles (percent): where the generator sends the searches against where the next items are
     */
    public record Result(int users, List<Row> rows, Map<Integer, Double> coverage, String served, String verdict) {
        public Row row(String method) {
            return rows.stream().filter(r -> r.method().equals(method)).findFirst().orElseThrow();
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("users", users);
            m.put("served", served);
            m.put("protocol", "carved-out users: history = all but their last interactions (a fifth, 1 to 10), targets = the distinct held-out "
                + "items; history items excluded; mean over users, standard error in brackets");
            List<Map<String, Object>> rs = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("method", r.method());
                r.metrics().forEach((k, v) -> row.put(k, String.format(Locale.ROOT, "%.2f (%.2f)", v[0], v[1])));
                rs.add(row);
            }
            m.put("rows", rs);
            Map<String, String> cov = new LinkedHashMap<>();
            coverage.forEach((b, v) -> cov.put("b" + b, String.format(Locale.ROOT, "%.2f", v)));
            m.put("generator_coverage", cov);
            m.put("generator_coverage_meaning", "mean share of a user's held-out items inside the B generated circles, percent");
            m.put("verdict", verdict);
            return m;
        }
    }

    private HeldOutCheck() {}

    /**
     * The check for a fit; null when no user was carved out.
     *
     * @param mainBeams the beams the verdict is about when the fit chose no serving defaults (too few carved-out users)
     */
    public static Result run(TrainRun.Result fit, int mainBeams) throws IOException {
        List<TrainRun.HeldOutUser> users = fit.heldOut();
        if (users.isEmpty()) {
            return null;
        }
        float[][] vectors = fit.vectors();
        int n = vectors.length;
        long[] counts = new long[n];
        for (int[] s : fit.trainingSequences()) {
            for (int item : s) {
                counts[item]++;
            }
        }
        float[] popularity = new float[n];
        for (int i = 0; i < n; i++) {
            popularity[i] = vectors[i] == null ? Float.NEGATIVE_INFINITY : counts[i];
        }
        int maxM = CUTOFFS[CUTOFFS.length - 1];
        Codebook codebook = fit.codebookFile() == null ? null : CodebookFormat.read(fit.codebookFile());
        Map<String, List<int[]>> ranked = new LinkedHashMap<>();
        ranked.put("popularity", new ArrayList<>());
        ranked.put("single-vector-knn", new ArrayList<>());
        double[] covered = new double[BEAMS.length];
        String served;
        try (ServingChoice ways = ServingChoice.open(vectors, fit.tree(), fit.modelDir(), codebook)) {
            InMemoryRecall recall = ways.recall();
            served = ways.ways().stream().filter(w -> w.serving().equals(fit.serving())).map(ServingChoice.Way::name).findFirst()
                .orElse("rimirec-b" + mainBeams);
            ways.ways().forEach(w -> ranked.put(w.name(), new ArrayList<>()));
            for (TrainRun.HeldOutUser u : users) {
                BitSet exclude = new BitSet(n);
                for (int item : u.history()) {
                    exclude.set(item);
                }
                ranked.get("popularity").add(TopK.select(popularity, maxM, exclude));
                ranked.get("single-vector-knn").add(singleVector(recall, u.history(), maxM, exclude));
                ServingChoice.Ranked all = ways.rankAll(recall.history(u.history()), maxM, exclude);
                all.byWay().forEach((way, list) -> ranked.get(way).add(list));
                for (int bi = 0; bi < BEAMS.length; bi++) { // the plans the rankings searched: the generator ran once per B
                    RecallPlanner.Plan plan = all.splitPlans().get(BEAMS[bi]);
                    covered[bi] += plan == null ? 0 : coverage(plan, u.targets(), recall);
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<int[]>> method : ranked.entrySet()) {
            Map<String, double[]> metrics = new LinkedHashMap<>();
            for (int m : CUTOFFS) {
                double[] rec = new double[users.size()];
                double[] hit = new double[users.size()];
                for (int i = 0; i < users.size(); i++) {
                    BitSet targets = new BitSet(n);
                    for (int t : users.get(i).targets()) {
                        targets.set(t);
                    }
                    rec[i] = Metrics.recall(method.getValue().get(i), m, targets);
                    hit[i] = Metrics.hit(method.getValue().get(i), m, targets);
                }
                metrics.put("Recall@" + m, meanAndError(rec));
                metrics.put("HitRate@" + m, meanAndError(hit));
            }
            rows.add(new Row(method.getKey(), metrics));
        }
        Map<Integer, Double> coverage = new LinkedHashMap<>();
        for (int bi = 0; bi < BEAMS.length; bi++) {
            coverage.put(BEAMS[bi], 100 * covered[bi] / users.size());
        }
        Result partial = new Result(users.size(), rows, coverage, served, "");
        return new Result(users.size(), rows, coverage, served, verdict(partial, served));
    }

    /** The share of the targets (with a vector) whose leaf lies inside one of the B circles the generator plans. */
    private static double coverage(RecallPlanner.Plan plan, int[] targets, InMemoryRecall recall) {
        List<CirclePath> circles = plan.circles().stream().map(RecallPlanner.CirclePlan::circle).toList();
        int placed = 0;
        int inside = 0;
        for (int t : targets) {
            CirclePath leaf = recall.leaves()[t];
            if (leaf != null) {
                placed++;
                inside += circles.stream().anyMatch(c -> c.contains(leaf)) ? 1 : 0;
            }
        }
        return placed == 0 ? 0 : (double) inside / placed;
    }

    /** One exact k-NN search with the normalised mean of the history's vectors. */
    private static int[] singleVector(InMemoryRecall recall, int[] history, int m, BitSet exclude) {
        float[][] vectors = recall.vectors();
        float[] mean = null;
        for (int item : history) {
            float[] v = vectors[item];
            if (v == null) {
                continue;
            }
            if (mean == null) {
                mean = new float[v.length];
            }
            float[] unit = Vectors.normalized(v);
            for (int d = 0; d < mean.length; d++) {
                mean[d] += unit[d];
            }
        }
        if (mean == null) {
            return new int[0];
        }
        float[] user = mean;
        float[] scores = new float[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            scores[i] = vectors[i] == null ? Float.NEGATIVE_INFINITY : (float) recall.tree().metric().similarity(user, vectors[i]);
        }
        return TopK.select(scores, m, exclude);
    }

    private static double[] meanAndError(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        double se = x.length > 1 ? Math.sqrt(var / (x.length - 1) / x.length) : 0;
        return new double[] {100 * mean, 100 * se};
    }

    /** Whether the served configuration beats both baselines at Recall@50, in words a user can act on. */
    private static String verdict(Result r, String main) {
        int m = CUTOFFS[CUTOFFS.length - 1];
        Row ours = r.row(main);
        StringBuilder b = new StringBuilder();
        for (String base : List.of("popularity", "single-vector-knn")) {
            Row other = r.row(base);
            double diff = ours.recall(m) - other.recall(m);
            double se = Math.hypot(ours.recallError(m), other.recallError(m));
            b.append(String.format(Locale.ROOT, "served (%s) Recall@%d %.2f vs %s %.2f: %s. ", main, m, ours.recall(m), base, other.recall(m),
                diff > 2 * se ? "above" : diff < -2 * se ? "BELOW (more than two standard errors)" : "level within two standard errors"));
        }
        return b.toString().trim();
    }
}
