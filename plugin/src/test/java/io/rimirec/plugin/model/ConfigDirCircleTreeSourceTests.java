package io.rimirec.plugin.model;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;
import io.rimirec.plugin.TestTrees;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicLong;

class ConfigDirCircleTreeSourceTests {

    @TempDir
    Path tmp;

    @Test
    void testLoadsCachesAndReloadsChangedFiles() throws Exception {
        Path config = tmp;
        Path file = TestTrees.writeModel(config, "m", TestTrees.twoLevel());
        AtomicLong clock = new AtomicLong();
        ConfigDirCircleTreeSource source = new ConfigDirCircleTreeSource(config, clock::get);

        CircleTree first = source.tree("m");
        assertEquals(5, first.nodeCount());
        assertSame(first, source.tree("m"), "cached within the recheck interval");

        CircleTree.Builder b = CircleTree.builder(Metric.L2, 2).branching(2).leafCapacity(1);
        int root = b.root(new float[] {0, 0}, 2);
        b.child(root, new float[] {1, 1}, 0, 1);
        b.child(root, new float[] {-1, -1}, 0, 1);
        TestTrees.writeModel(config, "m", b.build());
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));

        assertSame(first, source.tree("m"), "not rechecked before the interval passes");
        clock.addAndGet(ConfigDirCircleTreeSource.RECHECK_NANOS);
        CircleTree second = source.tree("m");
        assertEquals(3, second.nodeCount());
        assertNotEquals(first.contentHash(), second.contentHash());
    }

    @Test
    void testUnknownModelAndCorruptFile() throws Exception {
        Path config = tmp;
        ConfigDirCircleTreeSource source = new ConfigDirCircleTreeSource(config);
        UnknownModelException unknown = assertThrows(UnknownModelException.class, () -> source.tree("absent"));
        assertTrue(unknown.getMessage().contains("unknown model [absent]"), unknown.getMessage());

        Path file = TestTrees.writeModel(config, "bad", TestTrees.twoLevel());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(file, bytes);
        IllegalStateException corrupt = assertThrows(IllegalStateException.class, () -> source.tree("bad"));
        assertTrue(corrupt.getMessage().contains("checksum mismatch"), corrupt.getMessage());
    }

    @Test
    void testModelIdsCannotEscapeTheModelsDirectory() {
        ConfigDirCircleTreeSource source = new ConfigDirCircleTreeSource(tmp);
        for (String bad : new String[] {"../x", "a/b", "", ".hidden", "a..b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source.tree(bad));
            assertTrue(e.getMessage().contains("invalid model id"), e.getMessage());
        }
    }
}
