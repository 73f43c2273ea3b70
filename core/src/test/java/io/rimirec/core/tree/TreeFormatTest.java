package io.rimirec.core.tree;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.testing.TestVectors;
import io.rimirec.core.vector.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TreeFormatTest {

    @TempDir
    Path dir;

    private static final float[][] DATA = TestVectors.hierarchy(4, 3, 40, 10, 0.3, 12); // 480 items

    private static CircleTree build(Metric metric, float ratio) {
        return new HierarchicalKMeans(TreeOptions.defaults(metric).withBranching(3).withLeafCapacity(25)
            .withBalanceRatio(ratio).withSeed(5).withThreads(1)).build(DATA);
    }

    @Test
    void roundTripKeepsAssignmentsHashAndMetadata() throws IOException {
        for (Metric metric : Metric.values()) {
            for (float ratio : new float[] {0f, 1.3f}) {
                CircleTree tree = build(metric, ratio);
                Path file = dir.resolve(metric.id() + "-" + ratio + TreeFormat.FILE_EXTENSION);
                TreeFormat.write(tree, file);
                CircleTree back = TreeFormat.read(file);
                assertEquals(tree.contentHash(), back.contentHash());
                assertEquals(tree.nodeCount(), back.nodeCount());
                assertEquals(metric, back.metric());
                assertEquals(ratio, back.balanceRatio());
                assertEquals(3, back.branching());
                assertEquals(25, back.leafCapacity());
                assertEquals(5L, back.seed());
                assertEquals(tree.info(), back.info());
                for (int node = 0; node < tree.nodeCount(); node++) {
                    assertEquals(tree.bias(node), back.bias(node));
                    assertEquals(tree.size(node), back.size(node));
                    assertTrue(Arrays.equals(tree.centroid(node), back.centroid(node)));
                }
                for (float[] v : DATA) {
                    assertEquals(tree.assign(v), back.assign(v));
                }
                // Same bytes when written again: the format has no hidden state.
                assertTrue(Arrays.equals(TreeFormat.toBytes(tree), TreeFormat.toBytes(back)));
            }
        }
    }

    @Test
    void corruptFileIsRejectedWithItsName() throws IOException {
        Path file = dir.resolve("tree.rtree");
        TreeFormat.write(build(Metric.COSINE, 0f), file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
        TreeFormat.CorruptTreeException e = assertThrows(TreeFormat.CorruptTreeException.class, () -> TreeFormat.read(file));
        assertTrue(e.getMessage().contains("tree.rtree"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path file = dir.resolve("cut.rtree");
        byte[] full = TreeFormat.toBytes(build(Metric.L2, 0f));
        for (int length : new int[] {full.length - 1, full.length / 2, 20, 3, 0}) {
            Files.write(file, Arrays.copyOf(full, length));
            TreeFormat.CorruptTreeException e = assertThrows(TreeFormat.CorruptTreeException.class, () -> TreeFormat.read(file),
                "length " + length);
            assertTrue(e.getMessage().contains("cut.rtree"), e.getMessage());
        }
    }

    @Test
    void otherFilesAndMissingFilesSayWhatIsWrong() throws IOException {
        Path file = dir.resolve("items.jsonl");
        Files.writeString(file, "{\"id\": \"a\", \"vector\": [1, 2, 3]}\n".repeat(10));
        TreeFormat.CorruptTreeException e = assertThrows(TreeFormat.CorruptTreeException.class, () -> TreeFormat.read(file));
        assertTrue(e.getMessage().contains("not a rimirec circle tree"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> TreeFormat.read(dir.resolve("nope.rtree")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void wrongDimensionNamesBothDimensions() {
        CircleTree tree = build(Metric.COSINE, 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tree.assign(new float[7]));
        assertTrue(e.getMessage().contains("7") && e.getMessage().contains("10"), e.getMessage());
    }
}
