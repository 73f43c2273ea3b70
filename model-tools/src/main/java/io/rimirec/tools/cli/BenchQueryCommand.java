package io.rimirec.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.core.vector.Vectors;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.VectorJsonlReader;
import io.rimirec.tools.data.VectorSet;
import io.rimirec.tools.data.movielens.MovieLens;
import io.rimirec.tools.data.movielens.Preprocessing;
import io.rimirec.tools.data.synthetic.SyntheticUsers;
import io.rimirec.tools.demo.Demo;
import io.rimirec.tools.opensearch.BulkIndexer;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.MovieLensSequences;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rimirec bench query}: end-to-end latency of the rimirec query against one plain k-NN query with k = M on the
 * same index, measured alternately in the same run, for users the generator never saw. Sets up like the demo (synthetic
 * catalogue, tree, trained generator, pipeline ingest), at benchmark scale.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Benchmark the rimirec query against a plain k-NN query with k = size on a local node (synthetic catalogue).")
public final class BenchQueryCommand implements Callable<Integer> {

    private static final int PROFILED = 50;

    private static final Pattern TIMING = Pattern.compile("(history_fetch|generate|user_vectors|interests|knn|merge|resolve)=([0-9.]+)");

    @Spec
    CommandSpec spec;

    @Option(names = "--items", defaultValue = "1000000", description = "Catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--leaf-capacity", defaultValue = "1000", description = "Tree leaf capacity c (default: ${DEFAULT-VALUE}).")
    int leafCapacity;

    @Option(names = "--users", defaultValue = "2000", description = "Users the generator trains on (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--epochs", defaultValue = "4", description = "Generator training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--queries", defaultValue = "200", description = "Timed queries of each kind (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--warmup", defaultValue = "50", description = "Untimed queries of each kind first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--size", defaultValue = "50", description = "M, and k of the plain query (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--beams", defaultValue = "6", description = "B (default: ${DEFAULT-VALUE}).")
    int beams;

    @Option(names = "--circle-k", split = ",", paramLabel = "K[,K...]",
        description = "Also time the rimirec query with these per-circle k values (the query's [k]), in the same run.")
    List<Integer> circleKs = new ArrayList<>();

    @Option(names = "--ml1m", paramLabel = "FILE",
        description = "Benchmark on ML-1M instead of the synthetic catalogue: its sequences.txt (needs --model-dir).")
    Path ml1m;

    @Option(names = "--model-dir", paramLabel = "DIR",
        description = "With --ml1m: the --out folder of `rimirec generator train --data ml1m` (tree.rtree + generator/), trained with "
            + "the default data options.")
    Path modelDir;

    @Option(names = "--hymirec", paramLabel = "DIR",
        description = "With --ml1m instead of --model-dir: the --out folder of `rimirec hymirec train --data <ml-1m folder>` (bundle.zip + "
            + "items.jsonl); times the rimirec query with \"strategy\": \"hymirec\" against plain k-NN on the same items.")
    Path hymirecDir;

    @Option(names = "--saturation", split = ",", paramLabel = "C[,C...]",
        description = "After the latency run, closed-loop throughput with C concurrent clients per step (e.g. 1,2,4,8,16), each query "
            + "type in turn: queries per second, node CPU per query, and the rimirec / plain QPS ratio.")
    List<Integer> saturation = new ArrayList<>();

    @Option(names = "--saturation-seconds", defaultValue = "10", description = "Seconds each query type runs at each step (default: "
        + "${DEFAULT-VALUE}).")
    double saturationSeconds;

    @Option(names = "--heap", defaultValue = "4g", description = "Node heap (default: ${DEFAULT-VALUE}).")
    String heap;

    @Mixin

    OpenSearchDirOption opensearch;

    @Option(names = "--no-progress", description = "Do not show progress on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--items", items, 1000);
        CliSupport.atLeast(spec, "--queries", queries, 10);
        CliSupport.atLeast(spec, "--warmup", warmup, 0);
        for (int k : circleKs) {
            CliSupport.atLeast(spec, "--circle-k", k, 1);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalCluster.Builder builder = LocalCluster.builder()
            .zips(opensearch.zips())
            .nodes(1).heap(heap).fastStartup(false);
        if ((ml1m == null) != (modelDir == null && hymirecDir == null) || (modelDir != null && hymirecDir != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ml1m goes with one of --model-dir and --hymirec");
        }
        try (LocalCluster cluster = builder.start()) {
            JsonHttp http = new JsonHttp(cluster.restClient());
            Workload workload = hymirecDir != null ? hymirecWorkload(http) : ml1m != null ? ml1mWorkload(http, err) : syntheticWorkload(http, err);
            out.println(workload.description());
            List<BenchQuery> all = workload.queries();
            if (all.size() < warmup + queries) {
                throw new CommandLine.ParameterException(spec.commandLine(), "only " + all.size() + " users to query: lower --queries/--warmup");
            }
            // Every variant is timed on the same users, in rotating order, so drift on a noisy machine hits all alike.
            String rimirec = workload.strategy() == null ? "rimirec (M=" + size + ", B=" + beams : "rimirec (strategy " + workload.strategy() + ", M=" + size;
            List<String> names = new ArrayList<>(List.of("plain k-NN (k=" + size + ")", rimirec + ")"));
            circleKs.forEach(k -> names.add(rimirec + ", k=" + k + ")"));
            double[][] times = new double[names.size()][queries];
            double[][] took = new double[names.size()][queries]; // the node's own "took": what HTTP and JSON add is the rest
            // The breakdown comes from profiled rimirec queries, one per user for the first PROFILED timed users, in the
            // same rotation (profiling costs a little, so they are not timed); "took" of those is printed beside it.
            Map<String, List<Double>> parts = new LinkedHashMap<>();
            List<Double> profiledTook = new ArrayList<>();
            for (int i = 0; i < warmup + queries; i++) {
                List<String> ids = all.get(i).historyIds();
                List<ObjectNode> bodies = new ArrayList<>();
                bodies.add(Demo.plainBody(all.get(i).plainVector(), ids, size));
                bodies.add(workload.rimirecBody(ids, size, beams));
                for (int k : circleKs) {
                    ObjectNode b = workload.rimirecBody(ids, size, beams);
                    ((ObjectNode) b.path("query").path("rimirec")).put("k", k);
                    bodies.add(b);
                }
                boolean profiled = i >= warmup && i < warmup + PROFILED;
                if (profiled) {
                    bodies.add(workload.rimirecBody(ids, size, beams).put("profile", true));
                }
                for (int j = 0; j < bodies.size(); j++) {
                    int v = (i + j) % bodies.size();
                    long t0 = System.nanoTime();
                    JsonNode r = http.post("/" + workload.index() + "/_search", bodies.get(v));
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (r.path("hits").path("hits").isEmpty()) {
                        throw new IllegalStateException("a benchmark query returned no hits: " + r);
                    }
                    if (v == names.size()) {
                        profiledTook.add(r.path("took").asDouble());
                        String description = r.path("profile").findValues("description").stream().map(JsonNode::asText)
                            .filter(d -> d.startsWith("rimirec_scored_ids")).findFirst().orElse("");
                        Matcher m = TIMING.matcher(description);
                        while (m.find()) {
                            parts.computeIfAbsent(m.group(1), key -> new ArrayList<>()).add(Double.parseDouble(m.group(2)));
                        }
                    } else if (i >= warmup) {
                        times[v][i - warmup] = ms;
                        took[v][i - warmup] = r.path("took").asDouble();
                    }
                }
            }
            double[] plain = times[0];
            for (int v = 0; v < names.size(); v++) {
                out.printf(Locale.ROOT, "%-36s p50 %7.2f ms, p99 %7.2f ms (node took p50 %.0f ms)", names.get(v), pct(times[v], 50),
                    pct(times[v], 99), pct(took[v], 50));
                if (v > 0) {
                    out.printf(Locale.ROOT, "   ratio to plain: p50 %.2f, p99 %.2f", pct(times[v], 50) / pct(plain, 50), pct(times[v], 99) / pct(plain, 99));
                }
                out.println();
            }
            out.printf(Locale.ROOT, "(target: rimirec p50 ratio <= 2.0; node took p50 ratio %.2f)%n", pct(took[1], 50) / Math.max(1, pct(took[0], 50)));
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "rimirec breakdown, median ms over %d profiled queries (took p50 %.0f ms):",
                profiledTook.size(), pct(profiledTook.stream().mapToDouble(Double::doubleValue).toArray(), 50)));
            parts.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.2f", k, pct(v.stream().mapToDouble(Double::doubleValue).toArray(), 50))));
            out.println(sb);
            out.flush();
            if (!saturation.isEmpty()) {
                saturate(http, workload, all, out);
            }
        }
        return 0;
    }

    /**
     * Closed-loop throughput: at each step C clients each send the next user's query as soon as their last one answered,
     * for {@code --saturation-seconds}, first plain k-NN then rimirec (the order alternates between steps, so drift hits
     * both alike). The node's CPU time over each window (from {@code _nodes/stats/process}) divided by the queries answered
     * is what one query costs the cluster's owner; the clients run on the same machine and take their share of the cores.
     */
    private void saturate(JsonHttp http, Workload workload, List<BenchQuery> users, PrintWriter out) throws Exception {
        out.printf(Locale.ROOT, "saturation: closed loop, %.0f s per query type and step, same users in turn%n", saturationSeconds);
        out.printf(Locale.ROOT, "%8s %14s %14s %10s %16s %16s %12s%n", "clients", "plain QPS", "rimirec QPS", "QPS ratio", "plain CPU ms/q",
            "rimirec CPU ms/q", "CPU ratio");
        double bestPlain = 0;
        double bestRimirec = 0;
        for (int step = 0; step < saturation.size(); step++) {
            int clients = saturation.get(step);
            CliSupport.atLeast(spec, "--saturation", clients, 1);
            double[][] result = new double[2][];
            for (int t = 0; t < 2; t++) {
                int type = (step + t) % 2; // 0 = plain, 1 = rimirec
                result[type] = closedLoop(http, workload, users, clients, type == 1);
            }
            bestPlain = Math.max(bestPlain, result[0][0]);
            bestRimirec = Math.max(bestRimirec, result[1][0]);
            out.printf(Locale.ROOT, "%8d %14.1f %14.1f %10.2f %16.2f %16.2f %12.2f%n", clients, result[0][0], result[1][0], result[1][0] / result[0][0],
                result[0][1], result[1][1], result[1][1] / result[0][1]);
            out.flush();
        }
        out.printf(Locale.ROOT, "maximum QPS: plain %.1f, rimirec %.1f, ratio %.2f (target >= 0.5)%n", bestPlain, bestRimirec, bestRimirec / bestPlain);
    }

    /** {queries per second, node CPU milliseconds per query} of one query type with {@code clients} closed-loop clients. */
    private double[] closedLoop(JsonHttp http, Workload workload, List<BenchQuery> users, int clients, boolean rimirec) throws Exception {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        long cpu0 = nodeCpuMillis(http);
        long t0 = System.nanoTime();
        long end = t0 + (long) (saturationSeconds * 1e9);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            for (int c = 0; c < clients; c++) {
                pool.execute(() -> {
                    while (System.nanoTime() < end && failure.get() == null) {
                        BenchQuery q = users.get(Math.floorMod(next.getAndIncrement(), users.size()));
                        ObjectNode body = rimirec ? workload.rimirecBody(q.historyIds(), size, beams) : Demo.plainBody(q.plainVector(), q.historyIds(), size);
                        try {
                            JsonNode r = http.post("/" + workload.index() + "/_search", body);
                            if (r.path("hits").path("hits").isEmpty()) {
                                throw new IllegalStateException("a saturation query returned no hits: " + r);
                            }
                            done.incrementAndGet();
                        } catch (Exception e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                });
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = nodeCpuMillis(http) - cpu0;
        if (failure.get() != null) {
            throw failure.get();
        }
        return new double[] {done.get() / seconds, (double) cpu / Math.max(1, done.get())};
    }

    /** The CPU time the node's process has used so far, in milliseconds (the one node of this benchmark). */
    private static long nodeCpuMillis(JsonHttp http) throws IOException {
        JsonNode nodes = http.get("/_nodes/stats/process").path("nodes");
        long total = 0;
        for (JsonNode n : nodes) {
            total += n.path("process").path("cpu").path("total_in_millis").asLong();
        }
        return total;
    }

    /** One user to query: the history's ids and the single vector of the plain query (the history's normalised mean). */
    private record BenchQuery(List<String> historyIds, float[] plainVector) {}

    /** An indexed catalogue with an uploaded model, and users to query it with; {@code strategy} null = the default. */
    private record Workload(String index, String modelId, List<BenchQuery> queries, String description, String strategy) {

        Workload(String index, String modelId, List<BenchQuery> queries, String description) {
            this(index, modelId, queries, description, null);
        }

        ObjectNode rimirecBody(List<String> ids, int size, int beams) {
            ObjectNode b = Demo.rimirecBody(modelId, ids, size, beams);
            if (strategy != null) {
                ObjectNode q = (ObjectNode) b.path("query").path("rimirec");
                q.remove("beams");
                q.put("strategy", strategy);
            }
            return b;
        }
    }

    /**
     * ML-1M served by HyMiRec: the bundle and item vectors {@code rimirec hymirec train} wrote, and every user's history
     * (all but the last {@value #ML1M_TARGETS} items, at most {@value #ML1M_MAX_HISTORY} most recent) as queries.
     */
    private Workload hymirecWorkload(JsonHttp http) throws IOException {
        long t0 = System.nanoTime();
        SequenceDataset ds = MovieLens.load(ml1m.toAbsolutePath().getParent(), Preprocessing.NONE);
        VectorSet items = VectorJsonlReader.readAll(hymirecDir.resolve("items.jsonl"));
        byte[] bundle = java.nio.file.Files.readAllBytes(hymirecDir.resolve("bundle.zip"));
        ModelBundle verified = BundleArchive.read(bundle, Long.MAX_VALUE);
        String modelId = "bench-hymirec";
        String index = "items-hymirec";
        new ModelStoreClient(http).upload(modelId, bundle, true); // every item is indexed again below
        IndexTemplates.installAll(http, IndexTemplates.vectorField(verified.manifest().dimension(), verified.manifest().metric().knnSpaceType()),
            IndexTemplates.model(modelId));
        indexItems(http, index, items.ids(), items.vectors());
        Map<String, float[]> byId = new java.util.HashMap<>();
        for (int i = 0; i < items.ids().size(); i++) {
            byId.put(items.ids().get(i), items.vectors()[i]);
        }
        float[][] byItem = new float[ds.numItems()][];
        for (int i = 0; i < byItem.length; i++) {
            byItem[i] = byId.get(ds.itemId(i));
            if (byItem[i] == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "item [" + ds.itemId(i) + "] of " + ml1m + " is not in "
                    + hymirecDir.resolve("items.jsonl") + ": train the model on this data");
            }
        }
        List<BenchQuery> out = new ArrayList<>();
        for (int u = 0; u < ds.numUsers(); u++) {
            BenchQuery q = historyQuery(ds.sequence(u), ds::itemId, byItem);
            if (q != null) {
                out.add(q);
            }
        }
        return new Workload(index, modelId, out, String.format(Locale.ROOT,
            "data: ML-1M, %,d items (%d-d HyMiRec item vectors from %s), %,d users; set-up %.1f s", items.ids().size(),
            verified.manifest().dimension(), hymirecDir, out.size(), (System.nanoTime() - t0) / 1e9), "hymirec");
    }

    private Workload syntheticWorkload(JsonHttp http, PrintWriter err) throws IOException {
        Demo.Options options = Demo.Options.defaults().withItems(items).withLeafCapacity(leafCapacity).withTraining(users, epochs)
            .withIndex("items-bench").withModelId("bench");
        Demo demo = new Demo(http, options, err, noProgress ? ProgressListener.NONE : ProgressBar.on(err));
        Demo.Setup setup = demo.setUp(warmup + queries);
        List<BenchQuery> queries = new ArrayList<>();
        for (SyntheticUsers.User u : setup.newUsers()) {
            queries.add(new BenchQuery(Demo.historyIds(u), Demo.historyMean(setup.catalogue(), u)));
        }
        return new Workload(options.index(), options.modelId(), queries, String.format(Locale.ROOT,
            "data: %,d synthetic %d-d items, tree %d leaves depth %d, generator trained on %,d users; set-up %s ms", items,
            options.dimension(), setup.tree().leafCount(), setup.tree().maxDepth(), users, setup.millis()));
    }

    /**
     * ML-1M: the generator's data set (PPMI item vectors of the training users, the same tree), a generator trained on it
     * by {@code rimirec generator train --data ml1m}, and the held-out users' histories (all but their last
     * {@value #ML1M_TARGETS} items, at most {@value #ML1M_MAX_HISTORY} most recent) as queries.
     */
    private Workload ml1mWorkload(JsonHttp http, PrintWriter err) throws IOException {
        long t0 = System.nanoTime();
        MovieLensSequences m = MovieLensSequences.load(ml1m, 0.2, 32, 4, 250, 42);
        CircleTree tree = m.data.tree();
        CircleTree trained = TreeFormat.read(modelDir.resolve(GeneratorArtifact.TREE_FILE));
        if (!trained.contentHash().equals(tree.contentHash())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model-dir " + modelDir + " holds a tree other than the one "
                + "the default ML-1M data options build (dim 32, k 4, c 250, test share 0.2, seed 42): train it with those");
        }
        String modelId = "bench-ml1m";
        String index = "items-ml1m";
        byte[] bundle = BundlePacker.ofTree(tree).name("ml-1m benchmark").description("ML-1M: tree + interest generator")
            .generator(modelDir.resolve(GeneratorArtifact.DIRECTORY)).pack();
        new ModelStoreClient(http).upload(modelId, bundle, true); // every item is indexed again below
        IndexTemplates.installAll(http, IndexTemplates.vectorField(tree.dimension(), Metric.COSINE.knnSpaceType()),
            IndexTemplates.model(modelId));
        float[][] vectors = m.data.vectors();
        List<String> ids = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            ids.add(ml1mId(i));
        }
        indexItems(http, index, ids, vectors);
        List<BenchQuery> out = new ArrayList<>();
        for (int u : m.testUsers) {
            BenchQuery q = historyQuery(m.data.sequences().get(u), BenchQueryCommand::ml1mId, vectors);
            if (q != null) {
                out.add(q);
            }
        }
        return new Workload(index, modelId, out, String.format(Locale.ROOT,
            "data: ML-1M, %,d items (%d-d PPMI vectors), tree %d leaves depth %d, generator from %s, %,d held-out users; set-up %.1f s",
            vectors.length, tree.dimension(), tree.leafCount(), tree.maxDepth(), modelDir, out.size(), (System.nanoTime() - t0) / 1e9));
    }

    /** Indexes item {@code ids[i]} with {@code vectors[i]} through the installed pipeline, then refreshes. */
    private static void indexItems(JsonHttp http, String index, List<String> ids, float[][] vectors) throws IOException {
        BulkIndexer bulk = new BulkIndexer(http, index, 2000, null);
        for (int i = 0; i < vectors.length; i++) {
            bulk.add(ids.get(i), IndexTemplates.itemDocument(ids.get(i), vectors[i]));
        }
        BulkIndexer.Result indexed = bulk.finish();
        if (!indexed.failures().isEmpty()) {
            throw new IllegalStateException(indexed.failures().size() + " items failed to index into [" + index + "], first: "
                + indexed.failures().get(0));
        }
        http.post("/" + index + "/_refresh", null);
    }

    /**
     * One user's query: the history before the last {@value #ML1M_TARGETS} items, at most the {@value #ML1M_MAX_HISTORY}
     * newest, with the normalised mean of their vectors for the plain query; null for a sequence too short.
     */
    private static BenchQuery historyQuery(int[] seq, IntFunction<String> id, float[][] vectors) {
        int end = seq.length - ML1M_TARGETS;
        if (end < 1) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        List<float[]> history = new ArrayList<>();
        for (int i = Math.max(0, end - ML1M_MAX_HISTORY); i < end; i++) {
            ids.add(id.apply(seq[i]));
            history.add(vectors[seq[i]]);
        }
        return new BenchQuery(ids, Vectors.normalizedMean(history));
    }

    private static final int ML1M_TARGETS = 10;
    private static final int ML1M_MAX_HISTORY = 200;

    private static String ml1mId(int item) {
        return "i" + item;
    }

    private static double pct(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
