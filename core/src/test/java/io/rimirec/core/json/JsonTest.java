package io.rimirec.core.json;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void roundTripAndTypedAccess() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "x");
        m.put("i", 3);
        m.put("d", 0.5);
        m.put("b", true);
        m.put("l", List.of(1, 2));
        m.put("o", Map.of("k", "v"));
        JsonObject o = Json.parseObject(Json.write(m), "doc.json");
        assertEquals("x", o.string("s"));
        assertEquals(3, o.intValue("i"));
        assertEquals(0.5, o.doubleValue("d"));
        assertTrue(o.booleanValue("b", false));
        assertEquals(List.of(1L, 2L), o.list("l"));
        assertEquals("v", o.object("o").string("k"));
        assertEquals(7, o.intValue("missing", 7));
    }

    @Test
    void errorsNameTheDocumentAndTheFullFieldPath() throws IOException {
        JsonObject o = Json.parseObject("{\"a\":{\"b\":[{\"c\":\"x\"}]}}".getBytes(StandardCharsets.UTF_8), "m.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.object("a").objects("b").get(0).intValue("c"));
        assertEquals("m.json: field [a.b[0].c] must be an integer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> o.string("zz"));
        assertEquals("m.json: field [zz] is missing", e.getMessage());
        IOException io = assertThrows(IOException.class, () -> Json.parseObject("{\"a\":".getBytes(StandardCharsets.UTF_8), "m.json"));
        assertTrue(io.getMessage().startsWith("m.json is not valid JSON"), io.getMessage());
        io = assertThrows(IOException.class, () -> Json.parseObject("[1]".getBytes(StandardCharsets.UTF_8), "m.json"));
        assertEquals("m.json must be a JSON object", io.getMessage());
    }
}
