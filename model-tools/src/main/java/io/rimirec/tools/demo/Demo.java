package io.rimirec.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
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

import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.tower.UserTowerArtifact;
import io.rimirec.tools.util.MoreFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end job on the built-in synthetic catalogue, against any cluster with k-NN and rimirec: build a circle
 * tree, train an interest generator and a user tower on synthetic users (each with a heavy sub-topic and a light topic), upload both as
 * one model bundle, install the index templates and pipeline from {@code index-templates/}, index the catalogue through
 * the pipeline (which stamps the circles), then answer two users the generator never saw with a single-vector k-NN
 * query and with the {@code rimirec} query, showing the circle each rimirec hit came from.
 */
public final class Demo {

    /** What to build and where to put it. */
    public record Options(int items, int dimension, int k, int c, long seed, String modelId, String index, int size, int users,
                          int epochs, int beams) {
        public static Options defaults() {
            return new Options(20_000, 64, 8, 500, 42L, "demo", "items-demo", 10, 2000, 4, 6);
        }

        public Options withItems(int n) {
            return new Options(n, dimension, k, c, seed, modelId, index, size, users, epochs, beams);
        }

        public Options withLeafCapacity(int capacity) {
            return new Options(items, dimension, k, capacity, seed, modelId, index, size, users, epochs, beams);
        }

        public Options withIndex(String name) {
            return new Options(items, dimension, k, c, seed, modelId, name, size, users, epochs, beams);
        }

        public Options withModelId(String id) {
            return new Options(items, dimension, k, c, seed, id, index, size, users, epochs, beams);
        }

        public Options withTraining(int trainingUsers, int trainingEpochs) {
            return new Options(items, dimension, k, c, seed, modelId, index, size, trainingUsers, trainingEpochs, beams);
        }
    }

    /**
     * One search hit: the circle the pipeline stamped on it, the circle the rimirec query found it through (null for
     * the plain k-NN query), and the topic/sub-topic the generator planted.
     */
    public record Hit(String id, double score, String leaf, List<String> circles, String foundIn, int topic, int subtopic) {}

    /** One search: a title, its hits, and (for rimirec) the profile summary. */
    public record Search(String title, List<Hit> hits, String profile) {}

    /** One demo user: planted interests, then the plain and the rimirec answer. */
    public record UserAnswer(SyntheticUsers.User user, Search plain, Search rimirec) {}

    /** Everything the demo did, for printing and for tests. */
    public record Report(CircleTree tree, Map<String, Object> training, long indexed, List<BulkIndexer.Failure> failures,
                         List<UserAnswer> answers, Map<String, Long> millis) {}

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

    /** What {@link #setUp} built, uploaded ({@code bundle}) and indexed. */
    public record Setup(SyntheticCatalogue catalogue, CircleTree tree, Map<String, Object> training, byte[] bundle,
                        BulkIndexer.Result indexed, List<SyntheticUsers.User> newUsers, Map<String, Long> millis) {}

    /** Sets everything up, then answers the two new users. */
    public Report run() throws IOException {
        Setup setup = setUp(2);
        long t = System.nanoTime();
        List<UserAnswer> answers = new ArrayList<>();
        for (SyntheticUsers.User user : setup.newUsers()) {
            List<String> ids = historyIds(user);
            answers.add(new UserAnswer(user, plainSearch(historyMean(setup.catalogue(), user), ids, setup.catalogue()),
                rimirecSearch(ids, setup.catalogue())));
        }
        Map<String, Long> millis = new LinkedHashMap<>(setup.millis());
        millis.put("searches", lap(t));
        return new Report(setup.tree(), setup.training(), setup.indexed().indexed(), setup.indexed().failures(), answers, millis);
    }

    /**
     * Generates the catalogue and users, builds the tree, trains the generator, uploads the bundle, installs the
     * templates and indexes the catalogue through the pipeline.
     *
     * @param newUsers users generated beside the training users, never trained on
     */
    public Setup setUp(int newUsers) throws IOException {
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
        List<SyntheticUsers.User> users = SyntheticUsers.generate(catalogue, new SyntheticUsers.Options(options.users() + newUsers, 40, 0.75,
            options.seed()));
        List<SyntheticUsers.User> demoUsers = users.subList(options.users(), users.size()); // never seen in training
        Path work = Files.createTempDirectory("rimirec-demo");
        byte[] bundle;
        Map<String, Object> training;
        try {
            Path generatorDir = work.resolve(GeneratorArtifact.DIRECTORY);
            training = DemoGenerator.train(catalogue, tree, users.subList(0, options.users()), options.epochs(), options.seed(),
                generatorDir, progress);
            millis.put("generator", lap(t));
            say("trained the interest generator on %,d synthetic users: validation loss %.3f vs %.3f for the circle prior",
                options.users(), ((Number) training.get("best_validation_loss")).doubleValue(),
                ((Number) training.get("prior_validation_loss_per_circle")).doubleValue());
            t = System.nanoTime();
            Path towerDir = work.resolve(UserTowerArtifact.DIRECTORY);
            Map<String, Object> tower = DemoGenerator.trainTower(catalogue, tree, users.subList(0, options.users()), options.seed(), towerDir, progress);
            millis.put("user_tower", lap(t));
            training = new LinkedHashMap<>(training);
            training.put("user_tower", tower);
            say("trained the user tower: validation loss %.3f vs %.3f at chance (ln(1 + negatives))",
                ((Number) tower.get("best_validation_loss")).doubleValue(), ((Number) tower.get("chance_loss")).doubleValue());
            bundle = BundlePacker.ofTree(tree).name("rimirec demo").description("synthetic catalogue: tree + interest generator + user tower")
                .generator(generatorDir).userTower(towerDir).pack();
        } finally {
            MoreFiles.deleteRecursively(work);
        }

        t = System.nanoTime();
        new ModelStoreClient(http).upload(options.modelId(), bundle, true); // every demo item is indexed again below
        IndexTemplates.installAll(http, IndexTemplates.vectorField(options.dimension(), Metric.COSINE.knnSpaceType()),
            IndexTemplates.model(options.modelId()));
        say("uploaded model [%s] (%,d bytes); installed the component template, index template and pipeline", options.modelId(),
            bundle.length);

        BulkIndexer bulk = new BulkIndexer(http, options.index(), 2000, null);
        progress.start("indexing through the pipeline", catalogue.size());
        for (int i = 0; i < catalogue.size(); i++) {
            ObjectNode doc = IndexTemplates.itemDocument(SyntheticCatalogue.id(i), catalogue.vector(i));
            bulk.add(SyntheticCatalogue.id(i), doc);
            progress.advance(1);
        }
        BulkIndexer.Result indexed = bulk.finish();
        progress.finish();
        http.post("/" + options.index() + "/_refresh", null);
        millis.put("upload+index", lap(t));
        say("indexed %,d items into [%s] through the rimirec-items pipeline, %d failed", indexed.indexed(), options.index(),
            indexed.failures().size());

        return new Setup(catalogue, tree, training, bundle, indexed, demoUsers, millis);
    }

    public static List<String> historyIds(SyntheticUsers.User user) {
        List<String> ids = new ArrayList<>();
        for (int item : user.history()) {
            ids.add(SyntheticCatalogue.id(item));
        }
        return ids;
    }

    /** The single user vector: the normalised mean of the whole history. */
    public static float[] historyMean(SyntheticCatalogue catalogue, SyntheticUsers.User user) {
        List<float[]> history = new ArrayList<>();
        for (int item : user.history()) {
            history.add(catalogue.vector(item));
        }
        return Vectors.normalizedMean(history);
    }

    /** One k-NN query with the mean of the whole history: the single-vector answer. */
    private Search plainSearch(float[] vector, List<String> historyIds, SyntheticCatalogue catalogue) throws IOException {
        ObjectNode body = plainBody(vector, historyIds, options.size());
        body.putArray("_source").add("circles").add("circle_leaf");
        return new Search("one user vector (mean of the history), plain k-NN", hits(http.post("/" + options.index() + "/_search", body),
            catalogue), null);
    }

    /** The search body of a plain k-NN query for {@code vector}, k = size, history excluded. */
    public static ObjectNode plainBody(float[] vector, List<String> historyIds, int size) {
        ObjectNode knn = JsonHttp.MAPPER.createObjectNode();
        knn.set("vector", JsonHttp.array(vector));
        knn.put("k", size);
        ArrayNode exclude = knn.putObject("filter").putObject("bool").putObject("must_not").putObject("ids").putArray("values");
        historyIds.forEach(exclude::add);
        ObjectNode body = JsonHttp.MAPPER.createObjectNode();
        body.put("size", size);
        body.putObject("query").putObject("knn").set("item_vector", knn);
        return body;
    }

    /** The rimirec query for the same history. */
    private Search rimirecSearch(List<String> historyIds, SyntheticCatalogue catalogue) throws IOException {
        ObjectNode body = rimirecBody(options.modelId(), historyIds, options.size(), options.beams());
        body.put("explain", true).put("profile", true);
        body.putArray("_source").add("circles").add("circle_leaf");
        JsonNode response = http.post("/" + options.index() + "/_search", body);
        String profile = response.path("profile").findValues("description").stream().map(JsonNode::asText)
            .filter(d -> d.startsWith("rimirec_scored_ids")).findFirst().orElse("");
        return new Search("rimirec (beams=" + options.beams() + ", size=" + options.size() + ")", hits(response, catalogue), profile);
    }

    /** The search body of a rimirec query: M = size, B = beams. */
    public static ObjectNode rimirecBody(String model, List<String> historyIds, int size, int beams) {
        ObjectNode body = JsonHttp.MAPPER.createObjectNode();
        body.put("size", size);
        ObjectNode q = body.putObject("query").putObject("rimirec");
        q.put("model", model).put("size", size).put("beams", beams);
        ArrayNode h = q.putArray("history");
        historyIds.forEach(h::add);
        return body;
    }

    private static List<Hit> hits(JsonNode response, SyntheticCatalogue catalogue) {
        List<Hit> hits = new ArrayList<>();
        for (JsonNode h : response.path("hits").path("hits")) {
            int item = Integer.parseInt(h.path("_id").asText().substring(1));
            List<String> circles = new ArrayList<>();
            h.path("_source").path("circles").forEach(c -> circles.add(c.asText()));
            String explanation = h.path("_explanation").toString();
            Matcher m = FOUND_IN.matcher(explanation);
            hits.add(new Hit(h.path("_id").asText(), h.path("_score").asDouble(), h.path("_source").path("circle_leaf").asText(),
                circles, m.find() ? m.group(1) : null, catalogue.topic(item), catalogue.subtopic(item)));
        }
        return hits;
    }

    private static final Pattern FOUND_IN = Pattern.compile("rimirec: circle (\\S+) ");

    /** Prints the report as the README shows it. */
    public static void print(Report r, PrintWriter out) {
        for (UserAnswer a : r.answers()) {
            SyntheticUsers.User u = a.user();
            out.printf(Locale.ROOT, "%nuser %s (not seen in training): %d history items; planted interests: heavy sub-topic t%d/s%d, light topic t%d%n",
                u.id(), u.history().length, u.heavyTopic(), u.heavySubtopic(), u.lightTopic());
            for (Search s : List.of(a.plain(), a.rimirec())) {
                out.printf(Locale.ROOT, "== %s%n", s.title());
                out.printf(Locale.ROOT, "  %-4s %-9s %-7s %-10s %-10s %s%n", "rank", "item", "score", "item leaf", "found in", "planted");
                int rank = 1;
                for (Hit h : s.hits()) {
                    out.printf(Locale.ROOT, "  %-4d %-9s %-7.4f %-10s %-10s t%d/s%d%s%n", rank++, h.id(), h.score(), h.leaf(),
                        h.foundIn() == null ? "-" : h.foundIn(), h.topic(), h.subtopic(), h.topic() == u.lightTopic() ? "  <- light interest" : "");
                }
                if (s.profile() != null && !s.profile().isEmpty()) {
                    out.println("  profile: " + s.profile());
                }
            }
        }
        out.printf(Locale.ROOT, "%ntimings: %s ms%n", r.millis());
        out.flush();
    }

    private void say(String format, Object... args) {
        log.printf(Locale.ROOT, format + "%n", args);
        log.flush();
    }

    private static long lap(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
