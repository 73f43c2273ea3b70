package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.tools.cluster.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code rimirec} query on real clusters, against a generator and a user tower really trained on a planted catalogue
 * (and the same bundle without the tower, served with mean-of-slice vectors): its hits are
 * exactly what the same model computes offline (same core code, exact per-circle search), on one node and on three
 * nodes with 3 shards and a replica; explanations, profile, filter, pagination and every defined error.
 */
class RimirecQueryIT {

    static final String MODEL = "rq-it";
    static final String PIPELINE = "rq-it-circles";
    static RecallFixture fixture;

    static synchronized RecallFixture fixture() throws Exception {
        if (fixture == null) {
            fixture = new RecallFixture(Files.createTempDirectory("rimirec-recall-it"));
        }
        return fixture;
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Checks extends ClusterTestCase {

        RecallFixture f;
        String index;
        boolean multi; // the 3-node cluster

        @BeforeAll
        void indexThePlantedCatalogue(LocalCluster cluster, Rest classRest) throws Exception {
            f = fixture();
            classRest.put("/_plugins/rimirec/models/" + MODEL, f.uploadBody());
            classRest.deleteAfter("/_plugins/rimirec/models/" + MODEL);
            classRest.put("/_ingest/pipeline/" + PIPELINE, Map.of("processors", List.of(Map.of("rimirec_circles", Map.of("model", MODEL)))));
            classRest.deleteAfter("/_ingest/pipeline/" + PIPELINE);
            index = classRest.uniqueIndexName("planted");
            multi = cluster.nodes().size() > 1;
            classRest.createIndex(index, f.indexBody(multi ? 3 : 1, multi ? 1 : 0, PIPELINE));
            Map<String, Object> docs = new LinkedHashMap<>();
            for (int i = 0; i < f.items(); i++) {
                docs.put(RecallFixture.id(i), Map.of("item_vector", ItemFixtures.asList(f.vector(i)), "in_stock", RecallFixture.inStock(i)));
            }
            classRest.bulkIndex(index, docs);
            classRest.refresh(index);
            classRest.waitForGreen(index);
        }

        /**
         * An index whose item_vector has dimension 3 (not the model's) and the model's similarity, holding one refreshed
         * item, {@code short-1}.
         */
        String indexOfThreeDimensionalVectors() throws Exception {
            String other = rest.uniqueIndexName("dim3");
            rest.createIndex(other, Map.of("settings", Map.of("index", Map.of("knn", true, "number_of_shards", 1, "number_of_replicas", 0)),
                "mappings", Map.of("properties", Map.of("item_vector", Map.of("type", "knn_vector", "dimension", 3,
                    "method", Map.of("name", "hnsw", "engine", "lucene", "space_type", f.tree.metric().knnSpaceType()))))));
            rest.bulkIndex(other, Map.of("short-1", Map.of("item_vector", List.of(0.1, 0.2, 0.3))));
            rest.refresh(other);
            return other;
        }

        Map<String, Object> rimirec(int user, Map<String, Object> extra) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("model", MODEL);
            q.put("history", f.historyIds(user));
            q.putAll(extra);
            return Map.of("rimirec", q);
        }

        JsonNode search(Map<String, Object> body) throws Exception {
            JsonNode r = rest.search(index, body);
            assertEquals(0, r.path("_shards").path("failed").asInt(), r.toString());
            return r;
        }

        @Test
        void hitsAreExactlyWhatTheSameModelComputesOffline() throws Exception {
            for (int user : new int[] {0, 7, 42, 123}) {
                for (int beams : new int[] {1, 3, 6}) {
                    List<String> expected = f.expected(user, beams, 20, null, 1.0, true, null);
                    JsonNode r = search(Map.of("size", 20, "query", rimirec(user, Map.of("size", 20, "beams", beams))));
                    assertEquals(expected, Rest.ids(r), "user " + user + ", beams " + beams);
                }
            }
        }

        @Test
        void aFixedPerCircleKIsHonoured() throws Exception {
            for (int k : new int[] {3, 20}) {
                List<String> expected = f.expected(7, 6, 20, k, 1.0, true, null);
                JsonNode r = search(Map.of("size", 20, "query", rimirec(7, Map.of("size", 20, "k", k))));
                assertEquals(expected, Rest.ids(r), "k " + k);
            }
        }

        @Test
        void everyHitSaysItsCircleProbabilityQuotaAndRankAndLiesInThatCircle() throws Exception {
            JsonNode r = search(Map.of("size", 20, "explain", true, "_source", List.of("circles"), "query", rimirec(7, Map.of("size", 20))));
            Set<String> history = new HashSet<>(f.historyIds(7));
            assertEquals(20, r.path("hits").path("hits").size(), r.toString());
            for (JsonNode hit : r.path("hits").path("hits")) {
                String explanation = hit.path("_explanation").toString();
                assertTrue(explanation.contains("rimirec: circle "), explanation);
                assertTrue(explanation.contains("probability") && explanation.contains("quota") && explanation.contains("rank"), explanation);
                String circle = explanation.replaceAll(".*rimirec: circle (\\S+) .*", "$1");
                List<String> circles = new ArrayList<>();
                hit.path("_source").path("circles").forEach(c -> circles.add(c.asText()));
                assertTrue(circles.contains(circle), hit.toString());
                assertFalse(history.contains(hit.path("_id").asText()), "history items are excluded by default");
            }
        }

        @Test
        void aHistoryIndexWithAnotherVectorDimensionIsA400NamingTheItem() throws Exception {
            // Read from the shards' vector values (refreshed), so the check on that path is the one that answers.
            String other = indexOfThreeDimensionalVectors();
            Rest.Result r = rest.call("POST", "/" + index + "/_search", Map.of("query", Map.of("rimirec",
                Map.of("model", MODEL, "history", List.of("short-1"), "history_index", other))));
            assertEquals(400, r.status(), r.body().toString());
            String expected = "history item [short-1] in [" + other + "]: field [item_vector] has 3 values but " + f.tree.dimension() + " are expected";
            assertTrue(r.body().toString().contains(expected), r.body().toString());
        }

        @Test
        void historyItemsNoSearcherSeesYetAreReadInRealTime() throws Exception {
            // A history index that is never refreshed: the plugin's read from the shards' vector values cannot see its
            // items, so the real-time multi-get must answer for them, and the hits must not change.
            String unrefreshed = rest.uniqueIndexName("unrefreshed");
            Map<String, Object> body = new LinkedHashMap<>(f.indexBody(1, 0, PIPELINE));
            body.put("settings", Map.of("index", Map.of("knn", true, "number_of_shards", 1, "number_of_replicas", 0,
                "default_pipeline", PIPELINE, "refresh_interval", "-1")));
            rest.createIndex(unrefreshed, body);
            Map<String, Object> docs = new LinkedHashMap<>();
            for (String id : f.historyIds(42)) {
                docs.put(id, Map.of("item_vector", ItemFixtures.asList(f.vector(Integer.parseInt(id.replaceAll("\\D", ""))))));
            }
            rest.bulkIndex(unrefreshed, docs);
            JsonNode r = search(Map.of("size", 20, "profile", true, "query", rimirec(42, Map.of("size", 20, "history_index", unrefreshed))));
            assertEquals(f.expected(42, 6, 20, null, 1.0, true, null), Rest.ids(r));
            String profile = r.path("profile").toString();
            int n = f.historyIds(42).size();
            assertTrue(profile.contains("history=" + n + "/" + n), "every unrefreshed history item was read: " + profile);
        }

        @Test
        void anInlineVectorsItemIsExcludedInEveryCircleWhereverItsVectorPointsTo() throws Exception {
            // The item the query ranks first, sent in the history with another item's vector: its own leaf is unknown to
            // the query, so it must be kept out of every circle, not only out of the circle its given vector falls in.
            List<String> plain = Rest.ids(search(Map.of("size", 20, "query", rimirec(7, Map.of("size", 20)))));
            String top = plain.get(0);
            List<Object> history = new ArrayList<>(f.historyIds(7));
            history.add(Map.of("id", top, "vector", ItemFixtures.asList(f.vector(f.items() - 1 - Integer.parseInt(top.replaceAll("\\D", ""))))));
            JsonNode r = search(Map.of("size", 20, "query", Map.of("rimirec", Map.of("model", MODEL, "history", history, "size", 20))));
            assertFalse(Rest.ids(r).contains(top), top + " was in the history: " + Rest.ids(r));
            assertEquals(20, Rest.ids(r).size());
        }

        @Test
        void theProfileListsCirclesQuotasAndTimings() throws Exception {
            JsonNode r = search(Map.of("size", 5, "profile", true, "query", rimirec(3, Map.of())));
            String profile = r.path("profile").toString();
            assertTrue(profile.contains("circles=[") && profile.contains("quota=") && profile.contains("timings_ms={history_fetch="), profile);
            assertTrue(profile.contains("user_vectors=user_tower"), "the bundle's user tower made the user vectors: " + profile);
            if (multi) {
                // The 3-node cluster's nodes ask for CUDA (LocalClusterExtension); without a GPU build they say why they use the CPU.
                assertTrue(profile.contains(" onnx=cpu (cuda requested: ") || profile.contains(" onnx=cuda:0 "), profile);
            } else {
                assertTrue(profile.contains(" onnx=cpu "), "the default execution provider: " + profile);
            }
        }

        @Test
        void aBundleWithoutAUserTowerServesMeanOfSliceVectorsAndSaysSo() throws Exception {
            String model = "rq-no-tower";
            rest.put("/_plugins/rimirec/models/" + model, RecallFixture.uploadBody(f.bundleWithoutTower));
            rest.deleteAfter("/_plugins/rimirec/models/" + model);
            for (int user : new int[] {0, 42}) {
                Map<String, Object> q = new LinkedHashMap<>();
                q.put("model", model);
                q.put("history", f.historyIds(user));
                q.put("size", 20);
                JsonNode r = search(Map.of("size", 20, "profile", true, "query", Map.of("rimirec", q)));
                assertEquals(f.expected(false, user, 6, 20, null, 1.0, true, null), Rest.ids(r), "user " + user);
                assertTrue(r.path("profile").toString().contains("user_vectors=mean_of_slice"), r.path("profile").toString());
            }
            // The two bundles share tree and generator: the trained tower is what changes the answer.
            assertFalse(f.expected(false, 0, 6, 20, null, 1.0, true, null).equals(f.expected(true, 0, 6, 20, null, 1.0, true, null)));
        }

        @Test
        void theFilterAppliesInsideEveryCircle() throws Exception {
            List<String> expected = f.expected(42, 6, 20, null, 1.0, true, RecallFixture::inStock);
            JsonNode r = search(Map.of("size", 20, "query", rimirec(42, Map.of("size", 20, "filter", Map.of("term", Map.of("in_stock", true))))));
            assertEquals(expected, Rest.ids(r));
        }

        @Test
        void fromAndSizePageThroughTheMergedList() throws Exception {
            List<String> all = Rest.ids(search(Map.of("size", 20, "query", rimirec(5, Map.of("size", 20)))));
            List<String> pages = new ArrayList<>(Rest.ids(search(Map.of("from", 0, "size", 10, "query", rimirec(5, Map.of("size", 20))))));
            pages.addAll(Rest.ids(search(Map.of("from", 10, "size", 10, "query", rimirec(5, Map.of("size", 20))))));
            assertEquals(all, pages);
        }

        @Test
        void itCombinesWithOtherBoolClauses() throws Exception {
            JsonNode r = search(Map.of("size", 50, "query", Map.of("bool", Map.of(
                "must", List.of(rimirec(9, Map.of("size", 30))),
                "filter", List.of(Map.of("term", Map.of("in_stock", false)))))));
            Set<String> rimirecHits = new HashSet<>(Rest.ids(search(Map.of("size", 30, "query", rimirec(9, Map.of("size", 30))))));
            assertFalse(Rest.ids(r).isEmpty());
            for (String id : Rest.ids(r)) {
                assertTrue(rimirecHits.contains(id) && !RecallFixture.inStock(Integer.parseInt(id.substring(1))), id);
            }
        }

        @Test
        void moreBeamsThanCirclesReturnsEveryCircleOnce() throws Exception {
            JsonNode r = search(Map.of("size", 50, "profile", true, "query", rimirec(11, Map.of("size", 50, "beams", 64))));
            assertFalse(Rest.ids(r).isEmpty());
            assertEquals(f.expected(11, 64, 50, null, 1.0, true, null), Rest.ids(r));
        }

        @Test
        void unknownHistoryIdsAreSkippedAndReported() throws Exception {
            List<String> history = new ArrayList<>(f.historyIds(0));
            history.add(0, "no-such-item");
            JsonNode r = search(Map.of("size", 20, "profile", true, "query", Map.of("rimirec", Map.of("model", MODEL, "history", history, "size", 20))));
            assertEquals(f.expected(0, 6, 20, null, 1.0, true, null), Rest.ids(r));
            assertTrue(r.path("profile").toString().contains("not found: no-such-item"), r.path("profile").toString());
        }

        @Test
        void definedErrorsSayWhatIsWrong() throws Exception {
            record Case(Map<String, Object> query, int status, String message) {}
            List<Case> cases = List.of(
                new Case(Map.of("model", "no-such-model", "history", List.of("i1")), 404, "no-such-model"),
                new Case(Map.of("model", MODEL, "history", List.of()), 400, "[history] is empty"),
                new Case(Map.of("model", MODEL, "history", List.of("nope-1", "nope-2")), 400, "none of the 2 history items"),
                new Case(Map.of("model", MODEL, "history", List.of(Map.of("vector", List.of(1.0, 2.0)))), 400, "expects 8"),
                new Case(Map.of("model", MODEL, "history", List.of("i1"), "size", 0), 400, "[size] must be between"),
                new Case(Map.of("model", MODEL, "history", List.of("i1"), "colour", "red"), 400, "colour"),
                new Case(Map.of("model", MODEL, "history", List.of("i1"), "strategy", "bogus"), 400, "[strategy] is [bogus]: expected circles"),
                new Case(Map.of("model", MODEL, "history", List.of("i1"), "strategy", "hymirec"), 400, "has no [interest_model] part"),
                new Case(Map.of("model", MODEL, "history", List.of("i1"), "alpha", true), 400, "[alpha] must be a number"),
                new Case(Map.of("model", MODEL, "history", List.of("i1"), "_name", Map.of("a", 1)), 400, "[_name] must be a string"),
                new Case(Map.of("model", MODEL, "history", List.of("i1", "x".repeat(600))), 400, "is an id of more than 512 bytes"),
                // One rimirec inside another's filter would run once per circle search of the outer one.
                new Case(Map.of("model", MODEL, "history", List.of("i1"), "beams", 64, "filter", Map.of("bool", Map.of("filter", List.of(
                    Map.of("rimirec", Map.of("model", MODEL, "history", List.of("i2"), "beams", 64)))))), 400,
                    "[filter] may not contain another [rimirec] query"));
            for (Case c : cases) {
                Rest.Result r = rest.call("POST", "/" + index + "/_search", Map.of("query", Map.of("rimirec", c.query())));
                assertEquals(c.status(), r.status(), c.query() + " -> " + r.body());
                assertTrue(r.body().toString().contains(c.message()), c.query() + " -> " + r.body());
            }
        }

        @Test
        void circleSearchesWithFailedShardsFailTheQueryUnlessPartialResultsAreAllowed() throws Exception {
            // Searched beside an index whose item_vector has another dimension, every circle's k-NN search fails on that
            // index's shard and answers from the others: the merged list could miss items, so it must not pass as complete.
            String other = indexOfThreeDimensionalVectors();
            String both = "/" + index + "," + other + "/_search";
            Rest.Result refused = rest.call("POST", both, Map.of("size", 20, "query", rimirec(7, Map.of("size", 20, "history_index", index))));
            assertEquals(400, refused.status(), "the failing shards' own status (a dimension mismatch): " + refused.body());
            String message = refused.body().toString();
            assertTrue(message.contains("shard searches failed") && message.contains("circle [") && message.contains("[allow_partial_results]"),
                message);

            Rest.Result partial = rest.call("POST", both, Map.of("size", 20, "profile", true,
                "query", rimirec(7, Map.of("size", 20, "history_index", index, "allow_partial_results", true))));
            assertEquals(200, partial.status(), partial.body().toString());
            assertEquals(f.expected(7, 6, 20, null, 1.0, true, null), Rest.ids(partial.body()), "the shards that answered are all of the items");
            String profile = partial.body().path("profile").toString();
            assertTrue(profile.contains("failed=") && profile.contains("partial=[circle ["), profile);
            assertTrue(partial.warnings().stream().anyMatch(w -> w.contains("[rimirec] partial results: shards={total=")), partial.warnings().toString());

            // Every shard answering: no warning, and the profile says so.
            Rest.Result complete = rest.call("POST", "/" + index + "/_search", Map.of("size", 5, "profile", true, "query", rimirec(7, Map.of())));
            assertEquals(List.of(), complete.warnings());
            assertTrue(complete.body().path("profile").toString().contains(", failed=0}"), complete.body().path("profile").toString());
        }

        @Test
        void aRepeatedHistoryIdIsFetchedOnceAndReadAtEveryPositionAsOffline() throws Exception {
            // The planted users replay items, as real users do; the offline answer reads every occurrence.
            List<String> history = f.historyIds(0);
            int repeats = history.size() - new HashSet<>(history).size();
            assertTrue(repeats > 0, "user 0 repeats items: " + history);
            JsonNode r = search(Map.of("size", 20, "profile", true, "query", rimirec(0, Map.of("size", 20))));
            assertEquals(f.expected(0, 6, 20, null, 1.0, true, null), Rest.ids(r));
            String profile = r.path("profile").toString();
            assertTrue(profile.contains("history=" + history.size() + "/" + history.size() + " repeated=" + repeats + " "), profile);
        }

        @Test
        void theCircleSearchesAreChildrenOfTheSearchTaskAndAreCancelledWithIt() throws Exception {
            // A script filter that loops per document makes every circle's k-NN search slow enough to be seen running.
            Map<String, Object> slow = Map.of("script", Map.of("script", Map.of("source",
                "long s = 0; for (int i = 0; i < params.n; i++) { s += i; } return s >= 0;", "params", Map.of("n", 900_000))));
            Map<String, Object> body = Map.of("size", 20, "query", rimirec(7, Map.of("size", 20, "beams", 64, "filter", slow)));
            CompletableFuture<Rest.Result> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return rest.call("POST", "/" + index + "/_search", body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String parent = null;
            int children = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (children == 0 && !running.isDone() && System.nanoTime() < deadline) {
                JsonNode nodes = rest.get("/_tasks?actions=indices:data/read/*search*&detailed=true").path("nodes");
                Map<String, String> parentOf = new LinkedHashMap<>();
                for (JsonNode node : nodes) {
                    node.path("tasks").fields().forEachRemaining(t -> {
                        if (t.getValue().path("action").asText().equals("indices:data/read/search")
                            && t.getValue().path("description").asText().contains("rimirec")) {
                            parentOf.put(t.getKey(), null);
                        } else if (t.getValue().path("action").asText().equals("indices:data/read/msearch")) {
                            parentOf.put(t.getKey(), t.getValue().path("parent_task_id").asText(""));
                        }
                    });
                }
                for (Map.Entry<String, String> t : parentOf.entrySet()) {
                    if (t.getValue() == null) {
                        parent = t.getKey();
                    }
                }
                String p = parent;
                children = p == null ? 0 : (int) parentOf.values().stream().filter(p::equals).count();
                Thread.sleep(20);
            }
            assertTrue(parent != null && children > 0, "the circle multi-search ran as a child of search task " + parent + " (finished first: "
                + running.isDone() + ")");
            rest.post("/_tasks/" + parent + "/_cancel", Map.of());
            Rest.Result r = running.get(60, TimeUnit.SECONDS);
            // Without the parent link the circle searches ran on for 12.7 s after the cancel and the search answered 200.
            assertTrue(r.status() != 200 && r.body().toString().toLowerCase(Locale.ROOT).contains("cancel"), r.status() + " " + r.body());
        }

        @Test
        void severalSearchedIndicesNeedAHistoryIndex() throws Exception {
            Map<String, Object> body = Map.of("size", 20, "query", rimirec(0, Map.of("size", 20)));
            Rest.Result r = rest.call("POST", "/" + index + "*/_search", body);
            assertEquals(400, r.status(), r.body().toString());
            assertTrue(r.body().toString().contains("set [history_index]"), r.body().toString());
            JsonNode ok = rest.post("/" + index + "*/_search", Map.of("size", 20, "query", rimirec(0, Map.of("size", 20, "history_index", index))));
            assertEquals(f.expected(0, 6, 20, null, 1.0, true, null), Rest.ids(ok));
        }

        @Test
        void anUploadWhoseGeneratorOrUserTowerCannotBeLoadedIsRefusedAndNothingIsStored() throws Exception {
            io.rimirec.core.bundle.ModelBundle good = io.rimirec.core.bundle.BundleArchive.read(f.bundle, Long.MAX_VALUE);
            for (String[] broken : new String[][] {{"user_tower", "user_tower/user_tower.onnx"}, {"generator", "generator/decoder.onnx"}}) {
                // A well-formed bundle (sizes and SHA-256s match) whose ONNX file is not a model.
                java.nio.file.Path dir = Files.createTempDirectory("rimirec-bad-part");
                for (Map.Entry<String, byte[]> e : good.files().entrySet()) {
                    java.nio.file.Path p = dir.resolve(e.getKey());
                    Files.createDirectories(p.getParent());
                    Files.write(p, e.getKey().equals(broken[1]) ? new byte[] {1, 2, 3, 4} : e.getValue());
                }
                byte[] bad = io.rimirec.core.bundle.BundleArchive.pack(dir, good.manifest());
                Rest.Result r = rest.call("PUT", "/_plugins/rimirec/models/rq-bad-part", RecallFixture.uploadBody(bad));
                assertEquals(400, r.status(), r.body().toString());
                String body = r.body().toString();
                assertTrue(body.contains("part [" + broken[0] + "] cannot be loaded") && body.contains(broken[1]), body);
                assertEquals(404, rest.call("GET", "/_plugins/rimirec/models/rq-bad-part", null).status());
            }
        }

        @Test
        void aModelWithoutAGeneratorIsRefusedWithAHint() throws Exception {
            rest.put("/_plugins/rimirec/models/rq-tree-only", new ItemFixtures(200, 50, 5).uploadBody());
            rest.deleteAfter("/_plugins/rimirec/models/rq-tree-only");
            Rest.Result r = rest.call("POST", "/" + index + "/_search", Map.of("query", Map.of("rimirec", Map.of(
                "model", "rq-tree-only", "history", List.of(Map.of("vector", ItemFixtures.asList(unit(64))))))));
            assertEquals(400, r.status(), r.body().toString());
            assertTrue(r.body().toString().contains("has no [generator] part"), r.body().toString());
        }

        private static float[] unit(int dimension) {
            float[] v = new float[dimension];
            v[0] = 1;
            return v;
        }

        @Test
        void degenerateInlineHistoryVectorsAreRefusedLikeAtIngest() throws Exception {
            float[] huge = f.vector(1).clone();
            for (int i = 0; i < huge.length; i++) {
                huge[i] *= 1e20f;
            }
            Rest.Result r = rest.call("POST", "/" + index + "/_search", Map.of("query", rimirec(7, Map.of("history", List.of("i1",
                Map.of("vector", ItemFixtures.asList(huge)))))));
            assertEquals(400, r.status(), r.body().toString());
            assertTrue(r.body().toString().contains("model [" + MODEL + "]: [history][1][vector] has a norm of")
                && r.body().toString().contains("too large for single-precision similarity"), r.body().toString());
        }

        @Test
        void anIndexMappedWithAnotherSimilarityThanTheModelsIsRefusedNamingBoth() throws Exception {
            String other = rest.uniqueIndexName("cosine");
            String space = "l2".equals(f.tree.metric().knnSpaceType()) ? "cosinesimil" : "l2";
            rest.createIndex(other, Map.of("settings", Map.of("index", Map.of("knn", true, "number_of_shards", 1, "number_of_replicas", 0)),
                "mappings", Map.of("properties", Map.of("item_vector", Map.of("type", "knn_vector", "dimension", f.tree.dimension(),
                    "method", Map.of("name", "hnsw", "engine", "lucene", "space_type", space))))));
            Rest.Result r = rest.call("POST", "/" + other + "/_search", Map.of("query", rimirec(7, Map.of("history_index", index))));
            assertEquals(400, r.status(), r.body().toString());
            String reason = r.body().path("error").path("reason").asText();
            assertTrue(reason.contains("index [" + other + "] maps [item_vector] with space_type [" + space + "] but model [" + MODEL
                + "] ranks by " + f.tree.metric().id() + " (space_type [" + f.tree.metric().knnSpaceType() + "])"), reason);
        }
    }

    @Nested
    @ClusterShape(nodes = 1)
    class SingleNode extends Checks {}

    @Nested
    @ClusterShape(nodes = 3)
    class ThreeNodes extends Checks {}
}
