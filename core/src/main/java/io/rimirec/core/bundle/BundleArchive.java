package io.rimirec.core.bundle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * SHA-256 and size. {@link #pack} writes one; {@link #read} checks one completely before any caller uses it.
 */
public final class BundleArchive {

    /** The largest file a bundle can hold: one Java array (whatever limit the caller sets). */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

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
     * Reads a zipped bundle into memory and verifies it completely: a manifest at the root, every listed file
     * present with the right size and SHA-256, nothing unlisted, no path escaping the bundle, every part present,
     * and the parts consistent with each other ({@link ModelBundle}).
     *
     * @param maxBytes the largest total uncompressed size accepted (guards against zip bombs)
     */
    public static ModelBundle read(byte[] zipBytes, long maxBytes) throws IOException {
        return read(zipBytes, maxBytes, "the limit");
    }

    /**
     * As {@link #read(byte[], long)}; {@code limitName} says in errors where {@code maxBytes} comes from (a setting).
     *
     * <p>Memory stays within {@code maxBytes} plus the zip: when the manifest comes first (as {@link #pack} writes it),
     * its sizes are checked against the limit before any file is read, and each file is read into an array of exactly
     * its listed size, refused the moment it holds more. A zip of 255 KB that unpacks to one 250 MB entry is refused
     * after reading at most what the manifest promised.
     */
    public static ModelBundle read(byte[] zipBytes, long maxBytes, String limitName) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] manifestBytes = null;
        BundleManifest manifest = null; // parsed when it is the first entry
        Map<String, Long> listed = null; // file -> size, once the manifest has been read first
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zipBytes))) {
            ZipEntry e;
            boolean first = true;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = checkEntryName(e.getName());
                if (files.containsKey(name) || (manifestBytes != null && name.equals(BundleManifest.FILE_NAME))) {
                    throw new InvalidBundleException("bundle entry [" + name + "] appears twice");
                }
                long room = maxBytes - total;
                if (e.getSize() > room) {
                    throw tooLarge(maxBytes, limitName, "entry [" + name + "] alone unpacks to " + e.getSize() + " bytes");
                }
                byte[] content;
                Long size = listed == null ? null : listed.get(name);
                if (size != null) {
                    content = readExactly(zip, name, size);
                } else { // no manifest yet, or a file it does not list (refused by ModelBundle.of, after the size check)
                    content = readBounded(zip, room, maxBytes, limitName);
                }
                total += content.length;
                if (name.equals(BundleManifest.FILE_NAME)) {
                    manifestBytes = content;
                    if (first) {
                        manifest = ModelBundle.parseManifest(content);
                        listed = listedSizes(manifest, maxBytes - total, maxBytes, limitName);
                    }
                } else {
                    files.put(name, content);
                }
                first = false;
            }
        } catch (ZipException e) {
            throw new InvalidBundleException("the bundle is not a valid zip archive: " + e.getMessage(), e);
        }
        if (manifestBytes == null) {
            throw new InvalidBundleException("the bundle has no " + BundleManifest.FILE_NAME + " at its root (is it a rimirec bundle zip?)");
        }
        return manifest != null ? ModelBundle.of(manifest, files) : ModelBundle.of(manifestBytes, files);
    }

    private static InvalidBundleException tooLarge(long maxBytes, String limitName, String what) {
        return new InvalidBundleException("the bundle is larger than " + maxBytes + " bytes unpacked (" + limitName + "): " + what);
    }

    /** The manifest's file sizes, refused up front when they add up to more than {@code room}. */
    private static Map<String, Long> listedSizes(BundleManifest manifest, long room, long maxBytes, String limitName)
        throws InvalidBundleException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        long sum = 0;
        for (BundleManifest.FileEntry f : manifest.files()) {
            if (f.size() < 0 || f.size() > MAX_FILE_BYTES) {
                throw new InvalidBundleException(BundleManifest.FILE_NAME + " lists [" + f.path() + "] with " + f.size()
                    + " bytes: a bundle file holds 0 to " + MAX_FILE_BYTES);
            }
            sizes.put(f.path(), f.size());
            sum += f.size();
            if (sum > room) {
                throw tooLarge(maxBytes, limitName, BundleManifest.FILE_NAME + " lists files of " + sum + "+ bytes");
            }
        }
        return sizes;
    }

    /** An entry the manifest lists with {@code size} bytes: read into an array of that size, refused if it holds more or less. */
    private static byte[] readExactly(ZipInputStream zip, String name, long size) throws IOException {
        byte[] content = new byte[(int) size];
        int read = zip.readNBytes(content, 0, content.length);
        if (read < size || zip.read() != -1) {
            throw new InvalidBundleException("file [" + name + "] has " + (read < size ? read : "more than " + size)
                + " bytes but " + BundleManifest.FILE_NAME + " says " + size);
        }
        return content;
    }

    /** An entry of unknown size (no manifest read yet): at most {@code room} bytes. */
    private static byte[] readBounded(ZipInputStream zip, long room, long maxBytes, String limitName) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        int r;
        while ((r = zip.read(buf)) > 0) {
            n += r;
            if (n > room) {
                throw tooLarge(maxBytes, limitName, "its entries unpack to more");
            }
            content.write(buf, 0, r);
        }
        return content.toByteArray();
    }

    /** Writes a verified bundle's files (and manifest) into {@code dir}, e.g. to inspect or repack it. */
    public static void extract(ModelBundle bundle, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(BundleManifest.FILE_NAME), bundle.manifest().toJson());
        for (Map.Entry<String, byte[]> f : bundle.files().entrySet()) {
            Path out = dir.resolve(f.getKey());
            Files.createDirectories(out.getParent());
            Files.write(out, f.getValue());
        }
    }

    private static String checkEntryName(String name) throws InvalidBundleException {
        boolean bad = name.startsWith("/") || name.contains("\\") || name.contains(":");
        for (String segment : name.split("/")) {
            bad |= segment.equals("..") || segment.equals(".");
        }
        if (bad) {
            throw new InvalidBundleException("bundle entry [" + name + "] points outside the bundle");
        }
        return name;
    }

    /** SHA-256 (hex) of arbitrary bytes: the store's content hash of an uploaded bundle. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    static MessageDigest sha256Digest() {
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
