package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** k-NN and rimirec are installed on every node, on both cluster shapes. */
class InstalledPluginsIT {

    abstract static class Checks extends ClusterTestCase {

        @Test
        void everyNodeHasKnnAndRimirec() throws Exception {
            Map<String, Set<String>> pluginsByNode = new TreeMap<>();
            for (JsonNode node : rest.cat("nodes?h=name")) {
                pluginsByNode.put(node.path("name").asText(), new TreeSet<>());
            }
            for (JsonNode row : rest.cat("plugins?h=name,component,version")) {
                pluginsByNode.computeIfAbsent(row.path("name").asText(), n -> new TreeSet<>())
                    .add(row.path("component").asText());
            }
            assertEquals(cluster.nodes().size(), pluginsByNode.size(), "nodes: " + pluginsByNode.keySet());
            Set<String> expected = new TreeSet<>(List.of("opensearch-knn", "rimirec"));
            pluginsByNode.forEach((node, plugins) -> assertEquals(expected, plugins, "plugins on " + node));
        }

        @Test
        void rimirecIsTheVersionThisBuildMade() throws Exception {
            String expected = System.getProperty("rimirec.version");
            for (JsonNode row : rest.cat("plugins?h=name,component,version")) {
                if (row.path("component").asText().equals("rimirec")) {
                    assertEquals(expected, row.path("version").asText(), "on " + row.path("name").asText());
                }
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
