package io.rimirec.core.generate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorManifestTest {

    @TempDir
    Path tmp;

    private static final String GOOD = """
        {"format": "rimirec-generator", "format_version": 1,
         "files": {"encoder": "encoder.onnx", "decoder": "decoder.onnx"},
         "tree": {"content_hash": "abc"},
         "vocabulary": {"pad": 0, "bos": 1, "eos": 2, "first_circle": 3, "levels": 3, "fan_out": 4},
         "features": {"vector_dimension": 16, "max_history": 200, "recent_history": 50},
         "search": {"length_policy": "alpha=0.5,bonus=0.0"}}
        """;

    private Path write(String json) throws IOException {
        Path f = tmp.resolve("generator.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsWhatServingNeeds() throws IOException {
        GeneratorManifest m = GeneratorManifest.read(write(GOOD));
        assertEquals("abc", m.treeHash());
        assertEquals(15, m.vocabulary().size());
        assertEquals(new HistoryWindow(200, 50), m.window());
        assertEquals(new LengthPolicy(0.5, 0), m.lengthPolicy());
    }

    @Test
    void namesTheFileAndTheField() throws IOException {
        Path f = write(GOOD.replace("\"max_history\": 200, ", ""));
        IOException e = assertThrows(IOException.class, () -> GeneratorManifest.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("features.max_history"), e.getMessage());
        Path g = write(GOOD.replace("rimirec-generator", "something-else"));
        e = assertThrows(IOException.class, () -> GeneratorManifest.read(g));
        assertTrue(e.getMessage().contains("something-else"), e.getMessage());
        Path h = write("{not json");
        e = assertThrows(IOException.class, () -> GeneratorManifest.read(h));
        assertTrue(e.getMessage().contains(h.toString()), e.getMessage());
        e = assertThrows(IOException.class, () -> GeneratorManifest.read(tmp.resolve("absent.json")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
