package io.rimirec.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.opensearch.BulkIndexer;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.ItemIndexer;
import io.rimirec.tools.opensearch.JsonHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rimirec items index}: a user's items.jsonl(.gz) into an item index through its pipeline, bad lines failing alone. */
class ItemIndexIT extends SingleNodeTestCase {

    @TempDir
    Path tmp;

    @Test
    void setupFitsTheTemplatesToAStoredModelSoItemsIndexedIntoItemsStarAreStampedByIt() throws Exception {
        RecallFixture f = RimirecQueryIT.fixture(); // 8-d, l2: not what the template files say
        String model = "items-setup-it";
        rest.put("/_plugins/rimirec/models/" + model, RecallFixture.uploadBody(f.bundleWithoutTower));
        // Deleted last pushed first: the index template, the component template, the pipeline, then the model.
        rest.deleteAfter("/_plugins/rimirec/models/" + model);
        rest.deleteAfter("/_ingest/pipeline/" + IndexTemplates.PIPELINE);
        rest.deleteAfter("/_component_template/" + IndexTemplates.COMPONENT);
        rest.deleteAfter("/_index_template/" + IndexTemplates.INDEX_TEMPLATE);
        String printed = IndexTemplates.fitFor(new JsonHttp(cluster.restClient()), model).asRequests(); // items setup --print
        assertTrue(printed.startsWith("PUT _component_template/" + IndexTemplates.COMPONENT) && printed.contains("\"dimension\" : 8")
            && printed.contains("\"model\" : \"" + model + "\"") && printed.contains("PUT _index_template/"), printed);
        String said = IndexTemplates.installFor(new JsonHttp(cluster.restClient()), model);
        assertTrue(said.contains("8-d, l2") && said.contains("model [" + model + "]"), said);

        String index = rest.uniqueIndexName("items-setup"); // matches items-*
        rest.createIndex(index, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0)));
        JsonNode vector = rest.get("/" + index + "/_mapping").path(index).path("mappings").path("properties").path("item_vector");
        assertEquals(8, vector.path("dimension").asInt(), vector.toString());
        assertEquals("l2", vector.path("method").path("space_type").asText(), vector.toString());
        Path file = tmp.resolve("planted.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < f.items(); i++) {
            lines.append(JsonHttp.MAPPER.writeValueAsString(Map.of("id", RecallFixture.id(i), "vector", ItemFixtures.asList(f.vector(i)))))
                .append('\n');
        }
        Files.writeString(file, lines);
        ItemIndexer.Result r = new ItemIndexer(new JsonHttp(cluster.restClient()), index, "item_vector", 500).index(file);
        assertEquals(f.items(), r.indexed(), r.failures().toString());
        assertEquals(f.tree.assign(f.vector(5)).toString(), rest.get("/" + index + "/_doc/" + RecallFixture.id(5)).path("_source")
            .path("circle_leaf").asText());
        JsonNode answer = rest.search(index, Map.of("size", 10, "query", Map.of("rimirec", Map.of("history", f.historyIds(7), "size", 10))));
        assertEquals(10, answer.path("hits").path("hits").size(), "a query without model follows the pipeline setup installed");
    }

    @Test
    void aJsonLinesCatalogueIsIndexedThroughThePipelineWithItsOwnFieldsAndBadLinesFailAloneByLineOrId() throws Exception {
        ItemFixtures items = new ItemFixtures(300, 50, 21);
        String model = "items-index-it";
        rest.put("/_plugins/rimirec/models/" + model, items.uploadBody());
        rest.deleteAfter("/_plugins/rimirec/models/" + model);
        rest.put("/_ingest/pipeline/" + model, Map.of("processors", List.of(Map.of("rimirec_circles", Map.of("model", model)))));
        rest.deleteAfter("/_ingest/pipeline/" + model);
        String index = rest.uniqueIndexName("catalogue");
        rest.createIndex(index, Map.of("settings", Map.of("index", Map.of("knn", true, "number_of_shards", 1, "number_of_replicas", 0,
            "default_pipeline", model)), "mappings", Map.of("properties", Map.of(
            "item_vector", Map.of("type", "knn_vector", "dimension", 64, "method",
                Map.of("name", "hnsw", "engine", "lucene", "space_type", "cosinesimil")),
            "circles", Map.of("type", "keyword"), "circle_leaf", Map.of("type", "keyword"), "circle_tree", Map.of("type", "keyword")))));

        Path file = tmp.resolve("items.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < 300; i++) {
                // Another shape than the built-in data: an item_id field of the user's own that is not the id.
                String line = JsonHttp.MAPPER.writeValueAsString(Map.of("id", SyntheticCatalogue.id(i),
                    "vector", ItemFixtures.asList(items.catalogue.vector(i)), "title", "item " + i, "item_id", "sku-" + i)) + "\n";
                out.write(line.getBytes(StandardCharsets.UTF_8));
                if (i == 10) {
                    out.write("{\"vector\": [1, 2]}\n\nnot json\n".getBytes(StandardCharsets.UTF_8)); // lines 12 and 14
                }
            }
            out.write("{\"id\": 7001, \"vector\": [1, 2, 3]}\n".getBytes(StandardCharsets.UTF_8)); // wrong dimension
        }

        ItemIndexer.Result r = new ItemIndexer(new JsonHttp(cluster.restClient()), index, "item_vector", 64).index(file);
        assertEquals(303, r.read());
        assertEquals(300, r.indexed());
        assertEquals(3, r.failures().size(), r.failures().toString());
        List<String> where = r.failures().stream().map(BulkIndexer.Failure::id).toList();
        assertEquals(List.of("line 12", "line 14", "7001"), where);
        assertTrue(r.failures().get(0).reason().contains("[id] is missing"), r.failures().get(0).reason());
        assertTrue(r.failures().get(2).reason().contains("has 3 values but 64 are expected"), r.failures().get(2).reason());

        JsonNode doc = rest.get("/" + index + "/_doc/" + SyntheticCatalogue.id(42)).path("_source");
        assertEquals("item 42", doc.path("title").asText(), "the user's own fields are kept");
        assertEquals(SyntheticCatalogue.id(42), doc.path("item_id").asText());
        assertEquals(items.leaf(42).toString(), doc.path("circle_leaf").asText(), "stamped by the pipeline");
        assertEquals(items.tree.stamp(), doc.path("circle_tree").asText());
    }
}
