package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Items indexed through index-templates/ (component template, index template with its default pipeline, pipeline,
 * all as they are in the repository) carry the circle prefixes of their leaf in the uploaded tree; bad documents in a
 * bulk fail one by one with an error naming the field; a k-NN query filtered by a circle returns exactly that subtree.
 */
class IngestPipelineIT {

    static final int ITEMS = 3000;
    /** The pipeline in index-templates/ reads model "demo". */
    static final String MODEL = "demo";

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Checks extends ClusterTestCase {

        ItemFixtures fixtures;
        String index;
        JsonNode bulkResponse;

        @BeforeAll
        void indexThroughThePipeline(LocalCluster cluster, Rest classRest) throws Exception {
            fixtures = new ItemFixtures(ITEMS, 100, 7);
            classRest.put("/_plugins/rimirec/models/" + MODEL, fixtures.uploadBody());
            classRest.deleteAfter("/_plugins/rimirec/models/" + MODEL);
            classRest.putFromTemplate("/_component_template/rimirec-items-mappings", "component/rimirec-items-mappings.json");
            classRest.putFromTemplate("/_ingest/pipeline/rimirec-items", "pipeline/rimirec-items.json");
            classRest.putFromTemplate("/_index_template/rimirec-items", "index/rimirec-items.json");

            index = classRest.uniqueIndexName("items-ingest"); // matches the template's items-* pattern
            int replicas = cluster.nodes().size() > 1 ? 1 : 0;
            classRest.createIndex(index, Map.of("settings", Map.of("number_of_shards", 3, "number_of_replicas", replicas)));

            StringBuilder ndjson = new StringBuilder();
            for (int i = 0; i < ITEMS; i++) {
                line(ndjson, SyntheticCatalogue.id(i), fixtures.document(i));
                if (i == 100) { // bad documents among good ones
                    line(ndjson, "bad-missing", Map.of("item_id", "bad-missing"));
                    line(ndjson, "bad-dimension", Map.of("item_vector", List.of(0.1, 0.2, 0.3)));
                    line(ndjson, "bad-value", Map.of("item_vector", badValueVector()));
                    line(ndjson, "bad-type", Map.of("item_vector", "not a vector"));
                }
            }
            bulkResponse = classRest.bulkAllowingItemFailures(ndjson.toString());
            classRest.refresh(index);
            classRest.waitForGreen(index);
        }

        private static List<Object> badValueVector() {
            List<Object> v = new ArrayList<>(ItemFixtures.asList(new float[64]));
            v.set(5, "x");
            return v;
        }

        private void line(StringBuilder ndjson, String id, Object doc) throws Exception {
            ndjson.append(Rest.toJson(Map.of("index", Map.of("_index", index, "_id", id)))).append('\n');
            ndjson.append(Rest.toJson(doc)).append('\n');
        }

        private Map<String, JsonNode> bulkItemsById() {
            Map<String, JsonNode> byId = new LinkedHashMap<>();
            for (JsonNode item : bulkResponse.path("items")) {
                JsonNode op = item.path("index");
                byId.put(op.path("_id").asText(), op);
            }
            return byId;
        }

        @Test
        void onlyTheBadDocumentsFailEachWithAnErrorNamingTheField() throws Exception {
            Map<String, JsonNode> items = bulkItemsById();
            Map<String, String> expected = Map.of(
                "bad-missing", "field [item_vector] is missing or null",
                "bad-dimension", "field [item_vector] has 3 values but 64 are expected",
                "bad-value", "field [item_vector] value at position 5",
                "bad-type", "field [item_vector] must be an array of numbers");
            for (Map.Entry<String, String> e : expected.entrySet()) {
                JsonNode op = items.get(e.getKey());
                assertEquals(400, op.path("status").asInt(), op.toString());
                String reason = op.path("error").path("reason").asText();
                assertTrue(reason.contains(e.getValue()) && reason.contains("rimirec_circles"), e.getKey() + ": " + reason);
            }
            long failed = 0;
            for (JsonNode op : items.values()) {
                failed += op.has("error") ? 1 : 0;
            }
            assertEquals(expected.size(), failed, "only the bad documents fail");
            assertEquals(ITEMS, rest.get("/" + index + "/_count").path("count").asInt());
        }

        @Test
        void everyItemCarriesThePrefixesOfItsLeafInTheUploadedTree() throws Exception {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ITEMS; i += 7) {
                ids.add(SyntheticCatalogue.id(i));
            }
            JsonNode docs = rest.post("/" + index + "/_mget", Map.of("ids", ids)).path("docs");
            assertEquals(ids.size(), docs.size());
            for (JsonNode doc : docs) {
                int i = Integer.parseInt(doc.path("_id").asText().substring(1));
                CirclePath leaf = fixtures.leaf(i);
                List<String> circles = new ArrayList<>();
                doc.path("_source").path("circles").forEach(c -> circles.add(c.asText()));
                assertEquals(leaf.prefixStrings(), circles, doc.path("_id").asText());
                assertEquals(leaf.toString(), doc.path("_source").path("circle_leaf").asText());
                assertTrue(leaf.depth() >= 2, "the tree has more than one level: " + leaf);
            }
        }

        @Test
        void aKnnQueryFilteredByACircleReturnsExactlyThatSubtree() throws Exception {
            CirclePath leaf = fixtures.leaf(0);
            for (CirclePath circle : List.of(leaf.prefix(1), leaf)) {
                Set<String> members = new HashSet<>();
                for (int i = 0; i < ITEMS; i++) {
                    if (circle.contains(fixtures.leaf(i))) {
                        members.add(SyntheticCatalogue.id(i));
                    }
                }
                int k = Math.min(members.size(), 100);
                JsonNode r = rest.search(index, Map.of("size", k, "_source", List.of("circles"),
                    "query", Map.of("knn", Map.of("item_vector", Map.of("vector", ItemFixtures.asList(fixtures.catalogue.vector(0)),
                        "k", k, "filter", Map.of("term", Map.of("circles", circle.toString())))))));
                List<String> hits = Rest.ids(r);
                assertEquals(k, hits.size(), circle + ": " + r);
                assertTrue(members.containsAll(hits), circle + ": every hit lies in the circle");
                if (members.size() <= 100) {
                    assertEquals(members, new HashSet<>(hits), "a small circle is searched exactly: all its items come back");
                }
                assertEquals(SyntheticCatalogue.id(0), hits.get(0), "the query item itself is nearest");
            }
        }

        @Test
        void aPipelineNamingAnUnknownModelFailsTheDocumentAndSaysWhichModel() throws Exception {
            JsonNode r = rest.post("/_ingest/pipeline/_simulate", Map.of(
                "pipeline", Map.of("processors", List.of(Map.of("rimirec_circles", Map.of("model", "no-such-model")))),
                "docs", List.of(Map.of("_source", fixtures.document(0)))));
            String reason = r.path("docs").get(0).path("error").path("reason").asText();
            assertTrue(reason.contains("no-such-model"), r.toString());
        }

        @Test
        void ignoreMissingIndexesADocumentWithoutAVectorUnchanged() throws Exception {
            JsonNode r = rest.post("/_ingest/pipeline/_simulate", Map.of(
                "pipeline", Map.of("processors", List.of(Map.of("rimirec_circles", Map.of("model", MODEL, "ignore_missing", true)))),
                "docs", List.of(Map.of("_source", Map.of("item_id", "no-vector")))));
            JsonNode source = r.path("docs").get(0).path("doc").path("_source");
            assertEquals("no-vector", source.path("item_id").asText(), r.toString());
            assertTrue(source.path("circles").isMissingNode(), r.toString());
        }
    }

    @Nested
    @ClusterShape(nodes = 1)
    class SingleNode extends Checks {}

    @Nested
    @ClusterShape(nodes = 3)
    class ThreeNodes extends Checks {}
}
