package io.rimirec.tools.eval;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a fitted {@link Recommender} over a task's held-out users and averages the metrics. Users are cut into
 * fixed batches by position and the batches run on a pool of threads; every result lands in its user's slot and
 * the averages are summed in user order, so the numbers do not depend on thread timing.
 */
public final class Evaluator {

    private final int threads;
    private final int batchSize;

    public Evaluator(int threads, int batchSize) {
        if (threads < 1 || batchSize < 1) {
            throw new IllegalArgumentException("threads and batchSize must be >= 1, got " + threads + ", " + batchSize);
        }
        this.threads = threads;
        this.batchSize = batchSize;
    }

    public EvalResult evaluate(Recommender recommender, List<EvalCase> cases, List<MetricSpec> metrics) {
        // One query per user and masking variant; the list length is the largest cutoff of that variant.
        boolean[] variants = {true, false};
        int[] depth = new int[2];
        for (MetricSpec m : metrics) {
            int v = m.maskHistory() ? 0 : 1;
            depth[v] = Math.max(depth[v], m.k());
        }
        long start = System.nanoTime();
        int[][][] ranked = new int[2][cases.size()][];
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "rimirec-eval");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int from = 0; from < cases.size(); from += batchSize) {
                int lo = from;
                int hi = Math.min(cases.size(), from + batchSize);
                for (int v = 0; v < 2; v++) {
                    if (depth[v] == 0) {
                        continue;
                    }
                    int variant = v;
                    futures.add(pool.submit(() -> {
                        List<Query> batch = new ArrayList<>(hi - lo);
                        for (int c = lo; c < hi; c++) {
                            int[] h = cases.get(c).history();
                            batch.add(variants[variant] ? Query.excludingHistory(h) : Query.of(h));
                        }
                        int[][] out = recommender.recommend(batch, depth[variant]);
                        check(out, batch, depth[variant]);
                        System.arraycopy(out, 0, ranked[variant], lo, hi - lo);
                    }));
                }
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("recommend failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        int n = cases.size();
        double[] sum = new double[metrics.size()];
        double[] sumSq = new double[metrics.size()];
        for (int c = 0; c < n; c++) {
            BitSet targets = cases.get(c).targetSet();
            for (int i = 0; i < metrics.size(); i++) {
                MetricSpec m = metrics.get(i);
                double x = m.kind().of(ranked[m.maskHistory() ? 0 : 1][c], m.k(), targets);
                sum[i] += x;
                sumSq[i] += x * x;
            }
        }
        double[] mean = new double[sum.length];
        double[] se = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
            mean[i] = n == 0 ? 0 : sum[i] / n;
            double var = n < 2 ? 0 : Math.max(0, (sumSq[i] - n * mean[i] * mean[i]) / (n - 1));
            se[i] = n == 0 ? 0 : Math.sqrt(var / n);
        }
        return new EvalResult(List.copyOf(metrics), mean, se, n, seconds);
    }

    /** A recommender that breaks the contract would corrupt every metric silently: fail loudly instead. */
    private static void check(int[][] out, List<Query> batch, int m) {
        if (out.length != batch.size()) {
            throw new IllegalStateException("recommend returned " + out.length + " lists for " + batch.size() + " queries");
        }
        for (int q = 0; q < out.length; q++) {
            if (out[q].length > m) {
                throw new IllegalStateException("recommend returned " + out[q].length + " items, asked for " + m);
            }
            BitSet seen = new BitSet();
            for (int item : out[q]) {
                if (batch.get(q).exclude().get(item)) {
                    throw new IllegalStateException("recommend returned excluded item " + item);
                }
                if (seen.get(item)) {
                    throw new IllegalStateException("recommend returned item " + item + " twice");
                }
                seen.set(item);
            }
        }
    }
}
