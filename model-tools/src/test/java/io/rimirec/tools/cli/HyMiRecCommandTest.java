package io.rimirec.tools.cli;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.tools.eval.Synthetic;
import io.rimirec.tools.data.VectorJsonlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyMiRecCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainWritesABundleTheClusterAcceptsAndTheItemsToIndex() throws Exception {
        Path data = EvalCommandTest.writeSequences(dir.resolve("genres"), Synthetic.genres(120, 4, 20, 16, 5));
        Path out = dir.resolve("model");
        Object[] r = EvalCommandTest.run("hymirec", "train", "--data", data.toString(), "--out", out.toString(), "--set", "dim=16",
            "--set", "epochs=2", "--set", "perUser=2", "--set", "codebookK=8", "--set", "longLen=16", "--set", "maxLen=8");
        assertEquals(0, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("ONNX parity"), (String) r[1]);
        ModelBundle bundle = BundleArchive.read(Files.readAllBytes(out.resolve("bundle.zip")), Long.MAX_VALUE);
        assertTrue(bundle.hasPart(BundleManifest.PART_INTEREST_MODEL) && bundle.codebook() != null, bundle.manifest().parts().toString());
        assertEquals(16, bundle.manifest().dimension());
        var items = VectorJsonlReader.readAll(out.resolve("items.jsonl"));
        assertEquals(80, items.ids().size());
        assertEquals(16, items.vectors()[0].length);
        var record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("training.json").toFile());
        assertEquals(2, record.at("/settings/epochs").asInt(), record.toString());
        assertTrue(record.at("/onnx_parity_max_abs_diff").asDouble() < 1e-4, record.toString());

        Object[] bad = EvalCommandTest.run("hymirec", "train", "--data", data.toString(), "--out", out.toString(), "--set", "colour=red");
        assertEquals(1, bad[0]);
    }
}
