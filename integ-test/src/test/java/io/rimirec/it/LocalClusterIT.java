package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rimirec.tools.cluster.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the harness promises tests beyond HTTP: files in every node's config dir, and nodes that are not root. */
class LocalClusterIT extends ThreeNodeClusterTestCase {

    @TempDir
    Path tmp;

    @Test
    void writesAFileIntoEveryNodesConfigDirOwnedByTheNodeUser() throws Exception {
        byte[] content = "model bundle bytes".getBytes(StandardCharsets.UTF_8);
        List<Path> written = cluster.writeConfigFile("rimirec/it-" + System.nanoTime() + "/bundle.bin", content);
        assertEquals(cluster.nodes().size(), written.size());
        for (int i = 0; i < written.size(); i++) {
            Path f = written.get(i);
            assertTrue(f.startsWith(cluster.node(i).configDir()), f.toString());
            assertArrayEquals(content, Files.readAllBytes(f));
            assertEquals(cluster.nodeUser(), Files.getOwner(f, LinkOption.NOFOLLOW_LINKS).getName());
            assertEquals(cluster.nodeUser(), Files.getOwner(f.getParent(), LinkOption.NOFOLLOW_LINKS).getName());
        }
    }

    @Test
    void copiesAFolderIntoEveryNodesConfigDir() throws Exception {
        Files.createDirectories(tmp.resolve("bundle/onnx"));
        Files.writeString(tmp.resolve("bundle/manifest.json"), "{}");
        Files.writeString(tmp.resolve("bundle/onnx/tower.onnx"), "not really onnx");
        String rel = "rimirec/copied-" + System.nanoTime();
        cluster.copyToConfig(tmp.resolve("bundle"), rel);
        for (LocalCluster.Node node : cluster.nodes()) {
            Path dir = node.configDir().resolve(rel);
            assertEquals("{}", Files.readString(dir.resolve("manifest.json")));
            assertEquals("not really onnx", Files.readString(dir.resolve("onnx/tower.onnx")));
            assertEquals(cluster.nodeUser(), Files.getOwner(dir.resolve("onnx"), LinkOption.NOFOLLOW_LINKS).getName());
        }
    }

    @Test
    void nodesRunAsTheNodeUserNeverAsRoot() {
        for (LocalCluster.Node node : cluster.nodes()) {
            ProcessHandle p = node.process().orElseThrow();
            assertTrue(p.isAlive());
            String user = p.info().user().orElseThrow();
            assertNotEquals("root", user, node.name());
            assertEquals(cluster.nodeUser(), user, node.name());
        }
    }
}
