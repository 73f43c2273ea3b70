package io.rimirec.tools.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorJsonlTest {

    @TempDir
    Path dir;

    private static VectorSet parse(String text) throws IOException {
        try (VectorJsonlReader r = new VectorJsonlReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "items.jsonl")) {
            return r.readAll();
        }
    }

    private static VectorFileException failure(String text) {
        return assertThrows(VectorFileException.class, () -> parse(text));
    }

    @Test
    void writerAndReaderRoundTripFloatsBitForBit() throws IOException {
        SplittableRandom rng = new SplittableRandom(1);
        List<String> ids = new ArrayList<>();
        float[][] vectors = new float[500][];
        for (int i = 0; i < vectors.length; i++) {
            ids.add("item-" + i);
            vectors[i] = new float[12];
            for (int x = 0; x < 12; x++) {
                vectors[i][x] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-20, 20)));
            }
        }
        vectors[0] = new float[] {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, 1e-45f, 3.4028235e38f, 0.1f, 1f / 3, 16777217f, 1e-38f, -1.17549435E-38f};
        Path file = dir.resolve("v.jsonl");
        VectorJsonlWriter.writeAll(file, new VectorSet(ids, vectors));
        VectorSet back = VectorJsonlReader.readAll(file);
        assertEquals(ids, back.ids());
        for (int i = 0; i < vectors.length; i++) {
            for (int x = 0; x < 12; x++) {
                assertEquals(Float.floatToRawIntBits(vectors[i][x]), Float.floatToRawIntBits(back.vectors()[i][x]), "item " + i + "[" + x + "]");
            }
        }
        assertEquals(12, back.dimension());
        assertEquals(500, Files.readAllLines(file).size(), "one line per item");
    }

    @Test
    void extraFieldsBlankLinesAndIntegerIdsAreAccepted() throws IOException {
        VectorSet s = parse("""
            {"id": "a", "title": "x", "tags": {"nested": [1, 2]}, "vector": [1, 2.5, -3e-2]}

            {"vector": [0, 0, 1], "id": 1193, "topic": 4}
            """);
        assertEquals(List.of("a", "1193"), s.ids());
        assertArrayEquals(new float[] {1f, 2.5f, -0.03f}, s.vectors()[0]);
        assertArrayEquals(new float[] {0f, 0f, 1f}, s.vectors()[1]);
    }

    @Test
    void emptyInputGivesAnEmptySet() throws IOException {
        assertEquals(0, parse("").size());
        assertEquals(0, parse("\n\n").dimension());
    }

    @Test
    void malformedJsonNamesTheLine() {
        VectorFileException e = failure("{\"id\": \"a\", \"vector\": [1, 2]}\n{\"id\": \"b\", \"vector\": [1, 2}\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("items.jsonl line 2: malformed JSON"), e.getMessage());
    }

    @Test
    void missingFieldsAreNamed() {
        VectorFileException e = failure("{\"id\": \"a\", \"vector\": [1]}\n{\"vector\": [1]}\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("missing field \"id\""), e.getMessage());
        e = failure("{\"id\": \"a\"}\n");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("no field \"vector\""), e.getMessage());
    }

    @Test
    void nonNumericValuesArePointedAt() {
        VectorFileException e = failure("{\"id\": \"a\", \"vector\": [1, \"2\", 3]}\n");
        assertTrue(e.getMessage().contains("vector[1] is the string \"2\": expected a number"), e.getMessage());
        e = failure("{\"id\": \"a\", \"vector\": [1, null]}\n");
        assertTrue(e.getMessage().contains("vector[1] is null"), e.getMessage());
        e = failure("{\"id\": \"a\", \"vector\": [1e50]}\n");
        assertTrue(e.getMessage().contains("finite float"), e.getMessage());
        e = failure("{\"id\": \"a\", \"vector\": \"1,2\"}\n");
        assertTrue(e.getMessage().contains("must be an array"), e.getMessage());
        e = failure("{\"id\": \"a\", \"vector\": []}\n");
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = failure("{\"id\": null, \"vector\": [1]}\n");
        assertTrue(e.getMessage().contains("\"id\" must be a string"), e.getMessage());
        e = failure("{\"id\": \"\", \"vector\": [1]}\n");
        assertTrue(e.getMessage().contains("\"id\" is empty"), e.getMessage());
    }

    @Test
    void dimensionChangeNamesBothLines() {
        VectorFileException e = failure("{\"id\": \"a\", \"vector\": [1, 2, 3]}\n{\"id\": \"b\", \"vector\": [1, 2, 3]}\n{\"id\": \"c\", \"vector\": [1, 2]}\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("vector has 2 values but the item on line 1 has 3"), e.getMessage());
    }

    @Test
    void duplicateIdNamesTheFirstLine() {
        VectorFileException e = failure("{\"id\": \"a\", \"vector\": [1]}\n{\"id\": \"b\", \"vector\": [1]}\n{\"id\": \"a\", \"vector\": [2]}\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("duplicate id [a], first seen on line 1"), e.getMessage());
    }

    @Test
    void oneItemPerLineIsEnforced() {
        VectorFileException e = failure("{\"id\": \"a\", \"vector\": [1]} {\"id\": \"b\", \"vector\": [1]}\n");
        assertTrue(e.getMessage().contains("two items on one line"), e.getMessage());
        e = failure("{\"id\": \"a\",\n \"vector\": [1]}\n");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("each item must be on one line"), e.getMessage());
        e = failure("[1, 2, 3]\n");
        assertTrue(e.getMessage().contains("expected a JSON object"), e.getMessage());
    }

    @Test
    void streamingReaderReturnsItemsInOrder() throws IOException {
        String text = "{\"id\": \"x\", \"vector\": [1, 2]}\n{\"id\": \"y\", \"vector\": [3, 4]}\n";
        try (VectorJsonlReader r = new VectorJsonlReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "s")) {
            assertEquals(-1, r.dimension());
            assertEquals("x", r.next().id());
            assertArrayEquals(new float[] {3, 4}, r.next().vector());
            assertNull(r.next());
            assertEquals(2, r.dimension());
        }
    }

    @Test
    void missingFileIsNamed() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> VectorJsonlReader.readAll(dir.resolve("nope.jsonl")));
        assertTrue(e.getMessage().contains("nope.jsonl") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void writerRejectsWhatTheReaderWould() throws IOException {
        try (VectorJsonlWriter w = new VectorJsonlWriter(dir.resolve("w.jsonl"))) {
            w.write("a", new float[] {1, 2}, Map.of("topic", 3));
            assertThrows(IllegalArgumentException.class, () -> w.write("b", new float[] {1}));
            assertThrows(IllegalArgumentException.class, () -> w.write("c", new float[] {1, Float.NaN}));
            assertThrows(IllegalArgumentException.class, () -> w.write("", new float[] {1, 2}));
            assertThrows(IllegalArgumentException.class, () -> w.write("d", new float[] {1, 2}, Map.of("vector", 1)));
        }
        assertTrue(Files.readString(dir.resolve("w.jsonl")).startsWith("{\"id\":\"a\",\"vector\":[1.0,2.0],\"topic\":3}"));
    }
}
