package io.rimirec.core.codebook;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The residual codebook file ({@code .rcodebook}), version 1, laid out like the circle tree file. Big-endian
 * throughout (java.io.DataOutput; UTF is {@code writeUTF}):
 *
 * <pre>
 *   magic           8 bytes  "RIMICODE"
 *   version         int      1
 *   residual        UTF      cosine | euclidean
 *   dimension       int
 *   balanceRatio    float    0 = plain k-means
 *   seed            long
 *   magnitudeScale  float    packed magnitudes are half floats of magnitude / magnitudeScale
 *   layers          int      L
 *   per layer:
 *     k             int
 *     per code:  size long (training items), bias float, centroid (dimension floats)
 *   infoCount       int, then infoCount × (UTF key, UTF value)   provenance, not hashed
 *   checksum        32 bytes SHA-256 of every byte before it
 * </pre>
 *
 * The content hash covers residual through the last layer; the trailing checksum catches truncation and corruption.
 */
public final class CodebookFormat {

    public static final int VERSION = 1;
    public static final String FILE_EXTENSION = ".rcodebook";
    private static final byte[] MAGIC = "RIMICODE".getBytes(StandardCharsets.US_ASCII);

    private CodebookFormat() {}

    public static void write(Codebook codebook, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(toBytes(codebook));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static byte[] toBytes(Codebook codebook) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(body);
            data.write(MAGIC);
            data.writeInt(VERSION);
            writeContent(codebook, data);
            data.writeInt(codebook.info().size());
            for (Map.Entry<String, String> e : codebook.info().entrySet()) {
                data.writeUTF(e.getKey());
                data.writeUTF(e.getValue());
            }
            data.flush();
            byte[] bytes = body.toByteArray();
            byte[] out = Arrays.copyOf(bytes, bytes.length + 32);
            System.arraycopy(sha256(bytes, bytes.length), 0, out, bytes.length, 32);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory streams do not fail
        }
    }

    public static Codebook read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("codebook file [" + file + "] does not exist");
        }
        try {
            return read(Files.readAllBytes(file));
        } catch (CorruptCodebookException e) {
            throw new CorruptCodebookException("codebook file [" + file + "]: " + e.getMessage());
        }
    }

    public static Codebook read(byte[] bytes) throws CorruptCodebookException {
        if (bytes.length < MAGIC.length + 4 + 32 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new CorruptCodebookException("not a rimirec codebook (missing RIMICODE header)");
        }
        int bodyLength = bytes.length - 32;
        if (!Arrays.equals(sha256(bytes, bodyLength), Arrays.copyOfRange(bytes, bodyLength, bytes.length))) {
            throw new CorruptCodebookException("checksum mismatch: the file is truncated or corrupt");
        }
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes, 0, bodyLength));
        try {
            data.skipNBytes(MAGIC.length);
            int version = data.readInt();
            if (version != VERSION) {
                throw new CorruptCodebookException("format version " + version + " is not supported (this build reads version " + VERSION + ")");
            }
            Residual residual = Residual.fromId(data.readUTF());
            int dimension = data.readInt();
            float balanceRatio = data.readFloat();
            long seed = data.readLong();
            float magnitudeScale = data.readFloat();
            int layers = data.readInt();
            if (dimension <= 0 || layers <= 0 || layers > CodebookOptions.MAX_LAYERS) {
                throw new CorruptCodebookException("implausible header: dimension " + dimension + ", " + layers + " layers");
            }
            float[][] centroids = new float[layers][];
            float[][] bias = new float[layers][];
            long[][] sizes = new long[layers][];
            for (int l = 0; l < layers; l++) {
                int k = data.readInt();
                if (k <= 0 || k > CodebookOptions.MAX_K || (long) k * dimension * 4 > bodyLength) {
                    throw new CorruptCodebookException("implausible layer " + l + ": " + k + " codes of dimension " + dimension);
                }
                centroids[l] = new float[k * dimension];
                bias[l] = new float[k];
                sizes[l] = new long[k];
                for (int j = 0; j < k; j++) {
                    sizes[l][j] = data.readLong();
                    bias[l][j] = data.readFloat();
                    for (int x = 0; x < dimension; x++) {
                        centroids[l][j * dimension + x] = data.readFloat();
                    }
                }
            }
            int infoCount = data.readInt();
            Map<String, String> info = new LinkedHashMap<>();
            for (int i = 0; i < infoCount; i++) {
                info.put(data.readUTF(), data.readUTF());
            }
            if (data.available() != 0) {
                throw new CorruptCodebookException(data.available() + " unexpected bytes after the codebook");
            }
            return new Codebook(residual, dimension, balanceRatio, seed, magnitudeScale, centroids, bias, sizes, info);
        } catch (EOFException e) {
            throw new CorruptCodebookException("the file ends in the middle of the codebook");
        } catch (IOException e) {
            throw new CorruptCodebookException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CorruptCodebookException(e.getMessage());
        }
    }

    /** SHA-256 hex over the fields that decide codes and decoding (not provenance). */
    static String contentHash(Codebook codebook) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writeContent(codebook, new DataOutputStream(body));
            byte[] bytes = body.toByteArray();
            return HexFormat.of().formatHex(sha256(bytes, bytes.length));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeContent(Codebook cb, DataOutputStream data) throws IOException {
        data.writeUTF(cb.residual().id());
        data.writeInt(cb.dimension());
        data.writeFloat(cb.balanceRatio());
        data.writeLong(cb.seed());
        data.writeFloat(cb.magnitudeScale());
        data.writeInt(cb.layers());
        int d = cb.dimension();
        ByteBuffer row = ByteBuffer.allocate(8 + 4 + 4 * d);
        for (int l = 0; l < cb.layers(); l++) {
            float[] c = cb.rawCentroids(l);
            float[] b = cb.rawBias(l);
            long[] s = cb.rawSizes(l);
            data.writeInt(b.length);
            for (int j = 0; j < b.length; j++) {
                row.clear();
                row.putLong(s[j]).putFloat(b[j]);
                for (int x = 0; x < d; x++) {
                    row.putFloat(c[j * d + x]);
                }
                data.write(row.array(), 0, row.position());
            }
        }
        data.flush();
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes are not a valid codebook; the message says what is wrong. */
    public static final class CorruptCodebookException extends IOException {
        public CorruptCodebookException(String message) {
            super(message);
        }
    }
}
