package io.rimirec.core.codebook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodebookFormatTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsCodesHashAndInfo() throws IOException {
        for (CodebookTrainer.Trained t : new CodebookTrainer.Trained[] {CodebookTest.COSINE, CodebookTest.EUCLIDEAN}) {
            Codebook cb = t.codebook();
            Path file = dir.resolve(cb.residual().id() + CodebookFormat.FILE_EXTENSION);
            CodebookFormat.write(cb, file);
            Codebook back = CodebookFormat.read(file);
            assertEquals(cb.contentHash(), back.contentHash());
            assertEquals(cb.residual(), back.residual());
            assertEquals(cb.layers(), back.layers());
            assertEquals(cb.magnitudeScale(), back.magnitudeScale());
            assertEquals(cb.info(), back.info());
            for (int i = 0; i < CodebookTest.DATA.length; i += 13) {
                ItemCode a = cb.encode(CodebookTest.DATA[i]);
                ItemCode b = back.encode(CodebookTest.DATA[i]);
                assertArrayEquals(a.codes(), b.codes());
                assertArrayEquals(cb.decode(a), back.decode(b));
            }
        }
    }

    @Test
    void corruptFilesAreRejectedWithTheFileNamed() throws IOException {
        byte[] good = CodebookFormat.toBytes(CodebookTest.COSINE.codebook());

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        Path f = dir.resolve("flipped.rcodebook");
        Files.write(f, flipped);
        CodebookFormat.CorruptCodebookException e = assertThrows(CodebookFormat.CorruptCodebookException.class, () -> CodebookFormat.read(f));
        assertEquals("codebook file [" + f + "]: checksum mismatch: the file is truncated or corrupt", e.getMessage());

        e = assertThrows(CodebookFormat.CorruptCodebookException.class, () -> CodebookFormat.read(Arrays.copyOf(good, good.length - 100)));
        assertEquals("checksum mismatch: the file is truncated or corrupt", e.getMessage());

        e = assertThrows(CodebookFormat.CorruptCodebookException.class, () -> CodebookFormat.read("RIMITREE-not-a-codebook-at-all-padding-padding".getBytes()));
        assertEquals("not a rimirec codebook (missing RIMICODE header)", e.getMessage());

        IOException missing = assertThrows(IOException.class, () -> CodebookFormat.read(dir.resolve("nope.rcodebook")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void packedCodesRoundTripAndRefuseAnotherCodebook() {
        Codebook cb = CodebookTest.COSINE.codebook();
        assertEquals(1 + 4 + 4 * (1 + 2), PackedCodes.length(cb));
        float worst = 1;
        for (float[] v : CodebookTest.DATA) {
            ItemCode code = cb.encode(v);
            byte[] packed = PackedCodes.pack(cb, code);
            ItemCode back = PackedCodes.unpack(cb, PackedCodes.fromBase64(PackedCodes.toBase64(packed)));
            assertArrayEquals(code.codes(), back.codes());
            // Half-float magnitudes: the stored reconstruction is the exact one up to rounding.
            worst = Math.min(worst, io.rimirec.core.vector.Vectors.cosine(cb.decode(code), cb.decode(back)));
        }
        assertTrue(worst > 0.9999f, "worst cosine between exact and packed reconstruction " + worst);

        Codebook euclidean = CodebookTest.EUCLIDEAN.codebook();
        assertEquals(1 + 4 + 4, PackedCodes.length(euclidean));
        byte[] fromEuclidean = PackedCodes.pack(euclidean, euclidean.encode(CodebookTest.DATA[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PackedCodes.unpack(cb, fromEuclidean));
        assertEquals("packed codes have 9 bytes but codebook " + cb.contentHash().substring(0, 8) + " writes 17", e.getMessage());

        Codebook other = new CodebookTrainer(CodebookTest.options(Residual.COSINE).withSeed(99)).train(CodebookTest.DATA, null).codebook();
        byte[] fromOther = PackedCodes.pack(other, other.encode(CodebookTest.DATA[0]));
        e = assertThrows(IllegalArgumentException.class, () -> PackedCodes.unpack(cb, fromOther));
        assertEquals("packed codes were written by codebook " + other.contentHash().substring(0, 8) + " but the model's codebook is "
            + cb.contentHash().substring(0, 8) + ": re-index the items through this model's pipeline", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> PackedCodes.fromBase64("not base64!"));
        assertTrue(e.getMessage().startsWith("packed codes are not valid base64"), e.getMessage());
    }
}
