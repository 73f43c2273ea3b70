package io.rimirec.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.core.vector.Vectors;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.data.synthetic.SyntheticOptions;
import io.rimirec.tools.data.synthetic.SyntheticUsers;
import io.rimirec.tools.opensearch.BulkIndexer;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end job on the built-in synthetic catalogue, against any cluster with k-NN and rimirec: build a circle
 * tree, upload it as a model bundle, install the index templates and pipeline from {@code index-templates/}, index the
 * catalogue through the pipeline (which stamps the circles), then answer one synthetic user with a single-vector k-NN
 * query and with one k-NN query restricted to each of the user's two main circles.
 *
 * <p>The per-circle query vector is the mean of the user's history items inside that circle; the trained user tower
 * of the {@code rimirec} query replaces it.
 */
public final class Demo {

    /** What to build and where to put it. */
    public record Options(int items, int dimension, int k, int c, long seed, String modelId, String index, int size) {
        public static Options defaults() {
            return new Options(20_000, 64, 8, 500, 42L, "demo", "items-demo", 10);
        }

        public Options withItems(int n) {
            return new Options(n, dimension, k, c, seed, modelId, index, size);
        }

        public Options withLeafCapacity(int capacity) {
            return new Options(items, dimension, k, capacity, seed, modelId, index, size);
        }

        public Options withIndex(String name) {
            return new Options(items, dimension, k, c, seed, modelId, name, size);
        }

        public Options withModelId(String id) {
            return new Options(items, dimension, k, c, seed, id, index, size);
        }
    }

    /** One search hit with the circle the pipeline stamped and the topic/sub-topic the generator planted. */
    public record Hit(String id, double score, String leaf, List<String> circles, int topic, int subtopic) {}

    /** One search: a title, the circle it was restricted to (null: whole catalogue), its hits. */
    public record Search(String title, String circle, List<Hit> hits) {}

    /** Everything the demo did, for printing and for tests. */
    public record Report(CircleTree tree, long indexed, List<BulkIndexer.Failure> failures, SyntheticUsers.User user,
                         Map<String, Integer> historyByTopCircle, List<Search> searches, Map<String, Long> millis) {}

    private final JsonHttp http;
    private final Options options;
    private final PrintWriter log;
    private final ProgressListener progress;

    public Demo(JsonHttp http, Options options, PrintWriter log, ProgressListener progress) {
        this.http = http;
        this.options = options;
        this.log = log;
        this.progress = progress;
    }

    public Report run() throws IOException {
        Map<String, Long> millis = new LinkedHashMap<>();
        long t = System.nanoTime();
        SyntheticCatalogue catalogue = SyntheticCatalogue.generate(SyntheticOptions.defaults(options.items(), options.dimension())
            .withSeed(options.seed()));
        say("generated %,d synthetic items (%d topics x %d sub-topics, %d-d)", catalogue.size(), catalogue.options().topics(),
            catalogue.options().subtopics(), options.dimension());

        TreeOptions treeOptions = TreeOptions.defaults(Metric.COSINE).withBranching(options.k()).withLeafCapacity(options.c())
            .withSeed(options.seed()).withThreads(Runtime.getRuntime().availableProcessors());
        CircleTree tree = new HierarchicalKMeans(treeOptions).info("source", "rimirec demo").build(catalogue.vectors(), progress);
        millis.put("tree", lap(t));
        say("built the circle tree: %d leaves, depth %d (k=%d, c=%d)", tree.leafCount(), tree.maxDepth(), options.k(), options.c());

        t = System.nanoTime();
        byte[] bundle = BundlePacker.ofTree(tree).name("rimirec demo").description("synthetic catalogue, tree only").pack();
        new ModelStoreClient(http).upload(options.modelId(), bundle);
        IndexTemplates.installAll(http, IndexTemplates.vectorField(options.dimension(), Metric.COSINE.knnSpaceType()),
            IndexTemplates.model(options.modelId()));
        say("uploaded model [%s] (%,d bytes); installed the component template, index template and pipeline", options.modelId(),
            bundle.length);

        BulkIndexer bulk = new BulkIndexer(http, options.index(), 2000, null);
        progress.start("indexing through the pipeline", catalogue.size());
        for (int i = 0; i < catalogue.size(); i++) {
            ObjectNode doc = JsonHttp.MAPPER.createObjectNode();
            doc.put("item_id", SyntheticCatalogue.id(i));
            ArrayNode v = doc.putArray("item_vector");
            for (float x : catalogue.vector(i)) {
                v.add(x);
            }
            bulk.add(SyntheticCatalogue.id(i), doc);
            progress.advance(1);
        }
        BulkIndexer.Result indexed = bulk.finish();
        progress.finish();
        http.post("/" + options.index() + "/_refresh", null);
        millis.put("upload+index", lap(t));
        say("indexed %,d items into [%s] through the rimirec-items pipeline, %d failed", indexed.indexed(), options.index(),
            indexed.failures().size());

        t = System.nanoTime();
        SyntheticUsers.User user = SyntheticUsers.generate(catalogue, new SyntheticUsers.Options(1, 40, 0.75, options.seed())).get(0);
        Map<String, List<float[]>> historyByCircle = new LinkedHashMap<>();
        Map<String, Integer> historyByTop = new LinkedHashMap<>();
        List<float[]> all = new ArrayList<>();
        for (int item : user.history()) {
            CirclePath leaf = tree.assign(catalogue.vector(item));
            all.add(catalogue.vector(item));
            historyByTop.merge(leaf.prefix(1).toString(), 1, Integer::sum);
            historyByCircle.computeIfAbsent(leaf.prefix(1).toString(), key -> new ArrayList<>()).add(catalogue.vector(item));
        }
        List<String> topCircles = historyByTop.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .map(Map.Entry::getKey).toList();

        List<Search> searches = new ArrayList<>();
        searches.add(search("one user vector (mean of the whole history), whole catalogue", null, mean(all), catalogue));
        for (String circle : topCircles.subList(0, Math.min(2, topCircles.size()))) {
            searches.add(search("history inside circle " + circle + " (" + historyByTop.get(circle) + " of " + user.history().length
                + " items), only circle " + circle, circle, mean(historyByCircle.get(circle)), catalogue));
        }
        millis.put("searches", lap(t));
        return new Report(tree, indexed.indexed(), indexed.failures(), user, historyByTop, searches, millis);
    }

    private Search search(String title, String circle, float[] vector, SyntheticCatalogue catalogue) throws IOException {
        ObjectNode knn = JsonHttp.MAPPER.createObjectNode();
        ArrayNode v = knn.putArray("vector");
        for (float x : vector) {
            v.add(x);
        }
        knn.put("k", options.size());
        if (circle != null) {
            knn.putObject("filter").putObject("term").put("circles", circle);
        }
        ObjectNode body = JsonHttp.MAPPER.createObjectNode();
        body.put("size", options.size());
        body.putArray("_source").add("circles").add("circle_leaf");
        body.putObject("query").putObject("knn").set("item_vector", knn);
        JsonNode response = http.post("/" + options.index() + "/_search", body);
        List<Hit> hits = new ArrayList<>();
        for (JsonNode h : response.path("hits").path("hits")) {
            int item = Integer.parseInt(h.path("_id").asText().substring(1));
            List<String> circles = new ArrayList<>();
            h.path("_source").path("circles").forEach(c -> circles.add(c.asText()));
            hits.add(new Hit(h.path("_id").asText(), h.path("_score").asDouble(), h.path("_source").path("circle_leaf").asText(),
                circles, catalogue.topic(item), catalogue.subtopic(item)));
        }
        return new Search(title, circle, hits);
    }

    /** Prints the report as the README shows it. */
    public static void print(Report r, PrintWriter out) {
        SyntheticUsers.User u = r.user();
        out.printf(Locale.ROOT, "%nuser %s: %d history items; planted interests: heavy sub-topic t%d/s%d, light topic t%d%n", u.id(),
            u.history().length, u.heavyTopic(), u.heavySubtopic(), u.lightTopic());
        out.print("history items per top-level circle:");
        r.historyByTopCircle().entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .forEach(e -> out.printf(Locale.ROOT, "  %s: %d", e.getKey(), e.getValue()));
        out.println();
        for (Search s : r.searches()) {
            out.printf(Locale.ROOT, "%n== %s%n", s.title());
            out.printf(Locale.ROOT, "  %-4s %-9s %-7s %-12s %s%n", "rank", "item", "score", "circle", "planted topic/sub-topic");
            int rank = 1;
            for (Hit h : s.hits()) {
                out.printf(Locale.ROOT, "  %-4d %-9s %-7.4f %-12s t%d/s%d%n", rank++, h.id(), h.score(), h.leaf(), h.topic(), h.subtopic());
            }
        }
        out.printf(Locale.ROOT, "%ntimings: %s ms%n", r.millis());
        out.flush();
    }

    private static float[] mean(List<float[]> vectors) {
        float[] m = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < m.length; i++) {
                m[i] += v[i];
            }
        }
        return Vectors.normalized(m);
    }

    private void say(String format, Object... args) {
        log.printf(Locale.ROOT, format + "%n", args);
        log.flush();
    }

    private static long lap(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
