package io.rimirec.tools.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What can be checked without starting a node: validation, settings rendering, locating the zips. */
class LocalClusterBuilderTest {

    @TempDir
    Path tmp;

    @Test
    void twoNodesAreRejectedBecauseTheyCannotFormAFaultTolerantQuorum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalCluster.builder().nodes(2));
        assertTrue(e.getMessage().contains("1 or at least 3"), e.getMessage());
        LocalCluster.builder().nodes(1).nodes(3).nodes(5);
    }

    @Test
    void heapMustLookLikeAnXmxValue() {
        LocalCluster.builder().heap("512m").heap("1g");
        assertThrows(IllegalArgumentException.class, () -> LocalCluster.builder().heap("512"));
        assertThrows(IllegalArgumentException.class, () -> LocalCluster.builder().heap("-Xmx512m"));
    }

    @Test
    void configFilesMustStayInsideTheConfigDir() {
        LocalCluster.builder().configFile("rimirec/models/m.bin", new byte[] {1});
        assertThrows(IllegalArgumentException.class, () -> LocalCluster.builder().configFile("../x", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> LocalCluster.builder().configFile("/etc/x", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> LocalCluster.builder().configFile("a/../../x", new byte[0]));
    }

    @Test
    void settingsAreWrittenAsFlatKeysWithJsonValues() throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("cluster.name", "c1");
        s.put("discovery.seed_hosts", List.of("127.0.0.1:9300", "127.0.0.1:9301"));
        s.put("node.attr.note", "a: \"quoted\" #value");
        String yml = LocalCluster.renderSettings(s);
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> back = new LinkedHashMap<>();
        for (String line : yml.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            back.put(line.substring(0, colon), json.readValue(line.substring(colon + 2), Object.class));
        }
        assertEquals(s, back);
    }

    @Test
    void missingZipsSayHowToBuildThem() throws Exception {
        Files.writeString(tmp.resolve(OpenSearchZips.KNN_ZIP), "not really a zip");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OpenSearchZips.in(tmp));
        assertTrue(e.getMessage().contains("./mvnw -q package -DskipTests"), e.getMessage());
        assertTrue(e.getMessage().contains(OpenSearchZips.DISTRIBUTION_ZIP), e.getMessage());
        assertTrue(!e.getMessage().contains(OpenSearchZips.KNN_ZIP + ","), "only what is missing is named: " + e.getMessage());
    }

    @Test
    void startWithoutADistributionSaysWhatToCall() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalCluster.builder().start());
        assertTrue(e.getMessage().contains("withDefaultZips()"), e.getMessage());
    }
}
