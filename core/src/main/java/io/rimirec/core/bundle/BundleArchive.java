package io.rimirec.core.bundle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A model bundle on the wire: a zip of the bundle directory with {@code manifest.json} listing every other file's
 * SHA-256 and size. {@link #pack} writes one; {@link #unpack} checks one completely (no path escapes the target,
 * every listed file present with the right hash and size, nothing unlisted, a size limit) before any caller uses it.
 */
public final class BundleArchive {

    private BundleArchive() {}

    /** A bundle that cannot be used; the message says which file or field and what is wrong. */
    public static final class InvalidBundleException extends IOException {
        public InvalidBundleException(String message) {
            super(message);
        }

        public InvalidBundleException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Zips {@code dir}: every regular file under it except {@code manifest.json}, plus a manifest built from
     * {@code manifest} with the file list filled in. Entries are written in sorted order with fixed timestamps,
     * so the same content gives the same bytes.
     */
    public static byte[] pack(Path dir, BundleManifest manifest) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.filter(Files::isRegularFile).sorted().toList();
        }
        List<BundleManifest.FileEntry> entries = new ArrayList<>();
        for (Path p : paths) {
            String rel = relative(dir, p);
            if (rel.equals(BundleManifest.FILE_NAME)) {
                continue;
            }
            entries.add(new BundleManifest.FileEntry(rel, sha256(Files.readAllBytes(p)), Files.size(p)));
        }
        BundleManifest full = manifest.withFiles(entries);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, BundleManifest.FILE_NAME, full.toJson());
            for (BundleManifest.FileEntry e : entries) {
                put(zip, e.path(), Files.readAllBytes(dir.resolve(e.path())));
            }
        }
        return bytes.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0L);
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    /** Reads only the manifest of a zipped bundle (no file checks). */
    public static BundleManifest readManifest(byte[] zipBytes) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zipBytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().equals(BundleManifest.FILE_NAME)) {
                    return BundleManifest.parse(zip.readAllBytes());
                }
            }
        } catch (ZipException e) {
            throw new InvalidBundleException("the bundle is not a valid zip archive: " + e.getMessage(), e);
        }
        throw new InvalidBundleException("the bundle has no " + BundleManifest.FILE_NAME);
    }

    /**
     * Extracts a zipped bundle into {@code target} (which must not exist yet or be empty) and verifies it.
     *
     * @param maxBytes the largest total uncompressed size accepted (guards against zip bombs)
     */
    public static BundleManifest unpack(byte[] zipBytes, Path target, long maxBytes) throws IOException {
        Files.createDirectories(target);
        Path root = target.toRealPath();
        Map<String, String> actualHash = new HashMap<>();
        Map<String, Long> actualSize = new HashMap<>();
        byte[] manifestBytes = null;
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zipBytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                Path out = root.resolve(name).normalize();
                if (!out.startsWith(root) || name.startsWith("/") || name.contains("\\")) {
                    throw new InvalidBundleException("bundle entry [" + name + "] points outside the bundle");
                }
                if (actualHash.containsKey(name) || (manifestBytes != null && name.equals(BundleManifest.FILE_NAME))) {
                    throw new InvalidBundleException("bundle entry [" + name + "] appears twice");
                }
                Files.createDirectories(out.getParent());
                MessageDigest md = sha256Digest();
                long written = 0;
                try (InputStream in = new DigestInputStream(zip, md) {
                        @Override
                        public void close() {
                            // ZipInputStream must stay open for the next entry
                        }
                    }; OutputStream os = Files.newOutputStream(out)) {
                    byte[] buf = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        written += n;
                        total += n;
                        if (total > maxBytes) {
                            throw new InvalidBundleException("the bundle unpacks to more than " + maxBytes + " bytes (the configured limit)");
                        }
                        os.write(buf, 0, n);
                    }
                }
                if (name.equals(BundleManifest.FILE_NAME)) {
                    manifestBytes = Files.readAllBytes(out);
                } else {
                    actualHash.put(name, HexFormat.of().formatHex(md.digest()));
                    actualSize.put(name, written);
                }
            }
        } catch (ZipException e) {
            throw new InvalidBundleException("the bundle is not a valid zip archive: " + e.getMessage(), e);
        }
        if (manifestBytes == null) {
            throw new InvalidBundleException("the bundle has no " + BundleManifest.FILE_NAME + " at its root");
        }
        BundleManifest manifest;
        try {
            manifest = BundleManifest.parse(manifestBytes);
        } catch (IOException e) {
            throw new InvalidBundleException(e.getMessage(), e);
        }
        Map<String, String> unlisted = new HashMap<>(actualHash);
        for (BundleManifest.FileEntry f : manifest.files()) {
            String hash = actualHash.get(f.path());
            if (hash == null) {
                throw new InvalidBundleException("file [" + f.path() + "] is listed in " + BundleManifest.FILE_NAME + " but missing from the bundle");
            }
            if (actualSize.get(f.path()) != f.size()) {
                throw new InvalidBundleException(
                    "file [" + f.path() + "] has " + actualSize.get(f.path()) + " bytes but " + BundleManifest.FILE_NAME + " says " + f.size()
                );
            }
            if (!hash.equals(f.sha256())) {
                throw new InvalidBundleException("file [" + f.path() + "] is corrupt: its SHA-256 does not match " + BundleManifest.FILE_NAME);
            }
            unlisted.remove(f.path());
        }
        if (!unlisted.isEmpty()) {
            throw new InvalidBundleException("files " + new java.util.TreeSet<>(unlisted.keySet()) + " are in the bundle but not listed in " + BundleManifest.FILE_NAME);
        }
        for (Map.Entry<String, String> part : manifest.parts().entrySet()) {
            String p = part.getValue();
            boolean present = manifest.files().stream().anyMatch(f -> f.path().equals(p) || f.path().startsWith(p.endsWith("/") ? p : p + "/"));
            if (!present) {
                throw new InvalidBundleException("part [" + part.getKey() + "] points to [" + p + "], which is not in the bundle");
            }
        }
        return manifest;
    }

    /** SHA-256 (hex) of arbitrary bytes: the store's content hash of an uploaded bundle. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
