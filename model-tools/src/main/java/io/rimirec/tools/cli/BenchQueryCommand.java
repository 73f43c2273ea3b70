package io.rimirec.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.cluster.OpenSearchZips;
import io.rimirec.tools.data.synthetic.SyntheticUsers;
import io.rimirec.tools.demo.Demo;
import io.rimirec.tools.opensearch.JsonHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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

    private static final Pattern TIMING = Pattern.compile("(history_fetch|generate|user_vectors|knn|merge)=([0-9.]+)");

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

    @Option(names = "--heap", defaultValue = "4g", description = "Node heap (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--opensearch-dir", paramLabel = "DIR", description = "Folder with the OpenSearch, k-NN and rimirec zips (default: found beside this jar).")
    Path opensearchDir;

    @Option(names = "--no-progress", description = "Do not show progress on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--items", items, 1000);
        CliSupport.atLeast(spec, "--queries", queries, 10);
        CliSupport.atLeast(spec, "--warmup", warmup, 0);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalCluster.Builder builder = LocalCluster.builder()
            .zips(opensearchDir != null ? OpenSearchZips.in(opensearchDir) : OpenSearchZips.locate())
            .nodes(1).heap(heap).fastStartup(false);
        try (LocalCluster cluster = builder.start()) {
            JsonHttp http = new JsonHttp(cluster.restClient());
            Demo.Options options = Demo.Options.defaults().withItems(items).withLeafCapacity(leafCapacity).withTraining(users, epochs)
                .withIndex("items-bench").withModelId("bench");
            Demo demo = new Demo(http, options, err, noProgress ? ProgressListener.NONE : ProgressBar.on(err));
            Demo.Setup setup = demo.setUp(warmup + queries);
            out.printf(Locale.ROOT, "data: %,d synthetic %d-d items, tree %d leaves depth %d, generator trained on %,d users; set-up %s ms%n",
                items, options.dimension(), setup.tree().leafCount(), setup.tree().maxDepth(), users, setup.millis());

            List<SyntheticUsers.User> all = setup.newUsers();
            double[] plain = new double[queries];
            double[] rimirec = new double[queries];
            for (int i = 0; i < warmup + queries; i++) {
                SyntheticUsers.User u = all.get(i);
                List<String> ids = Demo.historyIds(u);
                ObjectNode plainBody = Demo.plainBody(Demo.historyMean(setup.catalogue(), u), ids, size);
                ObjectNode rimirecBody = Demo.rimirecBody(options.modelId(), ids, size, beams);
                boolean rimirecFirst = i % 2 == 0;
                double a = time(http, options.index(), rimirecFirst ? rimirecBody : plainBody);
                double b = time(http, options.index(), rimirecFirst ? plainBody : rimirecBody);
                if (i >= warmup) {
                    rimirec[i - warmup] = rimirecFirst ? a : b;
                    plain[i - warmup] = rimirecFirst ? b : a;
                }
            }
            // Breakdown from the profile summary of separate runs (profiling itself costs a little).
            Map<String, List<Double>> parts = new LinkedHashMap<>();
            for (int i = warmup; i < Math.min(all.size(), warmup + 50); i++) {
                ObjectNode body = Demo.rimirecBody(options.modelId(), Demo.historyIds(all.get(i)), size, beams);
                body.put("profile", true);
                JsonNode r = http.post("/" + options.index() + "/_search", body);
                String description = r.path("profile").findValues("description").stream().map(JsonNode::asText)
                    .filter(d -> d.startsWith("rimirec_scored_ids")).findFirst().orElse("");
                Matcher m = TIMING.matcher(description);
                while (m.find()) {
                    parts.computeIfAbsent(m.group(1), key -> new ArrayList<>()).add(Double.parseDouble(m.group(2)));
                }
            }
            out.printf(Locale.ROOT, "plain k-NN (k=%d):          p50 %.2f ms, p99 %.2f ms%n", size, pct(plain, 50), pct(plain, 99));
            out.printf(Locale.ROOT, "rimirec (M=%d, B=%d):        p50 %.2f ms, p99 %.2f ms%n", size, beams, pct(rimirec, 50), pct(rimirec, 99));
            out.printf(Locale.ROOT, "ratio rimirec / plain:     p50 %.2f, p99 %.2f (target p50 <= 2.0)%n", pct(rimirec, 50) / pct(plain, 50),
                pct(rimirec, 99) / pct(plain, 99));
            StringBuilder sb = new StringBuilder("rimirec breakdown, median ms over " + Math.min(50, queries) + " profiled queries:");
            parts.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.2f", k, pct(v.stream().mapToDouble(Double::doubleValue).toArray(), 50))));
            out.println(sb);
            out.flush();
        }
        return 0;
    }

    private static double time(JsonHttp http, String index, ObjectNode body) throws Exception {
        long t0 = System.nanoTime();
        JsonNode r = http.post("/" + index + "/_search", body);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.path("hits").path("hits").isEmpty()) {
            throw new IllegalStateException("a benchmark query returned no hits: " + r);
        }
        return ms;
    }

    private static double pct(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
