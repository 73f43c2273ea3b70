package io.rimirec.core.bundle;

import io.rimirec.core.bundle.BundleArchive.InvalidBundleException;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.core.vector.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleArchiveTest {

    @TempDir
    Path tmp;

    static CircleTree tree(int dim) {
        CircleTree.Builder b = CircleTree.builder(Metric.COSINE, dim).branching(2).leafCapacity(1);
        float[] a = new float[dim];
        float[] c = new float[dim];
        a[0] = 1;
        c[dim - 1] = 1;
        int root = b.root(new float[dim], 2);
        b.child(root, a, 0, 1);
        b.child(root, c, 0, 1);
        return b.build();
    }

    static BundleManifest manifest(CircleTree t, Map<String, String> parts) {
        return new BundleManifest("demo", "a test model", "2026-11-23T00:00:00Z", "test", t.dimension(), t.metric(),
            BundleManifest.Fields.DEFAULT, t.contentHash(), parts, java.util.List.of());
    }

    private Path bundleDir(CircleTree t) throws IOException {
        Path dir = treeOnlyDir(t);
        Files.createDirectories(dir.resolve("generator"));
        Files.writeString(dir.resolve("generator/generator.json"), "{}");
        return dir;
    }

    private Path treeOnlyDir(CircleTree t) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("src"));
        TreeFormat.write(t, dir.resolve("tree.rtree"));
        return dir;
    }

    @Test
    void theTreeStampFieldIsWrittenAndAManifestWithoutItGetsTheDefault() throws IOException {
        CircleTree t = tree(4);
        BundleManifest m = new BundleManifest("demo", "", "", "", 4, Metric.COSINE,
            new BundleManifest.Fields("v", "c", "l", "stamps.tree"), t.contentHash(), Map.of("tree", "tree.rtree"), java.util.List.of());
        assertEquals("stamps.tree", BundleManifest.parse(m.toJson()).fields().tree());
        String older = new String(manifest(t, Map.of("tree", "tree.rtree")).toJson(), java.nio.charset.StandardCharsets.UTF_8)
            .replaceAll(",\\s*\"tree\"\\s*:\\s*\"circle_tree\"", "");
        assertTrue(!older.contains("circle_tree"), older);
        assertEquals("circle_tree", BundleManifest.parse(older.getBytes(java.nio.charset.StandardCharsets.UTF_8)).fields().tree(),
            "bundles packed before the field existed");
        assertEquals(t.contentHash().substring(0, 16), t.stamp());
    }

    @Test
    void servingDefaultsRoundTripAndAreChecked() throws IOException {
        CircleTree t = tree(4);
        BundleManifest.Serving serving = new BundleManifest.Serving("circles", 2, false);
        BundleManifest m = new BundleManifest("demo", "", "", "", 4, Metric.COSINE, BundleManifest.Fields.DEFAULT, t.contentHash(),
            Map.of("tree", "tree.rtree"), java.util.List.of(), serving);
        assertEquals(serving, BundleManifest.parse(m.toJson()).serving());
        BundleManifest none = manifest(t, Map.of("tree", "tree.rtree"));
        assertEquals(BundleManifest.Serving.NONE, BundleManifest.parse(none.toJson()).serving(), "bundles without defaults");
        assertTrue(!new String(none.toJson(), java.nio.charset.StandardCharsets.UTF_8).contains("serving"));
        IllegalArgumentException noInterestModel = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new BundleManifest("demo", "", "", "", 4, Metric.COSINE, BundleManifest.Fields.DEFAULT, t.contentHash(),
                Map.of("tree", "tree.rtree"), java.util.List.of(), new BundleManifest.Serving("hymirec", null, null)));
        assertTrue(noInterestModel.getMessage().contains("no [interest_model] part"), noInterestModel.getMessage());
        String bad = new String(m.toJson(), java.nio.charset.StandardCharsets.UTF_8).replace("\"beams\" : 2", "\"beams\" : 0")
            .replace("\"beams\":2", "\"beams\":0");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
            () -> BundleManifest.parse(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("serving.beams must be in [1, 64], got 0"), e.getMessage());
    }

    @Test
    void packUnpackOpenRoundTripIsDeterministic() throws IOException {
        CircleTree t = tree(4);
        Path dir = bundleDir(t);
        BundleManifest m = manifest(t, Map.of("tree", "tree.rtree", "generator", "generator"));
        byte[] zip = BundleArchive.pack(dir, m);
        assertArrayEquals(zip, BundleArchive.pack(dir, m), "same content, same bytes");

        ModelBundle bundle = BundleArchive.read(zip, 1 << 20);
        BundleManifest read = bundle.manifest();
        assertEquals(2, read.files().size());
        assertEquals("demo", read.name());
        assertEquals(t.contentHash(), bundle.tree().contentHash());
        assertEquals(java.util.Set.of("generator.json"), bundle.partFiles("generator").keySet());
        assertEquals(BundleArchive.readManifest(zip), read);

        // Extracted and read back from a directory, it is the same bundle.
        BundleArchive.extract(bundle, tmp.resolve("out"));
        ModelBundle again = ModelBundle.fromDirectory(tmp.resolve("out"));
        assertEquals(read, again.manifest());
        assertEquals(bundle.sizeInBytes(), again.sizeInBytes());
    }

    @Test
    void corruptionAndTamperingAreCaughtWithPreciseMessages() throws IOException {
        CircleTree t = tree(4);
        Path dir = treeOnlyDir(t);
        BundleManifest m = manifest(t, Map.of("tree", "tree.rtree"));
        byte[] good = BundleArchive.pack(dir, m);
        String manifestJson = new String(BundleArchive.readManifest(good).toJson(), StandardCharsets.UTF_8);
        byte[] treeBytes = Files.readAllBytes(dir.resolve("tree.rtree"));

        // Not a zip at all.
        InvalidBundleException e = assertThrows(InvalidBundleException.class,
            () -> BundleArchive.read("hello".getBytes(StandardCharsets.UTF_8), 1 << 20));
        assertTrue(e.getMessage().contains("no manifest.json"), e.getMessage());

        // A file whose content differs from the manifest's hash.
        byte[] flipped = treeBytes.clone();
        flipped[20] ^= 1;
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(
            zip(Map.of("manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8), "tree.rtree", flipped)), 1 << 20));
        assertTrue(e.getMessage().contains("file [tree.rtree] is corrupt"), e.getMessage());

        // A listed file missing, and an unlisted extra file.
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(
            zip(Map.of("manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8))), 1 << 20));
        assertTrue(e.getMessage().contains("[tree.rtree] is listed in manifest.json but missing"), e.getMessage());
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(
            zip(Map.of("manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8), "tree.rtree", treeBytes, "x.bin", new byte[3])), 1 << 20));
        assertTrue(e.getMessage().contains("[x.bin] are in the bundle but not listed"), e.getMessage());

        // Path traversal.
        e = assertThrows(InvalidBundleException.class,
            () -> BundleArchive.read(zip(Map.of("../evil", new byte[1])), 1 << 20));
        assertTrue(e.getMessage().contains("points outside the bundle"), e.getMessage());

        // Size limit.
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(good, 100));
        assertTrue(e.getMessage().contains("larger than 100 bytes unpacked"), e.getMessage());

        // A manifest field of the wrong type names the field.
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(
            zip(Map.of("manifest.json", manifestJson.replace("\"dimension\" : 4", "\"dimension\" : \"four\"").getBytes(StandardCharsets.UTF_8))), 1 << 20));
        assertTrue(e.getMessage().contains("field [dimension] must be an integer"), e.getMessage());
    }

    @Test
    void aZipBombIsRefusedAfterReadingNoMoreThanTheManifestPromisedOrTheLimit() throws IOException {
        CircleTree t = tree(4);
        byte[] good = BundleArchive.pack(bundleDir(t), manifest(t, Map.of("tree", "tree.rtree", "generator", "generator")));
        String manifestJson = new String(BundleArchive.readManifest(good).toJson(), StandardCharsets.UTF_8);
        byte[] treeBytes = Files.readAllBytes(tmp.resolve("src/tree.rtree"));
        byte[] bomb = new byte[64 << 20]; // 64 MB of zeros: a zip of about 64 KB
        // The manifest (first) lists tree.rtree with its real size: the 64 MB entry stops right after it.
        byte[] listedSmall = zip(Map.of("manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8), "tree.rtree", bomb));
        assertTrue(listedSmall.length < 1 << 20, "a small upload: " + listedSmall.length);
        InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(listedSmall, 1L << 40));
        assertTrue(e.getMessage().contains("file [tree.rtree] has more than " + treeBytes.length + " bytes but manifest.json says"),
            e.getMessage());
        // A manifest that promises more than the limit is refused before any file is read.
        String promising = manifestJson.replace("\"size\" : " + treeBytes.length, "\"size\" : " + (1L << 30));
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(
            zip(Map.of("manifest.json", promising.getBytes(StandardCharsets.UTF_8), "tree.rtree", bomb)), 1 << 20, "max_bundle_size"));
        assertTrue(e.getMessage().contains("larger than 1048576 bytes unpacked (max_bundle_size): manifest.json lists files of"), e.getMessage());
        // Without a limit (the CLI verifies its own packs), a size beyond one Java array is refused, not overflowed.
        String unbounded = manifestJson.replace("\"size\" : " + treeBytes.length, "\"size\" : " + (3L << 30));
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(
            zip(Map.of("manifest.json", unbounded.getBytes(StandardCharsets.UTF_8), "tree.rtree", treeBytes)), Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("lists [tree.rtree] with 3221225472 bytes: a bundle file holds 0 to"), e.getMessage());
        // Without a manifest first, the limit alone stops it.
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(zip(Map.of("a.bin", bomb)), 1 << 20));
        assertTrue(e.getMessage().contains("larger than 1048576 bytes unpacked"), e.getMessage());
    }

    @Test
    void partsThatDisagreeAreRejectedWhenOpened() throws IOException {
        CircleTree t = tree(4);
        Path dir = bundleDir(t);
        CircleTree other = tree(4).equals(t) ? t : tree(3);
        // Manifest claims dimension 3 and another tree hash.
        BundleManifest lying = new BundleManifest("x", "", "", "", 3, Metric.COSINE, BundleManifest.Fields.DEFAULT,
            other.contentHash(), Map.of("tree", "tree.rtree"), java.util.List.of());
        InvalidBundleException e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(BundleArchive.pack(dir, lying), 1 << 20));
        assertTrue(e.getMessage().contains("tree_hash"), e.getMessage());

        // A part that points at nothing.
        e = assertThrows(InvalidBundleException.class, () -> BundleArchive.read(
            BundleArchive.pack(dir, manifest(t, Map.of("tree", "tree.rtree", "user_tower", "user_tower"))), 1 << 20));
        assertTrue(e.getMessage().contains("part [user_tower] points to [user_tower], which is not in the bundle"), e.getMessage());
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
