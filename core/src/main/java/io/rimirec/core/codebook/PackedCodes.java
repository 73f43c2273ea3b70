package io.rimirec.core.codebook;

import java.util.Base64;
import java.util.HexFormat;

/**
 * The compact form of one item's codes, as the ingest processor stamps it on the item document (base64 in a
 * {@code binary} field) and the query reads it back. Layout version 1, big-endian:
 *
 * <pre>
 *   version      1 byte   1
 *   codebook     4 bytes  first 4 bytes of the codebook's content hash (codes of another codebook are refused)
 *   codes        L × (1 byte when every layer has at most 256 codes, else 2 bytes), unsigned
 *   magnitudes   L × 2 bytes, cosine codebooks only: IEEE half float of magnitude / magnitudeScale
 * </pre>
 *
 * Three layers of 256 codes with magnitudes take 1 + 4 + 3 + 6 = 14 bytes (20 base64 characters); a 64-d float
 * vector takes 256 bytes.
 */
public final class PackedCodes {

    public static final int VERSION = 1;
    private static final int HEADER = 5;

    private PackedCodes() {}

    /** Bytes of one item's packed codes under {@code codebook}. */
    public static int length(Codebook codebook) {
        int codeWidth = codebook.maxK() <= 256 ? 1 : 2;
        return HEADER + codebook.layers() * (codeWidth + (codebook.residual().hasMagnitudes() ? 2 : 0));
    }

    public static byte[] pack(Codebook codebook, ItemCode code) {
        if (code.codes().length != codebook.layers()) {
            throw new IllegalArgumentException("item code has " + code.codes().length + " layers but the codebook has " + codebook.layers());
        }
        byte[] out = new byte[length(codebook)];
        out[0] = VERSION;
        System.arraycopy(HexFormat.of().parseHex(codebook.contentHash(), 0, 8), 0, out, 1, 4);
        int p = HEADER;
        boolean wide = codebook.maxK() > 256;
        for (int c : code.codes()) {
            if (wide) {
                out[p++] = (byte) (c >>> 8);
            }
            out[p++] = (byte) c;
        }
        if (codebook.residual().hasMagnitudes()) {
            for (float m : code.magnitudes()) {
                short h = Float.floatToFloat16(m / codebook.magnitudeScale());
                out[p++] = (byte) (h >>> 8);
                out[p++] = (byte) h;
            }
        }
        return out;
    }

    /**
     * Reads packed codes written under {@code codebook}. Throws {@link IllegalArgumentException} saying what is wrong
     * when the bytes have another length or version, or were written by another codebook.
     */
    public static ItemCode unpack(Codebook codebook, byte[] bytes) {
        int expected = length(codebook);
        if (bytes.length != expected) {
            throw new IllegalArgumentException("packed codes have " + bytes.length + " bytes but codebook " + shortHash(codebook.contentHash())
                + " writes " + expected);
        }
        if (bytes[0] != VERSION) {
            throw new IllegalArgumentException("packed codes have layout version " + bytes[0] + ", expected " + VERSION);
        }
        String prefix = HexFormat.of().formatHex(bytes, 1, HEADER);
        if (!codebook.contentHash().startsWith(prefix)) {
            throw new IllegalArgumentException("packed codes were written by codebook " + prefix + " but the model's codebook is "
                + shortHash(codebook.contentHash()) + ": re-index the items through this model's pipeline");
        }
        int layers = codebook.layers();
        int[] codes = new int[layers];
        int p = HEADER;
        boolean wide = codebook.maxK() > 256;
        for (int l = 0; l < layers; l++) {
            int c = bytes[p++] & 0xFF;
            if (wide) {
                c = (c << 8) | (bytes[p++] & 0xFF);
            }
            if (c >= codebook.k(l)) {
                throw new IllegalArgumentException("code " + c + " at layer " + l + " is out of range: the layer has " + codebook.k(l) + " codes");
            }
            codes[l] = c;
        }
        float[] magnitudes = new float[codebook.residual().hasMagnitudes() ? layers : 0];
        for (int l = 0; l < magnitudes.length; l++) {
            short h = (short) (((bytes[p] & 0xFF) << 8) | (bytes[p + 1] & 0xFF));
            p += 2;
            magnitudes[l] = Float.float16ToFloat(h) * codebook.magnitudeScale();
        }
        return new ItemCode(codes, magnitudes);
    }

    /**
     * The vector a reader of this item's stamped codes gets back: encode, pack (magnitudes to float16), unpack, decode.
     * What a model trained on codebook reconstructions must read in training to see exactly what serving reads.
     */
    public static float[] storedReconstruction(Codebook codebook, float[] vector) {
        return codebook.decode(unpack(codebook, pack(codebook, codebook.encode(vector))));
    }

    public static String toBase64(byte[] packed) {
        return Base64.getEncoder().encodeToString(packed);
    }

    /** Decodes base64 text (as a {@code binary} field holds it); a malformed string is an {@link IllegalArgumentException}. */
    public static byte[] fromBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("packed codes are not valid base64: " + e.getMessage());
        }
    }

    private static String shortHash(String hash) {
        return hash.substring(0, 8);
    }
}
