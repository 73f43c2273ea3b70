package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.tools.cluster.LocalCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.opensearch.client.RestClient;

/** The 3-node shape really is one cluster of three nodes, not three single nodes. */
class ThreeNodeClusterIT extends ThreeNodeClusterTestCase {

    @Test
    void hasThreeNodesWithOneElectedClusterManager() throws Exception {
        JsonNode health = rest.get("/_cluster/health");
        assertEquals(3, health.path("number_of_nodes").asInt(), health.toPrettyString());
        assertEquals(3, health.path("number_of_data_nodes").asInt(), health.toPrettyString());

        List<JsonNode> nodes = rest.cat("nodes?h=name,cluster_manager,node.roles");
        Set<String> names = new TreeSet<>();
        int managers = 0;
        for (JsonNode n : nodes) {
            names.add(n.path("name").asText());
            managers += "*".equals(n.path("cluster_manager").asText()) ? 1 : 0;
        }
        assertEquals(Set.of("node-0", "node-1", "node-2"), names);
        assertEquals(1, managers, "exactly one elected cluster manager: " + nodes);
    }

    @Test
    void everyNodeAnswersForTheSameCluster() throws Exception {
        Set<String> clusterUuids = new TreeSet<>();
        List<String> nodeNames = new ArrayList<>();
        for (LocalCluster.Node node : cluster.nodes()) {
            // Ask each node directly rather than round robin, so a node that formed its own cluster shows up.
            try (RestClient one = RestClient.builder(node.httpHost()).build()) {
                JsonNode root = new Rest(one).get("/");
                clusterUuids.add(root.path("cluster_uuid").asText());
                nodeNames.add(root.path("name").asText());
                assertEquals(cluster.clusterName(), root.path("cluster_name").asText());
                assertEquals(3, new Rest(one).get("/_cluster/health?local=true").path("number_of_nodes").asInt(),
                    node.name() + " sees the whole cluster");
            }
        }
        assertEquals(1, clusterUuids.size(), "one cluster uuid: " + clusterUuids);
        assertTrue(!clusterUuids.contains("_na_"), "the cluster has formed: " + clusterUuids);
        assertEquals(List.of("node-0", "node-1", "node-2"), nodeNames);
    }

    @Test
    void shardsAndReplicasSpreadOverAllNodes() throws Exception {
        String index = rest.uniqueIndexName("spread");
        rest.createIndex(index, "{\"settings\":{\"number_of_shards\":3,\"number_of_replicas\":1}}");
        rest.waitForGreen(index);
        Set<String> nodesWithShards = new TreeSet<>();
        List<JsonNode> shards = rest.cat("shards/" + index + "?h=shard,prirep,state,node");
        for (JsonNode s : shards) {
            assertEquals("STARTED", s.path("state").asText(), s.toString());
            nodesWithShards.add(s.path("node").asText());
        }
        assertEquals(6, shards.size(), "3 primaries + 3 replicas: " + shards);
        assertEquals(Set.of("node-0", "node-1", "node-2"), nodesWithShards);
    }
}
