package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.codebook.Residual;
import io.rimirec.core.vector.Vectors;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The residual codebook on a real node: items indexed through index-templates/ with a model that has a codebook carry
 * their packed codes, which decode to vectors close to the originals; the rimirec query with
 * {@code "history_source": "codes"} answers exactly as if the decoded vectors had been given inline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodebookIT extends SingleNodeTestCase {

    static final int ITEMS = 2000;
    /** The pipeline in index-templates/ reads model "demo". */
    static final String TEMPLATE_MODEL = "demo";
    static final String QUERY_MODEL = "cb-it";
    static final String QUERY_MODEL_WITHOUT_CODEBOOK = "cb-it-plain";

    ItemFixtures items;
    Codebook itemCodebook;
    String itemIndex;

    RecallFixture planted;
    Codebook plantedCodebook;
    String plantedIndex;

    @BeforeAll
    void setUp(LocalCluster cluster, Rest classRest) throws Exception {
        Path work = Files.createTempDirectory("rimirec-codebook-it");

        // 1. The 64-d catalogue of index-templates/, through the repository's templates and pipeline.
        items = new ItemFixtures(ITEMS, 100, 7);
        itemCodebook = new CodebookTrainer(CodebookOptions.defaults(Residual.COSINE).withLayers(3).withK(32))
            .train(items.catalogue.vectors(), null).codebook();
        Path cbFile = work.resolve("items.rcodebook");
        CodebookFormat.write(itemCodebook, cbFile);
        byte[] bundle = BundlePacker.ofTree(items.tree).codebook(cbFile).name("codebook-it").pack();
        classRest.put("/_plugins/rimirec/models/" + TEMPLATE_MODEL, Map.of("bundle", Base64.getEncoder().encodeToString(bundle)));
        classRest.deleteAfter("/_plugins/rimirec/models/" + TEMPLATE_MODEL);
        classRest.putFromTemplate("/_component_template/rimirec-items-mappings", "component/rimirec-items-mappings.json");
        classRest.putFromTemplate("/_ingest/pipeline/rimirec-items", "pipeline/rimirec-items.json");
        classRest.putFromTemplate("/_index_template/rimirec-items", "index/rimirec-items.json");
        itemIndex = classRest.uniqueIndexName("items-codes"); // matches the template's items-* pattern
        classRest.createIndex(itemIndex, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0)));
        Map<String, Object> docs = new LinkedHashMap<>();
        for (int i = 0; i < ITEMS; i++) {
            docs.put(SyntheticCatalogue.id(i), items.document(i));
        }
        classRest.bulkIndex(itemIndex, docs);
        classRest.refresh(itemIndex);

        // 2. The planted catalogue with its trained generator, packed with a codebook, for the query.
        planted = new RecallFixture(work.resolve("planted"));
        plantedCodebook = new CodebookTrainer(CodebookOptions.defaults(Residual.COSINE).withLayers(3).withK(8))
            .train(planted.planted.data.vectors(), null).codebook();
        Path plantedCb = work.resolve("planted.rcodebook");
        CodebookFormat.write(plantedCodebook, plantedCb);
        byte[] withCodebook = BundlePacker.ofTree(planted.tree).generator(work.resolve("planted").resolve("generator")).codebook(plantedCb).pack();
        classRest.put("/_plugins/rimirec/models/" + QUERY_MODEL, Map.of("bundle", Base64.getEncoder().encodeToString(withCodebook)));
        classRest.deleteAfter("/_plugins/rimirec/models/" + QUERY_MODEL);
        classRest.put("/_plugins/rimirec/models/" + QUERY_MODEL_WITHOUT_CODEBOOK, planted.uploadBody());
        classRest.deleteAfter("/_plugins/rimirec/models/" + QUERY_MODEL_WITHOUT_CODEBOOK);
        String pipeline = "cb-it-circles";
        classRest.put("/_ingest/pipeline/" + pipeline, Map.of("processors", List.of(Map.of("rimirec_circles", Map.of("model", QUERY_MODEL)))));
        classRest.deleteAfter("/_ingest/pipeline/" + pipeline);
        plantedIndex = classRest.uniqueIndexName("planted-codes");
        Map<String, Object> body = new LinkedHashMap<>(planted.indexBody(1, 0, pipeline));
        @SuppressWarnings("unchecked")
        Map<String, Object> mappings = new LinkedHashMap<>((Map<String, Object>) body.get("mappings"));
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) mappings.get("properties"));
        properties.put("item_codes", Map.of("type", "binary"));
        mappings.put("properties", properties);
        body.put("mappings", mappings);
        classRest.createIndex(plantedIndex, body);
        Map<String, Object> plantedDocs = new LinkedHashMap<>();
        for (int i = 0; i < planted.items(); i++) {
            plantedDocs.put(RecallFixture.id(i), Map.of("item_vector", ItemFixtures.asList(planted.vector(i))));
        }
        classRest.bulkIndex(plantedIndex, plantedDocs);
        classRest.refresh(plantedIndex);
    }

    @Test
    void itemsIndexedThroughThePipelineCarryCodesThatDecodeCloseToTheirVectors() throws Exception {
        assertEquals("binary", rest.get("/" + itemIndex + "/_mapping").path(itemIndex).path("mappings").path("properties")
            .path("item_codes").path("type").asText(), "the template maps the codes compactly");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ITEMS; i += 5) {
            ids.add(SyntheticCatalogue.id(i));
        }
        JsonNode docs = rest.post("/" + itemIndex + "/_mget?_source_includes=item_codes", Map.of("ids", ids)).path("docs");
        assertEquals(ids.size(), docs.size());
        double sum = 0, worst = 1;
        for (JsonNode doc : docs) {
            int i = Integer.parseInt(doc.path("_id").asText().substring(1));
            String codes = doc.path("_source").path("item_codes").asText();
            byte[] packed = PackedCodes.fromBase64(codes);
            assertEquals(PackedCodes.length(itemCodebook), packed.length, doc.toString());
            float[] decoded = itemCodebook.decode(PackedCodes.unpack(itemCodebook, packed));
            double cos = Vectors.cosine(items.catalogue.vector(i), decoded);
            sum += cos;
            worst = Math.min(worst, cos);
        }
        double mean = sum / docs.size();
        assertTrue(mean > 0.9 && worst > 0.5, "mean cosine " + mean + ", worst " + worst);
    }

    private Map<String, Object> rimirec(String model, List<Object> history, Map<String, Object> extra) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("model", model);
        q.put("history", history);
        q.putAll(extra);
        return Map.of("size", 20, "query", Map.of("rimirec", q));
    }

    @Test
    void historyFromCodesAnswersAsTheDecodedVectorsWould() throws Exception {
        for (int user : new int[] {0, 7, 42}) {
            List<Object> ids = new ArrayList<>(planted.historyIds(user));
            JsonNode fromCodes = rest.search(plantedIndex, rimirec(QUERY_MODEL, ids, Map.of("size", 20, "history_source", "codes")));
            assertEquals(0, fromCodes.path("_shards").path("failed").asInt(), fromCodes.toString());
            // The same history given inline as the vectors the codes decode to (encoded here by the same core code).
            List<Object> inline = new ArrayList<>();
            for (int item : planted.planted.data.sequences().get(user)) {
                byte[] packed = PackedCodes.pack(plantedCodebook, plantedCodebook.encode(planted.vector(item)));
                float[] decoded = plantedCodebook.decode(PackedCodes.unpack(plantedCodebook, packed));
                inline.add(Map.of("id", RecallFixture.id(item), "vector", ItemFixtures.asList(decoded)));
            }
            JsonNode fromDecoded = rest.search(plantedIndex, rimirec(QUERY_MODEL, inline, Map.of("size", 20)));
            assertEquals(20, Rest.ids(fromCodes).size(), fromCodes.toString());
            assertEquals(Rest.ids(fromDecoded), Rest.ids(fromCodes), "user " + user);
        }
    }

    @Test
    void codesNeedAModelWithACodebookAndItemsWithCodes() throws Exception {
        List<Object> history = new ArrayList<>(planted.historyIds(0));
        Rest.Result r = rest.call("POST", "/" + plantedIndex + "/_search",
            rimirec(QUERY_MODEL_WITHOUT_CODEBOOK, history, Map.of("history_source", "codes")));
        assertEquals(400, r.status(), r.body().toString());
        assertTrue(r.body().toString().contains("[history_source] is [codes] but model [" + QUERY_MODEL_WITHOUT_CODEBOOK
            + "] has no [codebook] part"), r.body().toString());

        r = rest.call("POST", "/" + plantedIndex + "/_search", rimirec(QUERY_MODEL, history, Map.of("history_source", "codes",
            "codes_field", "no_such_field")));
        assertEquals(400, r.status(), r.body().toString());
        assertTrue(r.body().toString().contains("was found with a [no_such_field]"), r.body().toString());
    }
}
