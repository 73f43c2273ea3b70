package io.rimirec.plugin.ingest;

import io.rimirec.plugin.TestTrees;
import io.rimirec.plugin.model.ConfigDirCircleTreeSource;

import org.opensearch.OpenSearchParseException;
import org.opensearch.ingest.IngestDocument;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class CircleProcessorTests {

    @TempDir
    Path configDir;
    private CircleProcessor.Factory factory;

    @BeforeEach
    void setUp() throws Exception {
        TestTrees.writeModel(configDir, "m1", TestTrees.twoLevel());
        factory = new CircleProcessor.Factory(new ConfigDirCircleTreeSource(configDir));
    }

    private CircleProcessor processor(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.putIfAbsent("model", "m1");
        return factory.create(Map.of(), "tag", null, config);
    }

    private static IngestDocument doc(Map<String, Object> source) {
        return new IngestDocument("items", "1", null, null, null, new HashMap<>(source));
    }

    @Test
    void testStampsEveryPrefixAndTheLeaf() {
        CircleProcessor p = processor(Map.of());
        IngestDocument d = p.execute(doc(Map.of("item_vector", List.of(0.9, -0.3))));
        assertEquals(List.of("0", "0/1"), d.getFieldValue("circles", List.class));
        assertEquals("0/1", d.getFieldValue("circle_leaf", String.class));

        d = p.execute(doc(Map.of("item_vector", List.of(0.1, 0.9))));
        assertEquals(List.of("1"), d.getFieldValue("circles", List.class));
        assertEquals("1", d.getFieldValue("circle_leaf", String.class));
    }

    @Test
    void testCustomFieldNamesAndNestedVectorField() {
        CircleProcessor p = processor(Map.of("vector_field", "emb.v", "circles_field", "c", "leaf_field", "meta.leaf"));
        IngestDocument d = p.execute(doc(Map.of("emb", new HashMap<>(Map.of("v", List.of(0.9f, 0.3f))))));
        assertEquals(List.of("0", "0/0"), d.getFieldValue("c", List.class));
        assertEquals("0/0", d.getFieldValue("meta.leaf", String.class));
    }

    @Test
    void testMissingVectorFailsWithFieldNameUnlessIgnored() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> processor(Map.of()).execute(doc(Map.of("title", "x"))));
        assertContains(e.getMessage(), "field [item_vector] is missing");

        IngestDocument d = processor(Map.of("ignore_missing", true)).execute(doc(Map.of("title", "x")));
        assertFalse(d.hasField("circles"));
        assertFalse(d.hasField("circle_leaf"));
    }

    @Test
    void testWrongDimensionNamesFieldModelAndDimensions() {
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class,
            () -> processor(Map.of()).execute(doc(Map.of("item_vector", List.of(1, 2, 3))))
        );
        assertContains(e.getMessage(), "model [m1]");
        assertContains(e.getMessage(), "field [item_vector] has 3 values but 2 are expected");
    }

    @Test
    void testNonNumericValueNamesPosition() {
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class,
            () -> processor(Map.of()).execute(doc(Map.of("item_vector", List.of(1.0, "abc"))))
        );
        assertContains(e.getMessage(), "value at position 1 is the string \"abc\": expected a number");

        e = assertThrows(IllegalArgumentException.class, () -> processor(Map.of()).execute(doc(Map.of("item_vector", "1,2"))));
        assertContains(e.getMessage(), "must be an array of numbers of dimension 2");
    }

    @Test
    void testUnknownModelIsRejectedWhenThePipelineIsCreated() {
        OpenSearchParseException e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("model", "nope")));
        assertContains(e.getMessage(), "unknown model [nope]");
        assertEquals("model", e.getMetadata("opensearch.property_name").get(0));
    }

    @Test
    void testInvalidModelIdAndConflictingFields() {
        OpenSearchParseException e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("model", "../etc")));
        assertContains(e.getMessage(), "invalid model id");

        e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("circles_field", "x", "leaf_field", "x")));
        assertContains(e.getMessage(), "must differ from circles_field");

        e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("vector_field", "circles")));
        assertContains(e.getMessage(), "must differ");
    }

    @Test
    void testMissingModelPropertyIsAConfigurationError() {
        Map<String, Object> config = new HashMap<>();
        OpenSearchParseException e = assertThrows(OpenSearchParseException.class, () -> factory.create(Map.of(), "t", null, config));
        assertContains(e.getMessage(), "[model] required property is missing");
    }

    static void assertContains(String message, String expected) {
        assertTrue(message != null && message.contains(expected), () -> "expected [" + expected + "] in: " + message);
    }
}
