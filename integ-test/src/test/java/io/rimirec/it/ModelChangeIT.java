package io.rimirec.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelRollout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changing the tree behind served items, on a real node: items carry the stamp of the tree that computed their circles;
 * replacing a model by one with another tree is refused unless allowed; a query over items stamped by another tree is
 * refused (409) unless it opts in; re-stamping through the pipeline mends it; and a blue-green roll-out behind an alias
 * ({@code rimirec model rollout}) switches queries to the new model under load without a failed query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelChangeIT extends SingleNodeTestCase {

    private RecallFixture f;
    private byte[] otherTree;
    private String stampA;
    private String stampB;

    @BeforeAll
    void setUp() throws Exception {
        f = RimirecQueryIT.fixture();
        Path work = Files.createTempDirectory("rimirec-model-change-it");
        otherTree = f.bundleOnAnotherTree(work, 2, 20);
        stampA = f.tree.stamp();
        stampB = BundleArchive.read(otherTree, Long.MAX_VALUE).tree().stamp();
        assertFalse(stampA.equals(stampB));
    }

    /** Model {@code model} (the fixture's tree), its pipeline, and an index of all items stamped by it. */
    private String servedIndex(String model, Map<String, Object> mappingOverride) throws Exception {
        rest.put("/_plugins/rimirec/models/" + model, f.uploadBody(f.bundleWithoutTower));
        rest.deleteAfter("/_plugins/rimirec/models/" + model);
        rest.put("/_ingest/pipeline/" + model, Map.of("processors", List.of(Map.of("rimirec_circles", Map.of("model", model)))));
        rest.deleteAfter("/_ingest/pipeline/" + model);
        String index = rest.uniqueIndexName("items-" + model);
        Map<String, Object> body = new LinkedHashMap<>(f.indexBody(1, 0, model));
        if (mappingOverride != null) {
            body.put("mappings", mappingOverride);
        }
        rest.createIndex(index, body);
        Map<String, Object> docs = new LinkedHashMap<>();
        for (int i = 0; i < f.items(); i++) {
            docs.put(RecallFixture.id(i), Map.of("item_vector", ItemFixtures.asList(f.vector(i))));
        }
        rest.bulkIndex(index, docs);
        rest.refresh(index);
        return index;
    }

    private Map<String, Object> query(String model, int user, Map<String, Object> extra) {
        Map<String, Object> q = new LinkedHashMap<>();
        if (model != null) {
            q.put("model", model);
        }
        q.put("history", f.historyIds(user));
        q.put("size", 20);
        q.putAll(extra);
        return Map.of("size", 20, "profile", true, "query", Map.of("rimirec", q));
    }

    @Test
    void aNewTreeUnderAServedModelIdIsRefusedThenRefusedAtQueryTimeUntilTheItemsAreStampedAgain() throws Exception {
        String model = "mc-swap";
        String index = servedIndex(model, null);
        JsonNode stamped = rest.post("/" + index + "/_search", Map.of("size", 1, "query", Map.of("term", Map.of("circle_tree", stampA))));
        assertEquals(f.items(), stamped.path("hits").path("total").path("value").asInt(), "every item carries its tree's stamp");
        JsonNode ok = rest.search(index, query(model, 7, Map.of()));
        assertTrue(ok.path("profile").toString().matches(".*tree=\\{stamp=" + stampA + ", matching=\\d+, other=0, unstamped=0}.*"),
            ok.path("profile").toString());

        // The store refuses the new tree under the same id, and keeps the old model.
        Rest.Result refused = rest.call("PUT", "/_plugins/rimirec/models/" + model, f.uploadBody(otherTree));
        assertEquals(409, refused.status(), refused.body().toString());
        String reason = refused.body().path("error").path("reason").asText();
        assertTrue(reason.contains("stored with tree [" + stampA + "] and the new bundle has tree [" + stampB + "]")
            && reason.contains("new model id") && reason.contains("allow_tree_change=true"), reason);
        assertEquals(f.tree.contentHash(), rest.get("/_plugins/rimirec/models/" + model).path("manifest").path("tree_hash").asText());
        assertEquals(200, rest.call("POST", "/" + index + "/_search", query(model, 7, Map.of())).status());

        // Forced, the store takes it; queries over the old stamps are refused, naming both stamps and the fixes.
        rest.put("/_plugins/rimirec/models/" + model + "?allow_tree_change=true", f.uploadBody(otherTree));
        Rest.Result mismatch = rest.call("POST", "/" + index + "/_search", query(model, 7, Map.of()));
        assertEquals(409, mismatch.status(), mismatch.body().toString());
        String why = mismatch.body().path("error").path("reason").asText();
        assertTrue(why.contains("stamped by another tree than model [" + model + "]'s") && why.contains("[circle_tree] = [" + stampA + "]")
            && why.contains("tree stamp is [" + stampB + "]") && why.contains("_update_by_query") && why.contains("[allow_tree_mismatch]"),
            why);
        Rest.Result optedIn = rest.call("POST", "/" + index + "/_search", query(model, 7, Map.of("allow_tree_mismatch", true)));
        assertEquals(200, optedIn.status(), optedIn.body().toString());
        assertTrue(optedIn.warnings().stream().anyMatch(w -> w.contains("[rimirec] tree mismatch: tree={stamp=" + stampB)),
            optedIn.warnings().toString());

        // Stamped again through the pipeline, the index answers without opting in.
        JsonNode updated = rest.post("/" + index + "/_update_by_query?pipeline=" + model + "&refresh=true", null);
        assertEquals(f.items(), updated.path("updated").asInt(), updated.toString());
        JsonNode mended = rest.search(index, query(model, 7, Map.of()));
        assertTrue(mended.path("profile").toString().contains("tree={stamp=" + stampB + ", matching="), mended.path("profile").toString());
        assertTrue(mended.path("profile").toString().contains("other=0"), mended.path("profile").toString());
    }

    @Test
    void anIndexWhoseMappingLacksAKeywordStampFieldAnswersUncheckedAndSaysWhy() throws Exception {
        // An index made before stamps existed, with its own mappings: dynamic mapping makes the stamp a text field.
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("item_vector", Map.of("type", "knn_vector", "dimension", f.tree.dimension(),
            "method", Map.of("name", "hnsw", "engine", "lucene", "space_type", f.tree.metric().knnSpaceType())));
        properties.put("circles", Map.of("type", "keyword"));
        properties.put("circle_leaf", Map.of("type", "keyword"));
        String index = servedIndex("mc-legacy", Map.of("properties", properties));
        assertEquals("text", rest.get("/" + index + "/_mapping").path(index).path("mappings").path("properties").path("circle_tree")
            .path("type").asText());
        JsonNode r = rest.search(index, query("mc-legacy", 7, Map.of()));
        assertEquals(20, r.path("hits").path("hits").size());
        assertTrue(r.path("profile").toString().contains("tree=unchecked ([circle_tree] is not a keyword field in " + index + " (text))"),
            r.path("profile").toString());
    }

    @Test
    void withoutAModelTheQueryUsesTheModelOfTheIndexPipelineAndSaysSo() throws Exception {
        String index = servedIndex("mc-follow", null);
        JsonNode r = rest.search(index, query(null, 7, Map.of()));
        assertEquals(20, r.path("hits").path("hits").size());
        assertTrue(r.path("profile").toString().contains("model=mc-follow (from the index's pipeline)"), r.path("profile").toString());
        List<String> named = Rest.ids(rest.search(index, query("mc-follow", 7, Map.of())));
        assertEquals(named, Rest.ids(r), "the same answer as naming the model");

        String plain = rest.uniqueIndexName("plain");
        rest.createIndex(plain, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0)));
        Rest.Result refused = rest.call("POST", "/" + plain + "/_search", query(null, 7, Map.of()));
        assertEquals(400, refused.status(), refused.body().toString());
        assertTrue(refused.body().toString().contains("[model] is not set, so it is read from the index's pipeline, but index [" + plain
            + "] names no model: it has no default or final pipeline"), refused.body().toString());
    }

    @Test
    void aBlueGreenRolloutBehindAnAliasSwitchesQueriesToTheNewTreeUnderLoadWithoutAFailedQuery() throws Exception {
        String blue = servedIndex("mc-blue", null);
        String alias = rest.uniqueIndexName("shop");
        rest.post("/_aliases", Map.of("actions", List.of(Map.of("add", Map.of("index", blue, "alias", alias)))));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger onGreen = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            int user = 7 + c;
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Rest.Result r = rest.call("POST", "/" + alias + "/_search", query(null, user, Map.of()));
                        sent.incrementAndGet();
                        if (r.status() != 200 || r.body().path("hits").path("hits").size() != 20) {
                            failures.add(r.status() + " " + r.body());
                        } else if (r.body().path("profile").toString().contains("model=mc-green")) {
                            onGreen.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "rollout-load-" + c);
            t.start();
            clients.add(t);
        }
        StringWriter log = new StringWriter();
        ModelRollout.Report report;
        try {
            Thread.sleep(500);
            report = new ModelRollout(new JsonHttp(cluster.restClient()), new PrintWriter(log))
                .run(new ModelRollout.Options(alias, "mc-green", null, null), otherTree);
            // Deleted last pushed first: the index, its pipeline, then the model the pipeline names.
            rest.deleteAfter("/_plugins/rimirec/models/mc-green");
            rest.deleteAfter("/_ingest/pipeline/" + report.greenPipeline());
            rest.deleteAfter("/" + report.greenIndex());
            long until = System.currentTimeMillis() + 10_000;
            while (onGreen.get() < 10 && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
        } finally {
            stop.set(true);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }
        System.out.printf("roll-out under load: %d queries, %d failed, %d answered by the new model; copy %.1f s, roll-out %.1f s%n",
            sent.get(), failures.size(), onGreen.get(), report.copySeconds(), report.totalSeconds());
        assertEquals(List.of(), new ArrayList<>(failures), "no failed query during the roll-out; log:\n" + log);
        assertTrue(onGreen.get() >= 10, "queries moved to the new model: " + onGreen.get() + " of " + sent.get() + "\n" + log);
        assertEquals(blue, report.blueIndex());
        assertEquals(List.of("mc-blue"), report.blueModels());
        assertEquals(f.items(), report.items());
        assertEquals(stampB, report.treeStamp());
        JsonNode aliased = rest.get("/_alias/" + alias);
        assertTrue(aliased.has(report.greenIndex()) && !aliased.has(blue), aliased.toString());
        JsonNode after = rest.search(alias, query(null, 7, Map.of()));
        assertTrue(after.path("profile").toString().matches(".*tree=\\{stamp=" + stampB + ", matching=\\d+, other=0.*"),
            after.path("profile").toString());
        assertTrue(log.toString().contains("alias [" + alias + "] now points at [" + report.greenIndex() + "]"), log.toString());

        // A second roll-out to the model already serving is refused before anything is created or moved.
        String uploadedAt = rest.get("/_plugins/rimirec/models/mc-green").path("uploaded_at").asText();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new ModelRollout(new JsonHttp(cluster.restClient()), new PrintWriter(new StringWriter()))
                .run(new ModelRollout.Options(alias, "mc-green", alias + "-again", null), otherTree));
        assertTrue(e.getMessage().contains("already stamped by model [mc-green]"), e.getMessage());
        assertEquals(404, rest.call("GET", "/" + alias + "-again", null).status(), "no new index");
        assertEquals(uploadedAt, rest.get("/_plugins/rimirec/models/mc-green").path("uploaded_at").asText(), "no new upload");
        assertTrue(rest.get("/_alias/" + alias).has(report.greenIndex()), "the alias stays");
    }
}
