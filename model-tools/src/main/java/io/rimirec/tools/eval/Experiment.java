package io.rimirec.tools.eval;

import io.rimirec.tools.data.SequenceDataset;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Tunes and evaluates methods under one protocol: each setting of a method's grid is fitted on the validation
 * task's training data and scored on its held-out users (the protocol's selection metric); the best one that
 * learned is fitted on the test task's training data and evaluated on the test users. Grid trials run in
 * parallel, one thread each; every fit is seeded with the experiment seed.
 */
public final class Experiment {

    private final SequenceDataset data;
    private final Protocol protocol;
    private final long seed;
    private final int threads;
    private final PrintStream log;
    private final EvalTask validation;
    private final EvalTask test;

    public Experiment(SequenceDataset data, Protocol protocol, long seed, int threads, PrintStream log) {
        this.data = data;
        this.protocol = protocol;
        this.seed = seed;
        this.threads = threads;
        this.log = log;
        this.validation = protocol.validation(data, seed);
        this.test = protocol.test(data, seed);
    }

    public SequenceDataset data() {
        return data;
    }

    public Protocol protocol() {
        return protocol;
    }

    public long seed() {
        return seed;
    }

    public EvalTask validation() {
        return validation;
    }

    public EvalTask test() {
        return test;
    }

    /** One grid point: its validation score, or why it was not eligible. */
    public record Trial(Settings settings, double score, double seconds, boolean learned, String error) {}

    /** Everything reported for a method. {@code error} is set (and {@code test} null) when it failed. */
    public record MethodResult(
        String method,
        String description,
        Settings chosen,
        List<Trial> trials,
        EvalResult test,
        double tuneSeconds,
        double fitSeconds,
        Map<String, Object> diagnostics,
        String error
    ) {
        public double totalSeconds() {
            return tuneSeconds + fitSeconds + (test == null ? 0 : test.seconds());
        }
    }

    public MethodResult run(Method method, boolean quick) {
        List<Settings> grid = method.grid(quick);
        if (grid.isEmpty()) {
            throw new IllegalArgumentException("method " + method.name() + " has an empty grid");
        }
        long t0 = System.nanoTime();
        List<Trial> trials = grid.size() == 1 ? List.of() : tune(method, grid);
        double tuneSeconds = (System.nanoTime() - t0) / 1e9;
        Settings chosen = grid.get(0);
        double best = Double.NEGATIVE_INFINITY;
        boolean any = grid.size() == 1;
        for (Trial t : trials) {
            if (t.error() == null && t.learned() && t.score() > best) {
                best = t.score();
                chosen = t.settings();
                any = true;
            }
        }
        if (!any) {
            return new MethodResult(method.name(), method.describe(), null, trials, null, tuneSeconds, 0, Map.of(),
                "no setting of the grid learned (see the trials)");
        }
        log.printf(Locale.ROOT, "[%s] chosen: %s%n", method.name(), chosen);
        long t1 = System.nanoTime();
        try (Recommender r = method.create(chosen)) {
            r.fit(test.train(), new FitContext(seed, threads, prefixed(method.name() + " final")));
            double fitSeconds = (System.nanoTime() - t1) / 1e9;
            Map<String, Object> diag = r.diagnostics();
            if (Boolean.FALSE.equals(diag.get("learned"))) {
                return new MethodResult(method.name(), method.describe(), chosen, trials, null, tuneSeconds, fitSeconds,
                    diag, "the final fit did not learn: training loss stayed near chance");
            }
            EvalResult res = new Evaluator(threads, 64).evaluate(r, test.cases(), protocol.metrics());
            return new MethodResult(method.name(), method.describe(), chosen, trials, res, tuneSeconds, fitSeconds, diag, null);
        } catch (RuntimeException e) {
            log.printf(Locale.ROOT, "[%s] failed: %s%n", method.name(), e);
            return new MethodResult(method.name(), method.describe(), chosen, trials, null, tuneSeconds,
                (System.nanoTime() - t1) / 1e9, Map.of(), String.valueOf(e));
        }
    }

    private List<Trial> tune(Method method, List<Settings> grid) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, grid.size()), r -> {
            Thread t = new Thread(r, "rimirec-tune");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Trial>> futures = new ArrayList<>();
            for (int i = 0; i < grid.size(); i++) {
                Settings s = grid.get(i);
                String tag = method.name() + " #" + (i + 1) + "/" + grid.size();
                futures.add(pool.submit(() -> trial(method, s, tag)));
            }
            List<Trial> out = new ArrayList<>();
            for (Future<Trial> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("tuning interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("tuning failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private Trial trial(Method method, Settings s, String tag) {
        long t0 = System.nanoTime();
        try (Recommender r = method.create(s)) {
            r.fit(validation.train(), new FitContext(seed, 1, prefixed(tag)));
            boolean learned = !Boolean.FALSE.equals(r.diagnostics().get("learned"));
            EvalResult res = new Evaluator(1, 64).evaluate(r, validation.cases(), List.of(protocol.selection()));
            double score = res.mean(protocol.selection());
            double secs = (System.nanoTime() - t0) / 1e9;
            log.printf(Locale.ROOT, "[%s] %s: validation %s = %.4f%s (%.1fs)%n", tag, s, protocol.selection(), score,
                learned ? "" : " (did not learn)", secs);
            return new Trial(s, score, secs, learned, null);
        } catch (RuntimeException e) {
            log.printf(Locale.ROOT, "[%s] %s failed: %s%n", tag, s, e);
            return new Trial(s, Double.NaN, (System.nanoTime() - t0) / 1e9, false, String.valueOf(e));
        }
    }

    private PrintStream prefixed(String tag) {
        return PrefixedStream.of(log, "[" + tag + "] ");
    }
}
