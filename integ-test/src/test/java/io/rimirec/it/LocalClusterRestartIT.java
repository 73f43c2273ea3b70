package io.rimirec.it;

import io.rimirec.tools.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code rimirec cluster} and {@code rimirec demo} do when a node dies under them: report it and start it again in
 * its own folder (its data kept), instead of tearing the whole cluster down.
 */
class LocalClusterRestartIT {

    @Test
    void aNodeKilledWithSigkillIsReportedAndRestartedWithItsData() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().withDefaultZips().nodes(1).start();
             Rest rest = new Rest(cluster.restClient())) {
            rest.put("/kept", Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0)));
            rest.put("/kept/_doc/1?refresh=true", Map.of("title", "still here"));

            ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread supervisor = new Thread(() -> {
                try {
                    exit.set(cluster.supervise(reports::add, 3));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "supervisor");
            supervisor.start();

            LocalCluster.Node node = cluster.node(0);
            long killed = node.process().orElseThrow().pid();
            node.process().orElseThrow().destroyForcibly();
            long deadline = System.currentTimeMillis() + 180_000;
            while (System.currentTimeMillis() < deadline && reports.stream().noneMatch(r -> r.contains("is running again"))) {
                Thread.sleep(500);
            }
            List<String> said = List.copyOf(reports);
            assertTrue(said.stream().anyMatch(r -> r.startsWith("node-0 stopped unexpectedly")), said.toString());
            assertTrue(said.stream().anyMatch(r -> r.contains("node-0 is running again (restart 1 of at most 3)")), said.toString());
            assertTrue(node.isAlive());
            assertTrue(node.process().orElseThrow().pid() != killed, "a new process");
            assertEquals("still here", rest.get("/kept/_doc/1").path("_source").path("title").asText(), "same folder, same data");

            cluster.close();
            supervisor.join(30_000);
            assertEquals(0, exit.get(), "closing ends the supervision");
        }
    }
}
