package io.rimirec.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.demo.Demo;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rimirec bench uploads}: the node's resident memory over many model versions. Every cycle uploads a new version
 * of the model (the same tree and graphs under another name, so another content hash) and sends one rimirec query, so
 * each cycle validates the bundle (ONNX sessions opened and closed), evicts the old version on the node and loads the
 * new one (its sessions opened on the query, the old ones closed once no request uses them). The baseline, in the same run on the same
 * node, is as many cycles of the query alone: what the node's resident memory does anyway under that load.
 */
@Command(name = "uploads", mixinStandardHelpOptions = true,
    description = "Resident memory of a node over many model versions (upload + query per cycle) against as many query-only "
        + "cycles on the same node (the baseline). Target: within 5% over 500 upload cycles.")
public final class BenchUploadsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--cycles", defaultValue = "500", description = "Upload cycles, and baseline query cycles (default: ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--warmup", defaultValue = "50", description = "Upload cycles before measuring, so caches and pools settle "
        + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--sample-every", defaultValue = "50", description = "Cycles between memory samples (default: ${DEFAULT-VALUE}).")
    int sampleEvery;

    @Option(names = "--latency-cycles", defaultValue = "30", description = "Cycles of the first-query latency phase "
        + "(default: ${DEFAULT-VALUE}).")
    int latencyCycles;

    @Option(names = "--items", defaultValue = "20000", description = "Catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--heap", defaultValue = "1g", description = "Node heap (default: ${DEFAULT-VALUE}).")
    String heap;

    @Mixin
    OpenSearchDirOption opensearch;

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--cycles", cycles, 10);
        CliSupport.atLeast(spec, "--warmup", warmup, 0);
        CliSupport.atLeast(spec, "--sample-every", sampleEvery, 1);
        CliSupport.atLeast(spec, "--items", items, 1000);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LocalCluster cluster = LocalCluster.builder().zips(opensearch.zips()).nodes(1).heap(heap).fastStartup(false).start()) {
            JsonHttp http = new JsonHttp(cluster.restClient());
            Demo.Options options = Demo.Options.defaults().withItems(items).withLeafCapacity(200).withTraining(300, 2)
                .withIndex("items-uploads").withModelId("uploads");
            Demo.Setup setup = new Demo(http, options, err, ProgressListener.NONE).setUp(1);
            byte[][] versions = {BundlePacker.renamed(setup.bundle(), "a"), BundlePacker.renamed(setup.bundle(), "b")};
            List<String> history = Demo.historyIds(setup.newUsers().get(0));
            long pid = cluster.node(0).process().orElseThrow(() -> new IllegalStateException("no node process")).pid();
            ModelStoreClient store = new ModelStoreClient(http);

            for (int i = 0; i < warmup; i++) {
                cycle(http, store, versions[i % 2], options, history);
            }
            List<long[]> baseline = measure(http, null, versions, options, history, pid, err, "baseline (query only)");
            List<long[]> uploads = measure(http, store, versions, options, history, pid, err, "upload + query");

            out.printf(Locale.ROOT, "node resident memory, MB, every %d cycles (%d warm-up upload cycles first): anonymous (heap, "
                + "native allocations) and file-backed (mapped index files, which the kernel reclaims), and the heap in use%n",
                sampleEvery, warmup);
            out.printf(Locale.ROOT, "%8s  %30s  %30s%n", "cycle", "baseline anon / file (heap)", "uploads anon / file (heap)");
            for (int s = 0; s < uploads.size(); s++) {
                long[] b = baseline.get(s), u = uploads.get(s);
                out.printf(Locale.ROOT, "%8d  %10.1f / %7.1f (%7.1f)  %10.1f / %7.1f (%7.1f)%n", u[0], b[1] / 1e6, b[3] / 1e6, b[2] / 1e6,
                    u[1] / 1e6, u[3] / 1e6, u[2] / 1e6);
            }
            double baseGrowth = growth(baseline);
            double uploadGrowth = growth(uploads);
            out.printf(Locale.ROOT, "anonymous RSS growth over %d cycles: baseline %+.1f%% (%+.1f MB), uploads %+.1f%% (%+.1f MB), %.3f MB per "
                    + "upload cycle beyond the baseline (target: uploads within 5%%)%n", cycles, 100 * baseGrowth,
                (last(baseline) - first(baseline)) / 1e6, 100 * uploadGrowth, (last(uploads) - first(uploads)) / 1e6,
                ((last(uploads) - first(uploads)) - (last(baseline) - first(baseline))) / 1e6 / cycles);
            latency(http, store, versions, options, history, out);
            out.flush();
        }
        return 0;
    }

    /** {@code cycles} cycles (with uploads when {@code store} is given), sampling {cycle, anonymous RSS, heap used, file RSS}. */
    private List<long[]> measure(JsonHttp http, ModelStoreClient store, byte[][] versions, Demo.Options options, List<String> history,
                                 long pid, PrintWriter err, String what) throws IOException {
        List<long[]> samples = new ArrayList<>();
        samples.add(sample(0, pid, http));
        long t0 = System.nanoTime();
        for (int i = 1; i <= cycles; i++) {
            cycle(http, store, versions[i % 2], options, history);
            if (i % sampleEvery == 0 || i == cycles) {
                samples.add(sample(i, pid, http));
            }
        }
        err.printf(Locale.ROOT, "%s: %d cycles in %.1f s%n", what, cycles, (System.nanoTime() - t0) / 1e9);
        err.flush();
        return samples;
    }

    /**
     * The first query after an upload, against a warm query (the second one), in the same run: when the upload replaced
     * the model and when it created a new model id. Every node loads and warms an uploaded model before the upload
     * answers; without that the first query paid for the load, the sessions and ONNX Runtime's first run.
     */
    private void latency(JsonHttp http, ModelStoreClient store, byte[][] versions, Demo.Options options, List<String> history,
                         PrintWriter out) throws IOException {
        double[] replaced = new double[latencyCycles], fresh = new double[latencyCycles], warm = new double[latencyCycles];
        for (int i = 0; i < latencyCycles; i++) {
            store.upload(options.modelId(), versions[i % 2]);
            replaced[i] = timedQuery(http, options, options.modelId(), history);
            warm[i] = timedQuery(http, options, options.modelId(), history);
            String newId = options.modelId() + "-new-" + i;
            store.upload(newId, versions[i % 2]);
            fresh[i] = timedQuery(http, options, newId, history);
            store.delete(newId, false);
        }
        double w = median(warm);
        out.printf(Locale.ROOT, "first query after an upload, median of %d (ms): replaced model %.1f (%.2fx a warm query), new model id "
            + "%.1f (%.2fx); warm query %.1f (target: within 2x)%n", latencyCycles, median(replaced),
            median(replaced) / w, median(fresh), median(fresh) / w, w);
    }

    private static double timedQuery(JsonHttp http, Demo.Options options, String model, List<String> history) throws IOException {
        long t0 = System.nanoTime();
        JsonNode r = http.post("/" + options.index() + "/_search", Demo.rimirecBody(model, history, 20, 6));
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.path("hits").path("hits").isEmpty()) {
            throw new IllegalStateException("a benchmark query returned no hits: " + r);
        }
        return ms;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void cycle(JsonHttp http, ModelStoreClient store, byte[] version, Demo.Options options, List<String> history)
        throws IOException {
        if (store != null) {
            store.upload(options.modelId(), version);
        }
        JsonNode r = http.post("/" + options.index() + "/_search", Demo.rimirecBody(options.modelId(), history, 20, 6));
        if (r.path("hits").path("hits").isEmpty()) {
            throw new IllegalStateException("a benchmark query returned no hits: " + r);
        }
    }

    private static long[] sample(long cycle, long pid, JsonHttp http) throws IOException {
        return new long[] {cycle, rss(pid, "RssAnon:"), heapUsed(http), rss(pid, "RssFile:")};
    }

    /** One resident-set figure of a process in bytes ({@code RssAnon:}, {@code RssFile:}), from /proc (Linux). */
    static long rss(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }

    private static long heapUsed(JsonHttp http) throws IOException {
        JsonNode nodes = http.get("/_nodes/stats/jvm").path("nodes");
        return nodes.elements().next().path("jvm").path("mem").path("heap_used_in_bytes").asLong();
    }

    private static double first(List<long[]> samples) {
        return samples.get(0)[1];
    }

    private static double last(List<long[]> samples) {
        return samples.get(samples.size() - 1)[1];
    }

    private static double growth(List<long[]> samples) {
        return (last(samples) - first(samples)) / first(samples);
    }
}
