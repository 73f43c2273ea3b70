package io.rimirec.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.tools.RimirecCli;
import io.rimirec.tools.data.interactions.InteractionColumns;
import io.rimirec.tools.data.interactions.InteractionReader;
import io.rimirec.tools.opensearch.EventsIndexReader;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.train.pipeline.TrainRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's path from their own files to recall in their cluster (issue 15), through the CLI as they would type it: a CSV
 * of interactions (their column names, ISO times) and an items file (their ids, their vectors, their fields, one item no
 * one has touched yet), their vector field name → {@code rimirec train} → {@code model upload} → {@code items setup} → {@code items index} →
 * {@code rimirec} queries for the users the check held out, which must score what the training report says they score
 * offline (online = offline), and return the user's ids and fields.
 */
class TrainFromInteractionsIT extends SingleNodeTestCase {

    private static final int GENRES = 4;
    private static final int PER_GENRE = 30;
    private static final int DIM = 16;

    @TempDir
    Path tmp;

    static int cli(String... args) {
        return RimirecCli.commandLine().execute(args);
    }

    static String sku(int i) {
        return String.format(Locale.ROOT, "sku-%04d", i);
    }

    /** Users stay in one genre: {customer_id, sku, event_time} per event, in time order per user. */
    static List<String[]> events(Random r) {
        List<String[]> out = new ArrayList<>();
        for (int u = 0; u < 240; u++) {
            int genre = r.nextInt(GENRES);
            List<Integer> pool = new ArrayList<>();
            for (int k = 0; k < PER_GENRE; k++) {
                pool.add(genre + GENRES * k);
            }
            Collections.shuffle(pool, r);
            for (int t = 0; t < 16; t++) {
                out.add(new String[] {"cust-" + u, sku(pool.get(t)), "2025-05-01T10:" + String.format(Locale.ROOT, "%02d", t) + ":00Z"});
            }
        }
        return out;
    }

    static Path csv(Path file, List<String[]> events) throws Exception {
        StringBuilder csv = new StringBuilder("customer_id,sku,event_time\n");
        for (String[] e : events) {
            csv.append(String.join(",", e)).append('\n');
        }
        Files.writeString(file, csv);
        return file;
    }

    /**
     * Interactions already in the cluster: an index of events (date-typed time, shuffled, one document without an item)
     * reads to the same data set as the same events in a CSV, the bad document reported by its id, over several pages of
     * a point in time; {@code rimirec train --events-index} trains from it.
     */
    @Test
    void anEventsIndexReadsLikeTheSameEventsInAFileAndTrains() throws Exception {
        List<String[]> events = events(new Random(9));
        String index = rest.uniqueIndexName("events");
        rest.createIndex(index, Map.of("settings", Map.of("number_of_shards", 2, "number_of_replicas", 0), "mappings", Map.of("properties", Map.of(
            "customer_id", Map.of("type", "keyword"), "sku", Map.of("type", "keyword"), "event_time", Map.of("type", "date"),
            "channel", Map.of("type", "keyword")))));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(1)); // indexing order must not matter: the time orders each user
        Map<String, Object> docs = new java.util.LinkedHashMap<>();
        for (int i : order) {
            String[] e = events.get(i);
            docs.put("ev-" + i, Map.of("customer_id", e[0], "sku", e[1], "event_time", e[2], "channel", "web"));
        }
        docs.put("ev-broken", Map.of("customer_id", "cust-1", "event_time", "2025-05-01T11:00:00Z"));
        rest.bulkIndex(index, docs);
        rest.refresh(index);

        InteractionReader.Result fromIndex = new EventsIndexReader(new JsonHttp(cluster.restClient()), 500).read(index,
            new InteractionReader.Options(null, InteractionColumns.AUTO, Double.NaN, Set.of(), 0.01), io.rimirec.core.util.ProgressListener.NONE);
        InteractionReader.Result fromFile = InteractionReader.read(csv(tmp.resolve("events.csv"), events), InteractionReader.Options.defaults());
        assertEquals(fromFile.data().fingerprint(), fromIndex.data().fingerprint(), fromIndex.data().summary() + " vs " + fromFile.data().summary());
        assertEquals(events.size(), fromIndex.report().keptInteractions());
        assertEquals(List.of("index [" + index + "] document ev-broken: empty item id (user cust-1)"), fromIndex.report().examples());

        Path out = tmp.resolve("from-index");
        assertEquals(0, cli("train", "--events-index", index, "--url", cluster.httpUris().get(0), "--out", out.toString(), "--threads", "2",
            "--set", "c=20", "--set", "maxHistory=10", "--set", "recent=5", "--set", "width=16", "--set", "heads=2", "--set", "ffn=32",
            "--set", "epochs=2", "--set", "towerWidth=16", "--set", "towerEpochs=2", "--set", "negatives=16", "--set", "dim=16"));
        JsonNode report = JsonHttp.MAPPER.readTree(out.resolve("report.json").toFile());
        assertEquals(fromIndex.data().summary(), report.path("data").asText());
        assertTrue(Files.size(out.resolve("bundle.zip")) > 0);
    }

    @Test
    void aUsersCsvAndCatalogueBecomeServedRecallWithTheirOwnIdsAndOnlineEqualsOffline() throws Exception {
        // Users stay in one genre; items' vectors point at their genre (the user's embedding model, here made up).
        Random r = new Random(5);
        Path interactions = csv(tmp.resolve("clicks.csv"), events(r));
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < GENRES * PER_GENRE; i++) {
            items.append(JsonHttp.MAPPER.writeValueAsString(Map.of("id", sku(i), "vector", vector(i % GENRES, r), "title", "Item " + i))).append('\n');
        }
        items.append(JsonHttp.MAPPER.writeValueAsString(Map.of("id", "sku-new", "vector", vector(2, r), "title", "New arrival"))).append('\n');
        Path catalogue = tmp.resolve("catalogue.jsonl");
        Files.writeString(catalogue, items);

        String model = "train-it";
        Path out = tmp.resolve("model");
        assertEquals(0, cli("train", "--interactions", interactions.toString(), "--items", catalogue.toString(), "--out", out.toString(),
            "--name", model, "--vector-field", "embedding", "--validation-share", "0.25", "--threads", "2", "--set", "maxHistory=10", "--set", "recent=5", "--set", "width=16",
            "--set", "heads=2", "--set", "ffn=32", "--set", "dropout=0", "--set", "epochs=4", "--set", "samplesPerUser=2", "--set", "towerMaxSlice=10",
            "--set", "towerWidth=16", "--set", "towerEpochs=3", "--set", "towerSamples=2", "--set", "negatives=16",
            // and a HyMiRec interest model on the same vectors, in the same bundle
            "--hymirec", "--set", "hymirec.maxLen=10", "--set", "hymirec.longLen=16", "--set", "hymirec.coarse=2", "--set", "hymirec.blocks=1",
            "--set", "hymirec.batch=64", "--set", "hymirec.lr=0.01", "--set", "hymirec.epochs=4", "--set", "hymirec.perUser=4"));
        JsonNode report = JsonHttp.MAPPER.readTree(out.resolve("report.json").toFile());
        assertEquals("content", report.at("/settings/vectors").asText(), "the items file's vectors are used as they are");
        JsonNode losses = report.at("/interest_model/loss_curve");
        assertTrue(losses.get(losses.size() - 1).asDouble() < losses.get(0).asDouble(), report.path("interest_model").toString());
        assertEquals(DIM, report.at("/interest_model/settings/dim").asInt(), "the interest model reads the items' vectors as they are");
        assertTrue(ImageIO.read(out.resolve("report.png").toFile()).getWidth() >= 480, "the loss curves are drawn");
        assertTrue(Files.readString(out.resolve("report.txt")).contains("generator coverage"), "report.txt");
        assertEquals(121, report.at("/items/with_vector").asInt(), report.path("items").toString());
        JsonNode offline = row(report, "rimirec-b4");
        JsonNode offlineHymirec = row(report, "hymirec");
        assertTrue(offline != null && offlineHymirec != null, report.path("held_out_check").toString());

        String url = cluster.httpUris().get(0);
        assertEquals(0, cli("model", "upload", "--url", url, "--id", model, out.resolve("bundle.zip").toString()));
        rest.deleteAfter("/_plugins/rimirec/models/" + model);
        rest.deleteAfter("/_ingest/pipeline/" + IndexTemplates.PIPELINE);
        rest.deleteAfter("/_component_template/" + IndexTemplates.COMPONENT);
        rest.deleteAfter("/_index_template/" + IndexTemplates.INDEX_TEMPLATE);
        assertEquals(0, cli("items", "setup", "--url", url, "--model", model));
        String index = rest.uniqueIndexName("items-train"); // matches items-*
        rest.createIndex(index, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0)));
        assertEquals("knn_vector", rest.get("/" + index + "/_mapping").path(index).at("/mappings/properties/embedding/type").asText(),
            "items setup maps the model's vector field");
        assertEquals(0, cli("items", "index", "--url", url, "--index", index, "--vector-field", "embedding", out.resolve("items.jsonl").toString()));
        rest.refresh(index);
        JsonNode fresh = rest.get("/" + index + "/_doc/sku-new").path("_source");
        assertEquals("New arrival", fresh.path("title").asText(), "an item no one touched is served with its fields");
        assertTrue(!fresh.path("circle_leaf").asText().isEmpty(), "placed in the tree: " + fresh);

        // Replay the held-out check through the cluster, with both strategies on the same index.
        List<String> lines = Files.readAllLines(out.resolve(TrainRun.HELD_OUT_FILE));
        assertEquals(report.at("/held_out_check/users").asInt(), lines.size());
        assertOnlineEqualsOffline(index, lines, Map.of("beams", 4, "history_split", true), offline);
        assertTrue(first(offline.path("Recall@20")) > 50, "genre users are found: " + offline);
        assertOnlineEqualsOffline(index, lines, Map.of("strategy", "hymirec"), offlineHymirec);
        assertTrue(first(offlineHymirec.path("Recall@20")) > 50, "genre users are found by their interests too: " + offlineHymirec);
        // A query that names neither strategy nor beams gets the bundle's serving defaults: the row the training chose.
        String served = report.at("/held_out_check/served").asText();
        assertEquals(served, report.at("/serving/served").asText());
        assertOnlineEqualsOffline(index, lines, Map.of(), row(report, served));
        // Whatever the model serves by default, a query naming only circle settings gets circles, and the profile says so.
        List<String> someHistory = new ArrayList<>();
        JsonHttp.MAPPER.readTree(lines.get(0)).path("history").forEach(h -> someHistory.add(h.asText()));
        String profile = rest.search(index, Map.of("size", 10, "profile", true, "query", Map.of("rimirec", Map.of("history", someHistory,
            "size", 10, "beams", 2, "history_split", false)))).path("profile").toString();
        assertTrue(profile.contains("beams=2 history_split=false circles=["), profile);

        // An index that keeps the vectors under another name than the bundle's: the query names it with [field].
        String renamed = rest.uniqueIndexName("renamed");
        rest.createIndex(renamed, Map.of("settings", Map.of("index", Map.of("knn", true, "number_of_shards", 1, "number_of_replicas", 0)),
            "mappings", Map.of("properties", Map.of("vec", Map.of("type", "knn_vector", "dimension", DIM, "method",
                Map.of("name", "hnsw", "engine", "lucene", "space_type", "cosinesimil")),
            "circles", Map.of("type", "keyword"), "circle_leaf", Map.of("type", "keyword"), "circle_tree", Map.of("type", "keyword")))));
        rest.post("/_reindex?refresh=true", Map.of("source", Map.of("index", index), "dest", Map.of("index", renamed),
            "script", Map.of("lang", "painless", "source", "ctx._source.vec = ctx._source.remove('embedding')")));
        List<String> history = new ArrayList<>();
        JsonNode someone = JsonHttp.MAPPER.readTree(lines.get(0));
        someone.path("history").forEach(h -> history.add(h.asText()));
        Rest.Result unnamed = rest.call("POST", "/" + renamed + "/_search", Map.of("query", Map.of("rimirec", Map.of("model", model, "history", history, "size", 20))));
        assertEquals(400, unnamed.status(), unnamed.body().toString());
        assertTrue(unnamed.body().toString().contains("[embedding]") && unnamed.body().toString().contains("name it with [field]"),
            unnamed.body().toString());
        List<String> named = Rest.ids(rest.search(renamed, Map.of("size", 20, "query", Map.of("rimirec", Map.of("model", model, "history", history,
            "size", 20, "beams", 4, "ef_search", 200, "field", "vec")))));
        List<String> original = Rest.ids(rest.search(index, Map.of("size", 20, "query", Map.of("rimirec", Map.of("history", history, "size", 20,
            "beams", 4, "ef_search", 200)))));
        assertEquals(original, named, "the same items from the same vectors under another name");
    }

    /** The held-out check's row of {@code method} in a training report, or null. */
    private static JsonNode row(JsonNode report, String method) {
        for (JsonNode row : report.at("/held_out_check/rows")) {
            if (row.path("method").asText().equals(method)) {
                return row;
            }
        }
        return null;
    }

    /**
     * Queries {@code index} for every held-out user (their history, size 50, the model from the index's pipeline) with
     * {@code options} added to the clause, and checks Recall@20/50 and HitRate@20 against the report's offline row.
     */
    private void assertOnlineEqualsOffline(String index, List<String> heldOut, Map<String, Object> options, JsonNode offline) throws Exception {
        double recall20 = 0;
        double recall50 = 0;
        double hit20 = 0;
        for (String line : heldOut) {
            JsonNode u = JsonHttp.MAPPER.readTree(line);
            List<String> history = new ArrayList<>();
            u.path("history").forEach(h -> history.add(h.asText()));
            Set<String> targets = new HashSet<>();
            u.path("targets").forEach(t -> targets.add(t.asText()));
            Map<String, Object> clause = new java.util.HashMap<>(Map.of("history", history, "size", 50, "ef_search", 200));
            clause.putAll(options);
            JsonNode answer = rest.search(index, Map.of("size", 50, "_source", false, "query", Map.of("rimirec", clause)));
            List<String> ids = Rest.ids(answer);
            assertTrue(ids.stream().allMatch(id -> id.startsWith("sku-")), ids.toString());
            assertTrue(ids.stream().noneMatch(history::contains), "history excluded");
            long h20 = ids.stream().limit(20).filter(targets::contains).count();
            long h50 = ids.stream().limit(50).filter(targets::contains).count();
            recall20 += (double) h20 / targets.size();
            recall50 += (double) h50 / targets.size();
            hit20 += h20 > 0 ? 1 : 0;
        }
        int n = heldOut.size();
        assertEquals(first(offline.path("Recall@20")), 100 * recall20 / n, 0.006, options + ": Recall@20 online vs the report's offline " + offline);
        assertEquals(first(offline.path("Recall@50")), 100 * recall50 / n, 0.006, options + ": Recall@50 online vs offline " + offline);
        assertEquals(first(offline.path("HitRate@20")), 100 * hit20 / n, 0.006, options + ": HitRate@20 online vs offline " + offline);
    }

    /** "12.34 (0.56)" → 12.34 */
    private static double first(JsonNode cell) {
        return Double.parseDouble(cell.asText().split(" ")[0]);
    }

    private static List<Float> vector(int genre, Random r) {
        List<Float> v = new ArrayList<>();
        for (int d = 0; d < DIM; d++) {
            v.add((float) ((d == genre ? 1 : 0) + 0.25 * r.nextGaussian()));
        }
        return v;
    }
}
