package io.rimirec.plugin.query;

import org.junit.jupiter.api.Test;
import org.opensearch.cluster.metadata.MappingMetadata;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StampFieldTests {

    @Test
    void theMappedTypeIsFoundThroughObjectsAndAnUnmappedOrDynamicTextFieldIsNamedAsSuch() {
        MappingMetadata mapping = new MappingMetadata("_doc", Map.of("properties", Map.of(
            "circle_tree", Map.of("type", "keyword"),
            "legacy_tree", Map.of("type", "text", "fields", Map.of("keyword", Map.of("type", "keyword"))),
            "meta", Map.of("properties", Map.of("tree", Map.of("type", "keyword"))))));
        assertEquals("keyword", StampField.mappedType(mapping, "circle_tree"));
        assertEquals("keyword", StampField.mappedType(mapping, "meta.tree"));
        assertEquals("text", StampField.mappedType(mapping, "legacy_tree"), "what dynamic mapping makes of a string");
        assertEquals("object", StampField.mappedType(mapping, "meta"));
        assertEquals("unmapped", StampField.mappedType(mapping, "other"));
        assertEquals("unmapped", StampField.mappedType(mapping, "meta.other.deeper"));
        assertEquals("unmapped", StampField.mappedType(null, "circle_tree"));
    }
}
