package io.rimirec.tools.cli;

import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.interactions.InteractionReader;
import io.rimirec.tools.data.movielens.MovieLens;
import io.rimirec.tools.data.movielens.Preprocessing;
import io.rimirec.tools.eval.Experiment.MethodResult;
import io.rimirec.tools.eval.Experiment;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Methods;
import io.rimirec.tools.eval.MetricSpec;
import io.rimirec.tools.eval.Overridden;
import io.rimirec.tools.eval.Protocol;
import io.rimirec.tools.eval.Splits;
import io.rimirec.tools.eval.neural.HyMiRec;
import io.rimirec.tools.eval.report.Report;
import io.rimirec.tools.eval.rimirec.OnlineHyMiRec;
import io.rimirec.tools.eval.rimirec.OnlineRimirec;
import io.rimirec.tools.eval.rimirec.OnlineTwin;
import io.rimirec.tools.eval.rimirec.RimirecMethod;
import io.rimirec.tools.opensearch.JsonHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        description = "MovieLens folder (ratings.dat or sequences.txt), or an interactions file in any format rimirec train reads "
            + "(csv, tsv, jsonl, sequences.txt, ratings.dat, u.data; .gz allowed; see --format and the column options).")
    Path data;

    @Mixin
    InteractionOptions read = new InteractionOptions();

    @Option(names = "--protocol", defaultValue = "A", description = "A (HimiRec) or B (leave-one-out). Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = "--methods", defaultValue = "all",
        description = "Comma-separated methods, or all (every one, HyMiRec's ablations included: hours on ML-1M). Known: "
            + Methods.NAMES + ". Default: ${DEFAULT-VALUE}.")
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

    @Option(names = "--k-core", defaultValue = "0", description = "Iterative k-core filter on users and items (0 = off).")
    int kCore;

    @Option(names = "--online", description = "Also serve every rimirec-bN and hymirec row through a local OpenSearch node (the rimirec "
        + "query, same fitted model, exact k-NN; hymirec rows with \"strategy\": \"hymirec\") as a <row>-online row, and print offline vs "
        + "online side by side.")
    boolean online;

    @Option(names = "--heap", defaultValue = "2g", description = "Heap of the --online node. Default: ${DEFAULT-VALUE}.")
    String heap;

    @Mixin

    OpenSearchDirOption opensearch;

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

    /** The offline rimirec row behind a method (unwrapping --set overrides), or null. */
    private static RimirecMethod rimirecRow(Method m) {
        Method inner = Overridden.unwrap(m);
        return inner instanceof RimirecMethod r && r.variant() == RimirecMethod.Variant.MAIN ? r : null;
    }

    /** Whether a method is a HyMiRec row (possibly with --set overrides), which --online serves too. */
    private static boolean hymirecRow(Method m) {
        return Overridden.unwrap(m) instanceof HyMiRec;
    }

    @Override
    public Integer call() throws Exception {
        List<Method> chosen = overridden(Methods.parse(methods));
        if (!online) {
            return run(chosen);
        }
        if (chosen.stream().noneMatch(m -> rimirecRow(m) != null || hymirecRow(m))) {
            throw new IllegalArgumentException("--online serves the rimirec-bN and hymirec rows, but --methods names none of them");
        }
        PrintStream log = System.err;
        log.println("--online: starting a local OpenSearch node with the rimirec plugin...");
        LocalCluster.Builder builder = LocalCluster.builder()
            .zips(opensearch.zips())
            .nodes(1).heap(heap);
        try (LocalCluster cluster = builder.start()) {
            JsonHttp http = new JsonHttp(cluster.restClient());
            List<Method> withOnline = new ArrayList<>();
            for (Method m : chosen) {
                withOnline.add(m);
                RimirecMethod row = rimirecRow(m);
                if (row != null) {
                    withOnline.add(new OnlineRimirec(m, row.beams(), http));
                } else if (hymirecRow(m)) {
                    withOnline.add(new OnlineHyMiRec(m, http));
                }
            }
            return run(withOnline);
        }
    }

    /**
     * A MovieLens folder as {@link MovieLens#load} reads it; a file through the readers {@code rimirec train} uses (the
     * same data set for a ratings.dat or sequences file either way), then the k-core filter.
     */
    private SequenceDataset load() throws java.io.IOException {
        if (java.nio.file.Files.isDirectory(data)) {
            return MovieLens.load(data, new Preprocessing(read.minRating == null ? Double.NaN : read.minRating, kCore));
        }
        InteractionReader.Result r = InteractionReader.read(data, read.toOptions());
        if (r.report().skippedLines() > 0) {
            System.err.printf(Locale.ROOT, "%s: skipped lines %s; first: %s%n", data, r.report().skippedByReason(), r.report().examples());
        }
        return kCore > 1 ? MovieLens.kCore(r.data(), kCore) : r.data();
    }

    private int run(List<Method> chosen) throws java.io.IOException {
        PrintStream log = System.err;
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Protocol proto = Protocol.named(protocol);
        long t0 = System.nanoTime();
        SequenceDataset ds = load();
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
            .filter(m -> m.kind() == io.rimirec.tools.util.Metrics.Kind.RECALL && m.maskHistory()).toList();
        Report report = new Report(stamp, proto.metrics(), chart, results);

        PrintStream stdout = System.out;
        stdout.println(stamp.get("title"));
        stdout.println(stamp.get("subtitle"));
        stdout.print(report.table());
        String base = ds.name() + "-protocol" + proto.name() + (quick ? "-quick" : "");
        for (Path p : report.write(out, base)) {
            stdout.println("wrote " + p);
        }
        if (online) {
            String comparison = onlineComparison(results, proto.metrics(), stamp);
            stdout.print(comparison);
            Path file = out.resolve(base + "-online.txt");
            try {
                java.nio.file.Files.writeString(file, comparison);
                stdout.println("wrote " + file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return results.stream().anyMatch(r -> r.error() != null) ? 1 : 0;
    }

    /** Offline and online metrics of every rimirec row side by side, in points, with the largest difference. */
    static String onlineComparison(List<MethodResult> results, List<MetricSpec> metrics, Map<String, Object> stamp) {
        StringBuilder b = new StringBuilder();
        b.append("\nOffline vs online (the same fitted model; online = the rimirec query on a local node, exact k-NN)\n");
        b.append("command: ").append(stamp.get("command")).append('\n');
        b.append("data: ").append(stamp.get("data")).append("; seed ").append(stamp.get("seed")).append('\n');
        Map<String, MethodResult> byName = new LinkedHashMap<>();
        results.forEach(r -> byName.put(r.method(), r));
        b.append(String.format(Locale.ROOT, "%-16s %-26s %9s %9s %8s%n", "row", "metric", "offline", "online", "diff"));
        for (MethodResult off : results) {
            MethodResult on = byName.get(OnlineTwin.nameFor(off.method()));
            if (on == null) {
                continue;
            }
            if (off.test() == null || on.test() == null) {
                b.append(off.method()).append(": no comparison, ").append(off.error() != null ? off.error() : on.error()).append('\n');
                continue;
            }
            double worst = 0;
            for (MetricSpec m : metrics) {
                double x = 100 * off.test().mean(m);
                double y = 100 * on.test().mean(m);
                worst = Math.max(worst, Math.abs(y - x));
                b.append(String.format(Locale.ROOT, "%-16s %-26s %9.2f %9.2f %+8.2f%n", off.method(), m.name(), x, y, y - x));
            }
            b.append(String.format(Locale.ROOT, "%-16s largest |online - offline| = %.2f points (%s the 0.5-point bar); "
                + "queries: offline %.1fs, online %.1fs%n", off.method(), worst, worst <= 0.5 ? "within" : "OUTSIDE",
                off.test().seconds(), on.test().seconds()));
        }
        return b.toString();
    }
}
