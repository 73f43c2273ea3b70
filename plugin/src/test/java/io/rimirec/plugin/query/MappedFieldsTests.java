package io.rimirec.plugin.query;

import org.junit.jupiter.api.Test;
import org.opensearch.cluster.metadata.MappingMetadata;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MappedFieldsTests {

    @Test
    void theMappedTypeIsFoundThroughObjectsAndAnUnmappedOrDynamicTextFieldIsNamedAsSuch() {
        MappingMetadata mapping = new MappingMetadata("_doc", Map.of("properties", Map.of(
            "circle_tree", Map.of("type", "keyword"),
            "legacy_tree", Map.of("type", "text", "fields", Map.of("keyword", Map.of("type", "keyword"))),
            "meta", Map.of("properties", Map.of("tree", Map.of("type", "keyword"))))));
        assertEquals("keyword", MappedFields.mappedType(mapping, "circle_tree"));
        assertEquals("keyword", MappedFields.mappedType(mapping, "meta.tree"));
        assertEquals("text", MappedFields.mappedType(mapping, "legacy_tree"), "what dynamic mapping makes of a string");
        assertEquals("object", MappedFields.mappedType(mapping, "meta"));
        assertEquals("unmapped", MappedFields.mappedType(mapping, "other"));
        assertEquals("unmapped", MappedFields.mappedType(mapping, "meta.other.deeper"));
        assertEquals("unmapped", MappedFields.mappedType(null, "circle_tree"));
    }

    @Test
    void theSpaceTypeComesFromTheMethodOrTheFieldElseTheKnnDefault() {
        assertEquals("cosinesimil", MappedFields.spaceType(Map.of("type", "knn_vector", "method",
            Map.of("name", "hnsw", "engine", "lucene", "space_type", "cosinesimil"))));
        assertEquals("innerproduct", MappedFields.spaceType(Map.of("type", "knn_vector", "space_type", "innerproduct")));
        assertEquals("l2", MappedFields.spaceType(Map.of("type", "knn_vector", "dimension", 8)), "the k-NN plugin's default");
    }
}
