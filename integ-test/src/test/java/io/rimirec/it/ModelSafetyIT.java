package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.tools.onnx.proto.Onnx;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Uploads and deletes that used to harm a node or its users, on a real node with the default 512 MB heap: a zip bomb,
 * an ONNX part whose weights point at a file on the node, deleting a model a pipeline still uses, and documents
 * whose vectors the tree cannot place.
 */
class ModelSafetyIT extends SingleNodeTestCase {

    static final String BASE = "/_plugins/rimirec/models/";

    @Test
    void aZipBombIsRefusedAndTheNodeStaysUp() throws Exception {
        ItemFixtures a = new ItemFixtures(400, 50, 11);
        ModelBundle good = BundleArchive.read(a.bundle, Long.MAX_VALUE);
        byte[] manifest = good.manifest().toJson();
        // The manifest lists tree.rtree with its real size; the entry unpacks to 250 MB of zeros (a 250 KB upload).
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("manifest.json"));
            z.write(manifest);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("tree.rtree"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 250; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        assertTrue(zip.size() < 1 << 20, "a small upload: " + zip.size());
        Rest.Result r = rest.call("PUT", BASE + "bomb", RecallFixture.uploadBody(zip.toByteArray()));
        assertEquals(400, r.status(), r.body().toString());
        assertTrue(r.body().toString().contains("file [tree.rtree] has more than"), r.body().toString());
        assertEquals(404, rest.call("GET", BASE + "bomb", null).status(), "nothing stored");
        assertEquals(200, rest.call("GET", "/_cluster/health", null).status(), "the node is still there");
    }

    @Test
    void anOnnxPartWhoseWeightsPointAtAFileOnTheNodeIsRefused() throws Exception {
        ModelBundle good = BundleArchive.read(RimirecQueryIT.fixture().bundle, Long.MAX_VALUE);
        String part = good.files().keySet().stream().filter(f -> f.endsWith(".onnx")).findFirst().orElseThrow();
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(good.files().get(part));
        Onnx.TensorProto first = model.getGraph().getInitializer(0);
        // external_data (13): {key "location", value "config/opensearch.keystore"}; data_location (14) = EXTERNAL.
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        writeString(entry, 1, "location");
        writeString(entry, 2, "config/opensearch.keystore");
        Onnx.TensorProto external = first.toBuilder().clearRawData().clearFloatData().setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(13, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(entry.toByteArray())).build())
            .addField(14, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
        byte[] evil = model.toBuilder().setGraph(model.getGraph().toBuilder().setInitializer(0, external)).build().toByteArray();

        Path dir = Files.createTempDirectory("rimirec-external-data");
        for (Map.Entry<String, byte[]> e : good.files().entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getKey().equals(part) ? evil : e.getValue());
        }
        Rest.Result r = rest.call("PUT", BASE + "external-data", RecallFixture.uploadBody(BundleArchive.pack(dir, good.manifest())));
        assertEquals(400, r.status(), r.body().toString());
        String body = r.body().toString();
        assertTrue(body.contains("keeps the data of tensor [" + first.getName() + "] in an external file"), body);
        assertFalse(body.contains("keystore"), "no file system detail comes back: " + body);
        assertEquals(404, rest.call("GET", BASE + "external-data", null).status(), "nothing stored");
    }

    private static void writeString(ByteArrayOutputStream out, int field, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        out.write(field << 3 | 2);
        out.write(b.length); // < 128
        out.writeBytes(b);
    }

    @Test
    void aModelAPipelineUsesIsOnlyDeletedWithForce() throws Exception {
        String id = "safety-in-use";
        rest.put(BASE + id, new ItemFixtures(400, 50, 12).uploadBody());
        rest.deleteAfter(BASE + id);
        String pipeline = "safety-in-use-pipeline";
        rest.put("/_ingest/pipeline/" + pipeline, Map.of("processors", List.of(Map.of("set", Map.of("field", "x", "value", 1)),
            Map.of("rimirec_circles", Map.of("model", id)))));
        rest.deleteAfter("/_ingest/pipeline/" + pipeline);

        Rest.Result refused = rest.call("DELETE", BASE + id, null);
        assertEquals(409, refused.status(), refused.body().toString());
        assertTrue(refused.body().toString().contains("is used by ingest pipeline(s) [" + pipeline + "]")
            && refused.body().toString().contains("?force=true"), refused.body().toString());
        assertEquals(200, rest.call("GET", BASE + id, null).status(), "still there");

        assertEquals("deleted", rest.delete(BASE + id + "?force=true").path("result").asText());
        assertEquals(404, rest.call("GET", BASE + id, null).status());
    }

    @Test
    void theModelStoreIndexIsWrittenOnlyThroughTheModelApi() throws Exception {
        String id = "safety-store";
        ItemFixtures a = new ItemFixtures(400, 50, 14);
        rest.put(BASE + id, a.uploadBody());
        rest.deleteAfter(BASE + id);
        Map<String, Object> forged = Map.of("type", "model", "model_id", "forged", "hash", "0".repeat(64), "size", 1, "chunk_count", 1,
            "uploaded_at", "2026-12-03T00:00:00Z", "manifest", Map.of());
        List<Rest.Result> attempts = List.of(
            rest.call("PUT", "/.rimirec-models/_doc/forged", forged),
            rest.call("POST", "/.rimirec-models/_update/" + id, Map.of("doc", Map.of("hash", "0".repeat(64)))),
            rest.call("DELETE", "/.rimirec-models/_doc/" + id, null),
            rest.call("POST", "/.rimirec*/_delete_by_query", Map.of("query", Map.of("match_all", Map.of()))));
        for (Rest.Result r : attempts) {
            assertEquals(403, r.status(), r.body().toString());
            assertTrue(r.body().toString().contains("is written only through its API (PUT or DELETE /_plugins/rimirec/models/{id}"),
                r.body().toString());
        }
        try {
            rest.bulkAllowingItemFailures("{\"index\": {\"_index\": \".rimirec-models\", \"_id\": \"forged\"}}\n"
                + Rest.toJson(forged) + "\n");
            throw new AssertionError("a _bulk naming the store was accepted");
        } catch (AssertionError e) {
            assertTrue(e.getMessage().contains("403") && e.getMessage().contains("is written only through its API"), e.getMessage());
        }
        List<String> listed = new ArrayList<>();
        rest.get(BASE).path("models").forEach(m -> listed.add(m.path("model_id").asText()));
        assertTrue(listed.contains(id) && !listed.contains("forged"), listed.toString());
        assertEquals(a.tree.contentHash(), rest.get(BASE + id).path("manifest").path("tree_hash").asText(), "untouched");

        // The API still writes: replacing and deleting go through.
        assertEquals("updated", rest.put(BASE + id, new ItemFixtures(400, 50, 14).uploadBody()).path("result").asText());
    }

    @Test
    void aKnnVectorOnANativeEngineIsRefusedOnANodeWithoutTheNativeLibrariesInsteadOfStoppingIt() throws Exception {
        // The k-NN zip these nodes run (Maven Central's) has no native libraries: faiss, the default engine, would
        // stop the node with UnsatisfiedLinkError while parsing the mapping.
        Map<String, Object> faissByDefault = Map.of("mappings", Map.of("properties", Map.of("emb", Map.of("type", "knn_vector",
            "dimension", 8))), "settings", Map.of("index.knn", true));
        String index = rest.uniqueIndexName("native-engine");
        List<Rest.Result> refused = List.of(
            rest.call("PUT", "/" + index, faissByDefault),
            rest.call("PUT", "/_component_template/" + index, Map.of("template", Map.of("mappings", Map.of("properties", Map.of("emb",
                Map.of("type", "knn_vector", "dimension", 8, "method", Map.of("name", "hnsw", "engine", "nmslib"))))))));
        for (Rest.Result r : refused) {
            assertEquals(400, r.status(), r.body().toString());
            String reason = r.body().path("error").path("reason").asText();
            assertTrue(reason.contains("[emb] is a knn_vector on a native k-NN engine") && reason.contains("\"engine\": \"lucene\""),
                reason);
        }
        assertEquals(200, rest.call("GET", "/_cluster/health", null).status(), "the node is still up");
        rest.createIndex(index, Map.of("settings", Map.of("index.knn", true), "mappings", Map.of("properties", Map.of("emb", Map.of(
            "type", "knn_vector", "dimension", 8, "method", Map.of("name", "hnsw", "engine", "lucene", "space_type", "l2"))))));
    }

    @Test
    void documentsWhoseVectorsTheTreeCannotPlaceFailAloneNamingTheField() throws Exception {
        ItemFixtures a = new ItemFixtures(400, 50, 13);
        String id = "safety-degenerate";
        rest.put(BASE + id, a.uploadBody());
        rest.deleteAfter(BASE + id);
        String pipeline = "safety-degenerate-pipeline";
        rest.put("/_ingest/pipeline/" + pipeline, Map.of("processors", List.of(Map.of("rimirec_circles", Map.of("model", id)))));
        rest.deleteAfter("/_ingest/pipeline/" + pipeline);
        String index = rest.uniqueIndexName("degenerate");
        rest.createIndex(index, Map.of("settings", Map.of("index", Map.of("number_of_shards", 1, "number_of_replicas", 0,
            "default_pipeline", pipeline))));
        float[] unit = a.catalogue.vectors()[0];
        StringBuilder bulk = new StringBuilder();
        for (double scale : new double[] {0, 1e20, 1e-24, 1}) {
            StringBuilder v = new StringBuilder("[");
            for (int i = 0; i < unit.length; i++) {
                v.append(i == 0 ? "" : ",").append(unit[i] * scale);
            }
            bulk.append("{\"index\":{\"_index\":\"").append(index).append("\"}}\n{\"item_vector\":").append(v).append("]}\n");
        }
        JsonNode r = rest.bulkAllowingItemFailures(bulk.toString());
        JsonNode items = r.path("items");
        assertEquals(4, items.size(), r.toString());
        String[] expected = {"is a zero vector", "too large for single-precision similarity", "too small for single-precision similarity"};
        for (int i = 0; i < 3; i++) {
            JsonNode item = items.get(i).path("index");
            assertEquals(400, item.path("status").asInt(), item.toString());
            assertTrue(item.path("error").toString().contains("field [item_vector]") && item.path("error").toString().contains(expected[i]),
                item.toString());
        }
        assertEquals(201, items.get(3).path("index").path("status").asInt(), "the good document is indexed: " + items.get(3));
    }
}
