package io.rimirec.core.bundle;

import io.rimirec.core.bundle.BundleArchive.InvalidBundleException;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A verified model bundle held in memory: its manifest, every file's bytes, and its circle tree (always loaded:
 * the ingest processor needs it). Model parts (generator, user tower) are opened from {@link #partFiles} by their
 * own loaders. Held in memory because the plugin receives bundles over REST and keeps them in a system index:
 * nothing needs to touch the node's disk.
 */
public final class ModelBundle {

    private final BundleManifest manifest;
    private final Map<String, byte[]> files;
    private final CircleTree tree;
    private final Codebook codebook;

    private ModelBundle(BundleManifest manifest, Map<String, byte[]> files, CircleTree tree, Codebook codebook) {
        this.manifest = manifest;
        this.files = files;
        this.tree = tree;
        this.codebook = codebook;
    }

    /** Verifies raw bundle content: see {@link BundleArchive#read}. */
    static ModelBundle of(byte[] manifestBytes, Map<String, byte[]> files) throws IOException {
        return of(parseManifest(manifestBytes), files);
    }

    /** The manifest of a bundle; a malformed one is an {@link InvalidBundleException}. */
    static BundleManifest parseManifest(byte[] manifestBytes) throws InvalidBundleException {
        try {
            return BundleManifest.parse(manifestBytes);
        } catch (IOException e) {
            throw new InvalidBundleException(e.getMessage(), e);
        }
    }

    /** Verifies bundle content against its parsed manifest: see {@link BundleArchive#read}. */
    static ModelBundle of(BundleManifest manifest, Map<String, byte[]> files) throws IOException {
        Map<String, byte[]> unlisted = new LinkedHashMap<>(files);
        for (BundleManifest.FileEntry f : manifest.files()) {
            byte[] content = files.get(f.path());
            if (content == null) {
                throw new InvalidBundleException("file [" + f.path() + "] is listed in " + BundleManifest.FILE_NAME + " but missing from the bundle");
            }
            if (content.length != f.size()) {
                throw new InvalidBundleException(
                    "file [" + f.path() + "] has " + content.length + " bytes but " + BundleManifest.FILE_NAME + " says " + f.size()
                );
            }
            if (!HexFormat.of().formatHex(BundleArchive.sha256Digest().digest(content)).equals(f.sha256())) {
                throw new InvalidBundleException("file [" + f.path() + "] is corrupt: its SHA-256 does not match " + BundleManifest.FILE_NAME);
            }
            unlisted.remove(f.path());
        }
        if (!unlisted.isEmpty()) {
            throw new InvalidBundleException(
                "files " + new TreeSet<>(unlisted.keySet()) + " are in the bundle but not listed in " + BundleManifest.FILE_NAME
            );
        }
        for (Map.Entry<String, String> part : manifest.parts().entrySet()) {
            String p = part.getValue();
            String dirPrefix = p.endsWith("/") ? p : p + "/";
            boolean present = files.containsKey(p) || files.keySet().stream().anyMatch(f -> f.startsWith(dirPrefix));
            if (!present) {
                throw new InvalidBundleException("part [" + part.getKey() + "] points to [" + p + "], which is not in the bundle");
            }
        }
        CircleTree tree;
        try {
            tree = TreeFormat.read(files.get(manifest.part(BundleManifest.PART_TREE)));
        } catch (IOException | RuntimeException e) {
            throw new InvalidBundleException("part [tree]: " + e.getMessage(), e);
        }
        if (!tree.contentHash().equals(manifest.treeHash())) {
            throw new InvalidBundleException(
                BundleManifest.FILE_NAME + " says tree_hash " + manifest.treeHash() + " but the tree file's content hash is " + tree.contentHash()
            );
        }
        if (tree.dimension() != manifest.dimension()) {
            throw new InvalidBundleException(
                BundleManifest.FILE_NAME + " says dimension " + manifest.dimension() + " but the tree has dimension " + tree.dimension()
            );
        }
        if (tree.metric() != manifest.metric()) {
            throw new InvalidBundleException(
                BundleManifest.FILE_NAME + " says metric " + manifest.metric().id() + " but the tree was built with " + tree.metric().id()
            );
        }
        return new ModelBundle(manifest, Collections.unmodifiableMap(files), tree, readCodebook(manifest, files));
    }

    /** The optional codebook part, loaded like the tree (small, and the ingest processor needs it per document). */
    private static Codebook readCodebook(BundleManifest manifest, Map<String, byte[]> files) throws InvalidBundleException {
        if (!manifest.hasPart(BundleManifest.PART_CODEBOOK)) {
            return null;
        }
        byte[] bytes = files.get(manifest.part(BundleManifest.PART_CODEBOOK));
        if (bytes == null) {
            throw new InvalidBundleException("part [" + BundleManifest.PART_CODEBOOK + "] must be a file (a " + CodebookFormat.FILE_EXTENSION
                + " codebook), but [" + manifest.part(BundleManifest.PART_CODEBOOK) + "] is a directory");
        }
        Codebook codebook;
        try {
            codebook = CodebookFormat.read(bytes);
        } catch (IOException e) {
            throw new InvalidBundleException("part [" + BundleManifest.PART_CODEBOOK + "]: " + e.getMessage(), e);
        }
        if (codebook.dimension() != manifest.dimension()) {
            throw new InvalidBundleException(BundleManifest.FILE_NAME + " says dimension " + manifest.dimension()
                + " but the codebook has dimension " + codebook.dimension());
        }
        return codebook;
    }

    /** Reads and verifies an unpacked bundle directory (as {@link BundleArchive#extract} or model-tools leave it). */
    public static ModelBundle fromDirectory(Path dir) throws IOException {
        Path manifestFile = dir.resolve(BundleManifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile)) {
            throw new InvalidBundleException("no " + BundleManifest.FILE_NAME + " in [" + dir + "]");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                if (!rel.equals(BundleManifest.FILE_NAME)) {
                    files.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return of(Files.readAllBytes(manifestFile), files);
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public CircleTree tree() {
        return tree;
    }

    /** The residual codebook, or null when the bundle has no [codebook] part. */
    public Codebook codebook() {
        return codebook;
    }

    /** Every file except the manifest, by path inside the bundle. */
    public Map<String, byte[]> files() {
        return files;
    }

    public boolean hasPart(String part) {
        return manifest.hasPart(part);
    }

    /** The files of a directory part, by path relative to the part's directory (sorted). */
    public Map<String, byte[]> partFiles(String part) {
        String p = manifest.part(part);
        String prefix = p.endsWith("/") ? p : p + "/";
        Map<String, byte[]> out = new TreeMap<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (f.getKey().startsWith(prefix)) {
                out.put(f.getKey().substring(prefix.length()), f.getValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Total bytes of the bundle's files (what it costs to keep it cached). */
    public long sizeInBytes() {
        long n = 0;
        for (byte[] b : files.values()) {
            n += b.length;
        }
        return n;
    }
}
