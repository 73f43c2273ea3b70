package io.rimirec.core.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxSessionFactoryTest {

    @TempDir
    Path tmp;

    @Test
    void missingAndCorruptFilesAreNamed() throws IOException {
        OnnxSessionFactory f = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        Path missing = tmp.resolve("nothing.onnx");
        IOException e = assertThrows(IOException.class, () -> f.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
        Path corrupt = tmp.resolve("corrupt.onnx");
        Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        e = assertThrows(IOException.class, () -> f.open(corrupt));
        assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
    }

    @Test
    void cudaFallsBackToCpuWhenUnavailable() throws IOException {
        // The CPU build of ONNX Runtime has no CUDA provider: asking for it must fall back, not fail.
        OnnxSessionFactory f = new OnnxSessionFactory(new OnnxSessionFactory.Options(1, true, 0));
        // Noticed up front, so a node says so at start-up, and said in what the profile shows.
        assertEquals(OnnxSessionFactory.Provider.CPU, f.provider());
        assertTrue(f.describe().startsWith("cpu (cuda requested: this ONNX Runtime build has no CUDA provider"), f.describe());
        Path corrupt = tmp.resolve("x.onnx");
        Files.write(corrupt, new byte[] {9, 9, 9});
        IOException e = assertThrows(IOException.class, () -> f.open(corrupt));
        assertEquals(OnnxSessionFactory.Provider.CPU, f.provider());
        assertTrue(e.getMessage().contains(corrupt.toString()), "the model error, not a CUDA error: " + e.getMessage());
    }

    @Test
    void cpuIsDescribedPlainly() {
        OnnxSessionFactory f = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        assertEquals(OnnxSessionFactory.Provider.CPU, f.provider());
        assertEquals("cpu", f.describe());
    }

    @Test
    void rejectsNegativeThreads() {
        assertThrows(IllegalArgumentException.class, () -> OnnxSessionFactory.Options.cpu(-1));
    }
}
