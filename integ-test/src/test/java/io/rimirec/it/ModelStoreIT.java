package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.tools.cluster.LocalCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.opensearch.client.RestClient;

/**
 * The model store REST API on real clusters: create, read, list, replace, delete; invalid bundles are refused with a
 * 400 that says what is wrong and store nothing; a replaced model is used by every node's ingest processor at once
 * (the per-node caches are evicted cluster-wide).
 */
class ModelStoreIT {

    static final String BASE = "/_plugins/rimirec/models/";

    abstract static class Checks extends ClusterTestCase {

        @Test
        void createReadListReplaceDelete() throws Exception {
            ItemFixtures a = new ItemFixtures(400, 50, 1);
            String id = "store-crud";
            rest.deleteAfter(BASE + id);
            assertEquals("created", rest.put(BASE + id, a.uploadBody()).path("result").asText());

            JsonNode got = rest.get(BASE + id);
            assertEquals(id, got.path("model_id").asText(), got.toString());
            assertEquals(64, got.path("manifest").path("dimension").asInt(), got.toString());
            assertEquals(a.tree.contentHash(), got.path("manifest").path("tree_hash").asText(), got.toString());

            List<String> listed = new ArrayList<>();
            rest.get("/_plugins/rimirec/models").path("models").forEach(m -> listed.add(m.path("model_id").asText()));
            assertTrue(listed.contains(id), listed.toString());

            ItemFixtures b = new ItemFixtures(400, 50, 2);
            // Another tree would leave the items stamped by a's circles: refused unless the caller takes that on.
            Rest.Result refused = rest.call("PUT", BASE + id, b.uploadBody());
            assertEquals(409, refused.status(), refused.body().toString());
            assertTrue(refused.body().toString().contains("allow_tree_change=true"), refused.body().toString());
            assertEquals(a.tree.contentHash(), rest.get(BASE + id).path("manifest").path("tree_hash").asText(), "nothing replaced");
            assertEquals("updated", rest.put(BASE + id + "?allow_tree_change=true", b.uploadBody()).path("result").asText());
            assertEquals(b.tree.contentHash(), rest.get(BASE + id).path("manifest").path("tree_hash").asText());

            assertEquals("deleted", rest.delete(BASE + id).path("result").asText());
            Rest.Result gone = rest.call("GET", BASE + id, null);
            assertEquals(404, gone.status(), gone.body().toString());
            assertTrue(gone.body().toString().contains(id), gone.body().toString());
        }

        @Test
        void invalidBundlesAreRefusedWithAPreciseMessageAndNothingIsStored() throws Exception {
            ItemFixtures a = new ItemFixtures(400, 50, 3);
            String id = "store-invalid";
            Map<String, Object> notBase64 = Map.of("bundle", "%%% not base64 %%%");
            Map<String, Object> notAZip = Map.of("bundle", Base64.getEncoder().encodeToString("hello".getBytes()));
            Map<String, Object> tampered = Map.of("bundle", Base64.getEncoder().encodeToString(tamperTree(a.bundle)));
            Map<String, Object> noBundle = Map.of("something", "else");
            List<Map.Entry<Map<String, Object>, String>> cases = List.of(
                Map.entry(notBase64, "base64"),
                Map.entry(notAZip, "rimirec bundle"),
                Map.entry(tampered, "SHA-256"),
                Map.entry(noBundle, "bundle"));
            for (Map.Entry<Map<String, Object>, String> c : cases) {
                Rest.Result r = rest.call("PUT", BASE + id, c.getKey());
                assertEquals(400, r.status(), r.body().toString());
                assertTrue(r.body().toString().contains(c.getValue()), "expected [" + c.getValue() + "] in " + r.body());
                assertEquals(404, rest.call("GET", BASE + id, null).status(), "nothing was stored");
            }
            Rest.Result badId = rest.call("PUT", BASE + "Bad%20Id", a.uploadBody());
            assertEquals(400, badId.status(), badId.body().toString());
        }

        /** The bundle with the tree file's bytes changed, the manifest (and its checksums) left as they were. */
        static byte[] tamperTree(byte[] zip) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip)); ZipOutputStream z = new ZipOutputStream(out)) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    byte[] bytes = in.readAllBytes();
                    if (e.getName().endsWith(".rtree")) {
                        bytes[bytes.length / 2] ^= 0x5a;
                    }
                    z.putNextEntry(new ZipEntry(e.getName()));
                    z.write(bytes);
                    z.closeEntry();
                }
            }
            return out.toByteArray();
        }
    }

    @Nested
    @ClusterShape(nodes = 1)
    class SingleNode extends Checks {}

    @Nested
    @ClusterShape(nodes = 3)
    class ThreeNodes extends Checks {

        /** Every node's ingest sees a replaced model at once, whichever node took the upload. */
        @Test
        void aReplacedModelIsUsedByEveryNodeAtOnce() throws Exception {
            ItemFixtures a = new ItemFixtures(600, 40, 11);
            ItemFixtures b = new ItemFixtures(600, 40, 12);
            String id = "store-evict";
            rest.deleteAfter(BASE + id);
            int probe = firstItemWhoseLeafDiffers(a, b);
            Map<String, Object> simulate = Map.of(
                "pipeline", Map.of("processors", List.of(Map.of("rimirec_circles", Map.of("model", id)))),
                "docs", List.of(Map.of("_source", a.document(probe))));

            rest.put(BASE + id, a.uploadBody());
            assertEveryNodeStamps(simulate, a.leaf(probe).toString());
            rest.put(BASE + id + "?allow_tree_change=true", b.uploadBody()); // warm caches everywhere hold tree a now
            assertEveryNodeStamps(simulate, b.tree.assign(a.catalogue.vector(probe)).toString());
            rest.delete(BASE + id);
            for (LocalCluster.Node node : cluster.nodes()) {
                try (RestClient client = RestClient.builder(node.httpHost()).build(); Rest onNode = new Rest(client)) {
                    JsonNode r = onNode.post("/_ingest/pipeline/_simulate", simulate);
                    assertTrue(r.path("docs").get(0).path("error").path("reason").asText().contains(id), node.name() + ": " + r);
                }
            }
        }

        private static int firstItemWhoseLeafDiffers(ItemFixtures a, ItemFixtures b) {
            for (int i = 0; i < a.catalogue.size(); i++) {
                if (!a.leaf(i).toString().equals(b.tree.assign(a.catalogue.vector(i)).toString())) {
                    return i;
                }
            }
            throw new AssertionError("trees a and b assign every item alike; pick other seeds");
        }

        private void assertEveryNodeStamps(Map<String, Object> simulate, String expectedLeaf) throws Exception {
            for (LocalCluster.Node node : cluster.nodes()) {
                try (RestClient client = RestClient.builder(node.httpHost()).build(); Rest onNode = new Rest(client)) {
                    JsonNode r = onNode.post("/_ingest/pipeline/_simulate", simulate);
                    assertEquals(expectedLeaf, r.path("docs").get(0).path("doc").path("_source").path("circle_leaf").asText(),
                        node.name() + ": " + r);
                }
            }
        }
    }
}
