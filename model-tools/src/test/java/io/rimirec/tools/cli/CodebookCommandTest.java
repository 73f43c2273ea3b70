package io.rimirec.tools.cli;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.codebook.Residual;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rimirec.tools.cli.TreeCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodebookCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainReportsBothResidualsThenPackCarriesTheCodebook() throws IOException {
        Path items = dir.resolve("items.jsonl");
        assertEquals(0, run("data", "synthetic", "--items", "1500", "--dim", "16", "--topics", "4", "--subtopics", "3", "--seed", "5",
            "--output", items.toString()).code());
        Path file = dir.resolve("cb.rcodebook");
        TreeCommandsTest.Run r = run("codebook", "train", "--input", items.toString(), "--output", file.toString(), "--layers", "3",
            "--k", "16", "--compare", "--recall-queries", "200", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cosine residual codebook"), r.out());
        assertTrue(r.out().contains("euclidean residual codebook"), r.out());
        assertTrue(r.out().contains("14 bytes per item packed (a float vector: 64 bytes)"), r.out());
        // The mean cosine printed for depth 1..3 rises.
        Matcher m = Pattern.compile("\\n\\s+(\\d)\\s+([0-9.]+)\\s+([0-9.]+)").matcher(r.out());
        double previous = -1;
        for (int depth = 1; depth <= 3; depth++) {
            assertTrue(m.find(), r.out());
            assertEquals(depth, Integer.parseInt(m.group(1)));
            double cos = Double.parseDouble(m.group(2));
            assertTrue(cos > previous, r.out());
            previous = cos;
        }
        Codebook cb = CodebookFormat.read(file);
        assertEquals(Residual.COSINE, cb.residual());
        assertEquals(3, cb.layers());

        Path tree = dir.resolve("t.rtree");
        assertEquals(0, run("tree", "build", "--input", items.toString(), "--output", tree.toString(), "--k", "4", "--c", "200",
            "--summary-sample", "0", "--no-progress").code());
        Path bundle = dir.resolve("b.zip");
        r = run("model", "pack", "--tree", tree.toString(), "--codebook", file.toString(), "--output", bundle.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("codebook"), r.out());
        ModelBundle b = BundleArchive.read(Files.readAllBytes(bundle), Long.MAX_VALUE);
        assertEquals(cb.contentHash(), b.codebook().contentHash());

        // A codebook of another dimension does not pack.
        Path other = dir.resolve("other.jsonl");
        assertEquals(0, run("data", "synthetic", "--items", "300", "--dim", "8", "--seed", "5", "--output", other.toString()).code());
        Path otherCb = dir.resolve("other.rcodebook");
        assertEquals(0, run("codebook", "train", "--input", other.toString(), "--output", otherCb.toString(), "--layers", "1", "--k", "4",
            "--recall-queries", "0").code());
        r = run("model", "pack", "--tree", tree.toString(), "--codebook", otherCb.toString(), "--output", dir.resolve("bad.zip").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("manifest.json says dimension 16 but the codebook has dimension 8"), r.err());

        r = run("codebook", "train", "--input", items.toString(), "--residual", "manhattan");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown residual [manhattan]: expected cosine or euclidean"), r.err());
    }
}
