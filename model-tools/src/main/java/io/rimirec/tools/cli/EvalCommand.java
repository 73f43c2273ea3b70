package io.rimirec.tools.cli;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.movielens.MovieLens;
import io.rimirec.tools.data.movielens.Preprocessing;
import io.rimirec.tools.eval.Experiment;
import io.rimirec.tools.eval.Experiment.MethodResult;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.MetricSpec;
import io.rimirec.tools.eval.Methods;
import io.rimirec.tools.eval.Overridden;
import io.rimirec.tools.eval.Protocol;
import io.rimirec.tools.eval.Splits;
import io.rimirec.tools.eval.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code rimirec eval}: tunes and evaluates recall methods under protocol A or B and writes the results. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
        "Evaluates recall methods offline on MovieLens-format data under protocol A (HimiRec: 80/20 users, last 10 "
            + "items as targets, Recall/HitRate@{20,50}) or B (leave-one-out, Recall@{10,50,200}, NDCG@{10,200}).",
        "Each method's settings are chosen on a validation split carved from the training data. Prints a table and "
            + "writes <out>/<data>-protocol<P>.{txt,csv,json,png}."
    }
)
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true,
        description = "MovieLens folder (ratings.dat or sequences.txt) or a ratings .dat / sequences file.")
    Path data;

    @Option(names = "--protocol", defaultValue = "A", description = "A (HimiRec) or B (leave-one-out). Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = "--methods", defaultValue = "all",
        description = "Comma-separated methods, or all. Known: pop, itemknn, ease, ease-rw, twotower, sasrec, mind, "
            + "comirec, dnc, rimirec-b{1,2,4,6}, rimirec-wholelib-b{1,2,4,6}, rimirec-unified-b{1,2,4,6}. Default: ${DEFAULT-VALUE}.")
    String methods;

    @Option(names = "--set", paramLabel = "METHOD.NAME=V[,V...]",
        description = "Replace a setting in every point of a method's grid (repeatable), e.g. --set sasrec.epochs=10 "
            + "or --set ease.lambda=300,1000 (several values: tuned over them).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "42", description = "Seed for splits and training. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", defaultValue = "results", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--quick", description = "A small seeded user subsample and small grids: a smoke test that runs in minutes.")
    boolean quick;

    @Option(names = "--quick-users", defaultValue = "600", description = "Users kept by --quick. Default: ${DEFAULT-VALUE}.")
    int quickUsers;

    @Option(names = "--threads", description = "Threads for fitting and evaluation. Default: the number of processors.")
    Integer threads;

    @Option(names = "--min-rating", description = "Keep only ratings >= this (needs a ratings .dat file).")
    Double minRating;

    @Option(names = "--k-core", defaultValue = "0", description = "Iterative k-core filter on users and items (0 = off).")
    int kCore;

    private List<Method> overridden(List<Method> parsed) {
        Map<String, Map<String, List<Object>>> byMethod = new LinkedHashMap<>();
        for (String spec : sets) {
            var e = Overridden.parse(spec);
            byMethod.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(e.getValue().getKey(), e.getValue().getValue());
        }
        List<Method> out = new ArrayList<>();
        for (Method m : parsed) {
            Map<String, List<Object>> o = byMethod.remove(m.name());
            out.add(o == null ? m : new Overridden(m, o));
        }
        if (!byMethod.isEmpty()) {
            throw new IllegalArgumentException("--set names methods that are not run: " + byMethod.keySet());
        }
        return out;
    }

    @Override
    public Integer call() {
        PrintStream log = System.err;
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Protocol proto = Protocol.named(protocol);
        List<Method> chosen = overridden(Methods.parse(methods));
        Preprocessing prep = new Preprocessing(minRating == null ? Double.NaN : minRating, kCore);
        long t0 = System.nanoTime();
        SequenceDataset ds = MovieLens.load(data, prep);
        if (quick && quickUsers < ds.numUsers()) {
            int[] keep = Splits.randomUsers(ds.numUsers(), (double) quickUsers / ds.numUsers(), seed)[1];
            ds = ds.subset(keep, "quick: " + keep.length + " users sampled with seed " + seed);
        }
        log.printf(Locale.ROOT, "data: %s (%.1fs)%n", ds.summary(), (System.nanoTime() - t0) / 1e9);

        Instant started = Instant.now();
        Experiment exp = new Experiment(ds, proto, seed, nThreads, log);
        log.println("test split: " + exp.test().split());
        log.println("validation split: " + exp.validation().split());
        List<MethodResult> results = new ArrayList<>();
        for (Method m : chosen) {
            log.printf(Locale.ROOT, "== %s: %s%n", m.name(), m.describe());
            MethodResult r = exp.run(m, quick);
            log.printf(Locale.ROOT, "== %s done in %.1fs%n", m.name(), r.totalSeconds());
            results.add(r);
        }

        Map<String, Object> stamp = new LinkedHashMap<>();
        stamp.put("title", "Recall@M by method, protocol " + proto.name() + ", " + ds.name() + (quick ? " (quick)" : ""));
        stamp.put("subtitle", ds.summary() + "; seed " + seed);
        stamp.put("command", "rimirec " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        stamp.put("started", started.toString());
        stamp.put("finished", Instant.now().toString());
        stamp.put("data", ds.summary());
        stamp.put("data_source", ds.description());
        stamp.put("protocol", proto.describe());
        stamp.put("seed", seed);
        stamp.put("quick", quick);
        stamp.put("test_split", exp.test().split());
        stamp.put("validation_split", exp.validation().split());
        stamp.put("selection_metric", proto.selection().name() + " on the validation split");
        stamp.put("threads", nThreads);
        stamp.put("machine", Runtime.getRuntime().availableProcessors() + " processors, Java " + Runtime.version()
            + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        List<MetricSpec> chart = proto.metrics().stream()
            .filter(m -> m.kind() == io.rimirec.tools.eval.Metrics.Kind.RECALL && m.maskHistory()).toList();
        Report report = new Report(stamp, proto.metrics(), chart, results);

        PrintStream stdout = System.out;
        stdout.println(stamp.get("title"));
        stdout.println(stamp.get("subtitle"));
        stdout.print(report.table());
        String base = ds.name() + "-protocol" + proto.name() + (quick ? "-quick" : "");
        for (Path p : report.write(out, base)) {
            stdout.println("wrote " + p);
        }
        return results.stream().anyMatch(r -> r.error() != null) ? 1 : 0;
    }
}
