package io.rimirec.core.tree;

import io.rimirec.core.vector.Metric;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The circle tree file ({@code .rtree}), version 1. Big-endian throughout (java.io.DataOutput):
 *
 * <pre>
 *   magic          8 bytes  "RIMITREE"
 *   version        int      1
 *   metric         UTF      cosine | inner_product | l2
 *   dimension      int
 *   branching      int      k
 *   leafCapacity   int      c
 *   balanceRatio   float    0 = plain k-means
 *   seed           long
 *   nodeCount      int
 *   per node, breadth-first, root first:
 *     parent       int      -1 for the root
 *     size         long     training items under the node
 *     bias         float    added to the similarity when descending (balanced k-means)
 *     centroid     dimension floats
 *   infoCount      int, then infoCount × (UTF key, UTF value)   provenance, not hashed
 *   checksum       32 bytes SHA-256 of every byte before it
 * </pre>
 *
 * The content hash (what models record) covers metric through the last node, so provenance can change without
 * invalidating models; the trailing checksum catches truncation and corruption.
 */
public final class TreeFormat {

    public static final int VERSION = 1;
    public static final String FILE_EXTENSION = ".rtree";
    private static final byte[] MAGIC = "RIMITREE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private TreeFormat() {}

    public static void write(CircleTree tree, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            write(tree, out);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static byte[] toBytes(CircleTree tree) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(tree, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static void write(CircleTree tree, OutputStream out) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(body);
        data.write(MAGIC);
        data.writeInt(VERSION);
        writeContent(tree, data);
        data.writeInt(tree.info().size());
        for (Map.Entry<String, String> e : tree.info().entrySet()) {
            data.writeUTF(e.getKey());
            data.writeUTF(e.getValue());
        }
        data.flush();
        byte[] bytes = body.toByteArray();
        out.write(bytes);
        out.write(sha256(bytes, 0, bytes.length));
        out.flush();
    }

    public static CircleTree read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("circle tree file [" + file + "] does not exist");
        }
        try {
            return read(Files.readAllBytes(file));
        } catch (CorruptTreeException e) {
            throw new CorruptTreeException("circle tree file [" + file + "]: " + e.getMessage());
        }
    }

    public static CircleTree read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    public static CircleTree read(byte[] bytes) throws IOException {
        if (bytes.length < MAGIC.length + 4 + 32 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new CorruptTreeException("not a rimirec circle tree (missing RIMITREE header)");
        }
        int bodyLength = bytes.length - 32;
        byte[] expected = sha256(bytes, 0, bodyLength);
        if (!Arrays.equals(expected, Arrays.copyOfRange(bytes, bodyLength, bytes.length))) {
            throw new CorruptTreeException("checksum mismatch: the file is truncated or corrupt");
        }
        DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bodyLength));
        try {
            data.skipNBytes(MAGIC.length);
            int version = data.readInt();
            if (version != VERSION) {
                throw new CorruptTreeException("format version " + version + " is not supported (this build reads version " + VERSION + ")");
            }
            Metric metric = Metric.fromId(data.readUTF());
            int dimension = data.readInt();
            int branching = data.readInt();
            int leafCapacity = data.readInt();
            float balanceRatio = data.readFloat();
            long seed = data.readLong();
            int nodeCount = data.readInt();
            if (dimension <= 0 || nodeCount <= 0 || (long) nodeCount * dimension * 4 > bodyLength) {
                throw new CorruptTreeException("implausible header: dimension " + dimension + ", " + nodeCount + " nodes");
            }
            int[] parent = new int[nodeCount];
            long[] size = new long[nodeCount];
            float[] bias = new float[nodeCount];
            float[] centroids = new float[nodeCount * dimension];
            for (int i = 0; i < nodeCount; i++) {
                parent[i] = data.readInt();
                size[i] = data.readLong();
                bias[i] = data.readFloat();
                for (int d = 0; d < dimension; d++) {
                    centroids[i * dimension + d] = data.readFloat();
                }
            }
            int infoCount = data.readInt();
            Map<String, String> info = new LinkedHashMap<>();
            for (int i = 0; i < infoCount; i++) {
                info.put(data.readUTF(), data.readUTF());
            }
            if (data.available() != 0) {
                throw new CorruptTreeException(data.available() + " unexpected bytes after the tree");
            }
            CircleTree tree = CircleTree.fromFlat(metric, dimension, branching, leafCapacity, balanceRatio, seed, info, parent, size, bias, centroids);
            tree.validate();
            return tree;
        } catch (EOFException e) {
            throw new CorruptTreeException("the file ends in the middle of the tree");
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CorruptTreeException(e.getMessage());
        }
    }

    /** SHA-256 hex over the fields that decide assignments (not provenance). */
    static String contentHash(CircleTree tree) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            writeContent(tree, new DataOutputStream(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] bytes = body.toByteArray();
        return HexFormat.of().formatHex(sha256(bytes, 0, bytes.length));
    }

    private static void writeContent(CircleTree tree, DataOutputStream data) throws IOException {
        data.writeUTF(tree.metric().id());
        data.writeInt(tree.dimension());
        data.writeInt(tree.branching());
        data.writeInt(tree.leafCapacity());
        data.writeFloat(tree.balanceRatio());
        data.writeLong(tree.seed());
        int n = tree.nodeCount();
        int dim = tree.dimension();
        data.writeInt(n);
        int[] parent = tree.rawParent();
        long[] size = tree.rawSize();
        float[] bias = tree.rawBias();
        float[] centroids = tree.rawCentroids();
        ByteBuffer row = ByteBuffer.allocate(4 + 8 + 4 + 4 * dim).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < n; i++) {
            row.clear();
            row.putInt(parent[i]).putLong(size[i]).putFloat(bias[i]);
            for (int d = 0; d < dim; d++) {
                row.putFloat(centroids[i * dim + d]);
            }
            data.write(row.array(), 0, row.position());
        }
        data.flush();
    }

    private static byte[] sha256(byte[] bytes, int offset, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, offset, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes are not a valid tree; the message says what is wrong. */
    public static final class CorruptTreeException extends IOException {
        public CorruptTreeException(String message) {
            super(message);
        }
    }
}
