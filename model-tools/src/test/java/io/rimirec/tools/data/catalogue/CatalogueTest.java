package io.rimirec.tools.data.catalogue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogueTest {

    @TempDir
    Path dir;

    @Test
    void itemsKeepTheirFieldsAndVectorsAreOptional() throws Exception {
        Path f = dir.resolve("items.jsonl");
        Files.writeString(f, String.join("\n",
            "{\"id\": \"sku-1\", \"vector\": [1, 0], \"title\": \"Boots\", \"price\": 42.5, \"tags\": [\"a\"]}",
            "{\"item_id\": 7, \"title\": \"No vector\"}",
            "", "{\"id\": \"sku-1\", \"vector\": [1, 0], \"title\": \"Boots\", \"price\": 42.5, \"tags\": [\"a\"]}", ""));
        Catalogue c = Catalogue.read(f, 0.5);
        assertEquals(List.of("sku-1", "7"), List.copyOf(c.items().keySet()));
        assertArrayEquals(new float[] {1, 0}, c.item("sku-1").vector());
        assertEquals("Boots", c.item("sku-1").fields().get("title").asText());
        assertEquals(42.5, c.item("sku-1").fields().get("price").asDouble());
        assertTrue(c.item("sku-1").fields().get("tags").isArray());
        assertNull(c.item("7").vector());
        assertEquals(2, c.dimension());
        assertEquals(Map.of("duplicate id, same item (read once)", 1L), c.report().get("lines_skipped"));
    }

    @Test
    void badItemsAreSkippedWithTheirLineAndTooManyStop() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            b.append("{\"id\": \"i").append(i).append("\", \"vector\": [1, ").append(i).append("]}\n");
        }
        b.append("{\"id\": \"x\", \"vector\": [1, 2, 3]}\n");                // line 21: another length
        b.append("{\"id\": \"y\", \"vector\": [0, 0]}\n");                   // line 22: zeros
        b.append("{\"id\": \"z\", \"vector\": [1, \"a\"]}\n");               // line 23: not numbers
        b.append("{\"vector\": [1, 2]}\n");                                  // line 24: no id
        b.append("{\"id\": \"i3\", \"vector\": [9, 9]}\n");                  // line 25: duplicate, other vector
        b.append("[1, 2]\n");                                                // line 26: not an object
        Files.writeString(f, b.toString());
        Catalogue c = Catalogue.read(f, 0.5);
        assertEquals(20, c.items().size());
        @SuppressWarnings("unchecked")
        List<String> examples = (List<String>) c.report().get("first_skipped_lines");
        assertEquals(6, examples.size());
        assertTrue(examples.get(0).contains("line 21: vector of another length (item x has 3 values, the item on line 1 has 2)"), examples.toString());
        assertTrue(examples.get(1).contains("line 22: vector is all zeros"), examples.toString());
        assertTrue(examples.get(2).contains("line 23: vector is not an array of finite numbers"), examples.toString());
        assertTrue(examples.get(3).contains("line 24: no id"), examples.toString());
        assertTrue(examples.get(4).contains("line 25: duplicate id with another vector or fields (item i3 first on line 4)"), examples.toString());
        assertTrue(examples.get(5).contains("line 26: not a JSON object"), examples.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Catalogue.read(f, 0.1));
        assertTrue(e.getMessage().contains("6 of the first 26 records are bad") && e.getMessage().contains("--max-bad-share"), e.getMessage());
    }
}
