package io.rimirec.tools.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.data.synthetic.SyntheticOptions;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code rimirec bench ingest}: the cost of the {@code rimirec_circles} processor. Indexes the same synthetic items
 * into two indexes with the same mappings (those of index-templates/), one through the rimirec-items pipeline and one
 * without any pipeline, in alternating rounds on one node, and prints the ratio of the median times. Bulk bodies are
 * serialised once before timing, so only the cluster's work is measured.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Benchmark indexing through the rimirec_circles pipeline against the same indexing without it, on a local node.")
public final class BenchIngestCommand implements Callable<Integer> {

    private static final String MODEL = "bench-ingest";

    @Spec
    CommandSpec spec;

    @Option(names = "--items", defaultValue = "100000", description = "Items per run (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--dim", defaultValue = "64", description = "Vector dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--c", defaultValue = "1000", description = "Tree leaf capacity (default: ${DEFAULT-VALUE}).")
    int c;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds; each indexes both variants, in alternating order (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--batch", defaultValue = "1000", description = "Documents per _bulk request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--clients", defaultValue = "2", description = "Concurrent _bulk senders (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--heap", defaultValue = "2g", description = "Node heap (default: ${DEFAULT-VALUE}).")
    String heap;

    @Mixin

    OpenSearchDirOption opensearch;

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--items", items, 1);
        CliSupport.atLeast(spec, "--rounds", rounds, 1);
        CliSupport.atLeast(spec, "--batch", batch, 1);
        CliSupport.atLeast(spec, "--clients", clients, 1);
        PrintWriter out = spec.commandLine().getOut();
        SyntheticCatalogue catalogue = SyntheticCatalogue.generate(SyntheticOptions.defaults(items, dim));
        CircleTree tree = new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withLeafCapacity(c)
            .withThreads(Runtime.getRuntime().availableProcessors())).build(catalogue.vectors());
        List<String> bodies = bulkBodies(catalogue);
        out.printf(Locale.ROOT, "data: %,d synthetic %d-d items; tree k=8 c=%d with %d leaves, depth %d; %d bulk bodies of %d docs, %d clients%n",
            items, dim, c, tree.leafCount(), tree.maxDepth(), bodies.size(), batch, clients);

        LocalCluster.Builder builder = LocalCluster.builder()
            .zips(opensearch.zips())
            .nodes(1).heap(heap).fastStartup(false);
        try (LocalCluster cluster = builder.start()) {
            JsonHttp http = new JsonHttp(cluster.restClient());
            new ModelStoreClient(http).upload(MODEL, BundlePacker.ofTree(tree).name("bench").pack(), true);
            ObjectNode component = IndexTemplates.vectorField(dim, Metric.COSINE.knnSpaceType())
                .apply(IndexTemplates.read("component/rimirec-items-mappings.json"));
            http.put("/_ingest/pipeline/" + IndexTemplates.PIPELINE, IndexTemplates.model(MODEL)
                .apply(IndexTemplates.read("pipeline/rimirec-items.json")));

            // Untimed warm-up of both paths (JIT, model cache, HNSW code).
            List<String> warm = bodies.subList(0, Math.max(1, bodies.size() / 10));
            run(http, component, "warm-plain", false, warm);
            run(http, component, "warm-pipeline", true, warm);

            double[] plain = new double[rounds];
            double[] pipeline = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean pipelineFirst = r % 2 == 1;
                if (pipelineFirst) {
                    pipeline[r] = run(http, component, "bench-pipeline", true, bodies);
                    plain[r] = run(http, component, "bench-plain", false, bodies);
                } else {
                    plain[r] = run(http, component, "bench-plain", false, bodies);
                    pipeline[r] = run(http, component, "bench-pipeline", true, bodies);
                }
                out.printf(Locale.ROOT, "round %d: without processor %.1f s, with processor %.1f s, ratio %.3f%n", r + 1, plain[r],
                    pipeline[r], pipeline[r] / plain[r]);
                out.flush();
            }
            double mPlain = median(plain);
            double mPipeline = median(pipeline);
            out.printf(Locale.ROOT, "median: without %.1f s (%,.0f docs/s), with %.1f s (%,.0f docs/s); ratio with/without %.3f (target <= 1.15)%n",
                mPlain, items / mPlain, mPipeline, items / mPipeline, mPipeline / mPlain);
        }
        return 0;
    }

    /** Creates the index, sends every body, refreshes; returns seconds; deletes the index. */
    private double run(JsonHttp http, ObjectNode component, String index, boolean withPipeline, List<String> bodies) throws Exception {
        ObjectNode create = JsonHttp.MAPPER.createObjectNode();
        ObjectNode settings = create.putObject("settings");
        settings.put("index.knn", true).put("number_of_shards", 1).put("number_of_replicas", 0).put("refresh_interval", "-1");
        if (withPipeline) {
            settings.put("index.default_pipeline", IndexTemplates.PIPELINE);
        }
        create.set("mappings", component.path("template").path("mappings"));
        http.put("/" + index, create);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                senders.add(pool.submit(() -> {
                    for (int b; (b = next.getAndIncrement()) < bodies.size(); ) {
                        var response = http.ndjson("/" + index + "/_bulk", bodies.get(b));
                        if (response.path("errors").asBoolean()) {
                            throw new IllegalStateException("bulk into [" + index + "] had item errors: " + response.path("items").get(0));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : senders) {
                f.get();
            }
            http.post("/" + index + "/_refresh", null);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
            http.delete("/" + index);
        }
    }

    private List<String> bulkBodies(SyntheticCatalogue catalogue) throws Exception {
        List<String> bodies = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < catalogue.size(); i++) {
            ObjectNode doc = IndexTemplates.itemDocument(SyntheticCatalogue.id(i), catalogue.vector(i));
            sb.append("{\"index\":{\"_id\":\"").append(SyntheticCatalogue.id(i)).append("\"}}\n")
                .append(JsonHttp.MAPPER.writeValueAsString(doc)).append('\n');
            if ((i + 1) % batch == 0 || i == catalogue.size() - 1) {
                bodies.add(sb.toString());
                sb.setLength(0);
            }
        }
        return bodies;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
