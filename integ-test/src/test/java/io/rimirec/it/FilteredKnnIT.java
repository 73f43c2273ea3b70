package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.rimirec.tools.cluster.LocalCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pattern partitioned retrieval relies on (docs/query.md): a Lucene HNSW k-NN query filtered by a {@code term} on a
 * keyword field that holds every prefix of an item's circle path returns only items of that circle (subtree),
 * nearest first. Written before the rimirec_circles ingest processor exists, so the prefixes are given by hand.
 */
class FilteredKnnIT {

    /** id -> circle prefixes and a 4-d vector. The items nearest to QUERY are outside circle 2/4. */
    static final Map<String, Map<String, Object>> ITEMS = new LinkedHashMap<>();
    static final List<Double> QUERY = List.of(1.0, 0.0, 0.0, 0.0);

    static {
        item("a1", List.of("1", "1/0"), 1.0, 0.05, 0.0, 0.0);
        item("a2", List.of("1", "1/1"), 1.0, 0.10, 0.0, 0.0);
        item("b1", List.of("2", "2/3"), 1.0, 0.15, 0.0, 0.0);
        item("d1", List.of("3"), 1.0, 0.20, 0.0, 0.0);
        item("b2", List.of("2", "2/3"), 0.5, 0.5, 0.0, 0.0);
        item("c1", List.of("2", "2/4", "2/4/0"), 0.6, 0.6, 0.2, 0.0);
        item("c2", List.of("2", "2/4", "2/4/1"), 0.2, 0.9, 0.0, 0.0);
        item("c3", List.of("2", "2/4", "2/4/1"), 0.0, 1.0, 0.5, 0.0);
    }

    private static void item(String id, List<String> circles, double... v) {
        List<Double> vector = new ArrayList<>();
        for (double x : v) {
            vector.add(x);
        }
        ITEMS.put(id, Map.of("circles", circles, "embedding", vector));
    }

    /** The tests only read, so the index is made once per class (and deleted after it). */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Checks extends ClusterTestCase {

        String index;

        @BeforeAll
        void indexItems(LocalCluster cluster, Rest classRest) throws Exception {
            index = classRest.uniqueIndexName("knn-circles");
            int replicas = cluster.nodes().size() > 1 ? 1 : 0;
            classRest.createIndex(index, """
                {
                  "settings": {"index": {"knn": true, "number_of_shards": 3, "number_of_replicas": %d}},
                  "mappings": {"properties": {
                    "circles": {"type": "keyword"},
                    "embedding": {"type": "knn_vector", "dimension": 4,
                      "method": {"name": "hnsw", "engine": "lucene", "space_type": "l2",
                                 "parameters": {"m": 16, "ef_construction": 64}}}
                  }}
                }""".formatted(replicas));
            classRest.bulkIndex(index, ITEMS);
            classRest.refresh(index);
            classRest.waitForGreen(index);
        }

        JsonNode knn(String circle) throws Exception {
            Map<String, Object> knn = new LinkedHashMap<>();
            knn.put("vector", QUERY);
            knn.put("k", 10);
            if (circle != null) {
                knn.put("filter", Map.of("term", Map.of("circles", circle)));
            }
            JsonNode r = rest.search(index, Map.of("size", 10, "_source", List.of("circles"),
                "query", Map.of("knn", Map.of("embedding", knn))));
            assertEquals(0, r.path("_shards").path("failed").asInt(), r.toPrettyString());
            assertEquals(3, r.path("_shards").path("successful").asInt(), r.toPrettyString());
            return r;
        }

        @Test
        void withoutAFilterTheNearestItemsComeFromOtherCircles() throws Exception {
            // Makes the filtered tests below meaningful: unfiltered, circle 2/4 is not where the nearest items are.
            assertEquals(List.of("a1", "a2", "b1", "d1", "b2"), Rest.ids(knn(null)).subList(0, 5));
        }

        @Test
        void aCircleFilterReturnsOnlyThatCirclesItemsNearestFirst() throws Exception {
            JsonNode r = knn("2/4");
            assertEquals(List.of("c1", "c2", "c3"), Rest.ids(r));
            for (JsonNode hit : r.path("hits").path("hits")) {
                List<String> circles = new ArrayList<>();
                hit.path("_source").path("circles").forEach(c -> circles.add(c.asText()));
                assertTrue(circles.contains("2/4"), hit.toString());
            }
        }

        @Test
        void aPrefixSelectsTheWholeSubtree() throws Exception {
            assertEquals(List.of("b1", "b2", "c1", "c2", "c3"), Rest.ids(knn("2")));
            assertEquals(List.of("c2", "c3"), Rest.ids(knn("2/4/1")));
            assertEquals(List.of(), Rest.ids(knn("2/4/9")));
        }

        @Test
        void everyShardCopyGivesTheSameAnswer() throws Exception {
            // Round robin over the nodes and repeated queries reach primaries and replicas alike.
            List<String> first = Rest.ids(knn("2"));
            assertNotEquals(List.of(), first);
            for (int i = 0; i < 6; i++) {
                assertEquals(first, Rest.ids(knn("2")));
            }
        }
    }

    @Nested
    @ClusterShape(nodes = 1)
    class SingleNode extends Checks {}

    @Nested
    @ClusterShape(nodes = 3)
    class ThreeNodes extends Checks {}
}
