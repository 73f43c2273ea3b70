package io.rimirec.core.bundle;

import io.rimirec.core.bundle.BundleArchive.InvalidBundleException;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.Residual;
import io.rimirec.core.testing.TestVectors;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BundleCodebookTest {

    @TempDir
    Path tmp;

    private static Codebook codebook(int dim) {
        return new CodebookTrainer(CodebookOptions.defaults(Residual.COSINE).withLayers(2).withK(4))
            .train(TestVectors.gaussian(200, dim, 3), null).codebook();
    }

    private Path dir(CircleTree t, byte[] codebookBytes) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("b" + System.nanoTime()));
        TreeFormat.write(t, dir.resolve("tree.rtree"));
        Files.write(dir.resolve("codebook.rcodebook"), codebookBytes);
        return dir;
    }

    private static Map<String, String> parts() {
        return Map.of(BundleManifest.PART_TREE, "tree.rtree", BundleManifest.PART_CODEBOOK, "codebook.rcodebook");
    }

    @Test
    void aBundleWithACodebookOpensIt() throws IOException {
        CircleTree t = BundleArchiveTest.tree(4);
        Codebook cb = codebook(4);
        ModelBundle bundle = BundleArchive.read(BundleArchive.pack(dir(t, CodebookFormat.toBytes(cb)), BundleArchiveTest.manifest(t, parts())), 1 << 20);
        assertEquals(cb.contentHash(), bundle.codebook().contentHash());

        Path treeOnly = Files.createDirectories(tmp.resolve("tree-only"));
        TreeFormat.write(t, treeOnly.resolve("tree.rtree"));
        assertNull(BundleArchive.read(BundleArchive.pack(treeOnly, BundleArchiveTest.manifest(t, Map.of("tree", "tree.rtree"))), 1 << 20).codebook());
    }

    @Test
    void aCodebookOfAnotherDimensionOrCorruptIsRejected() throws IOException {
        CircleTree t = BundleArchiveTest.tree(4);
        InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(
            BundleArchive.pack(dir(t, CodebookFormat.toBytes(codebook(6))), BundleArchiveTest.manifest(t, parts())), 1 << 20));
        assertEquals("manifest.json says dimension 4 but the codebook has dimension 6", e.getMessage());

        byte[] corrupt = CodebookFormat.toBytes(codebook(4));
        corrupt[40] ^= 1;
        byte[] zip = BundleArchive.pack(dir(t, corrupt), BundleArchiveTest.manifest(t, parts())); // the manifest hashes the corrupt bytes
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(zip, 1 << 20));
        assertEquals("part [codebook]: checksum mismatch: the file is truncated or corrupt", e.getMessage());
    }
}
