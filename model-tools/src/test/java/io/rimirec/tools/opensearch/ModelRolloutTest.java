package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelRolloutTest {

    @Test
    void everyCircleProcessorOfThePipelineNamesTheNewModelWhereverItSits() throws Exception {
        ObjectNode pipeline = (ObjectNode) JsonHttp.MAPPER.readTree("""
            {"processors": [{"set": {"field": "a", "value": 1}},
              {"rimirec_circles": {"model": "shop-v1", "vector_field": "emb"}},
              {"foreach": {"field": "xs", "processor": {"rimirec_circles": {"model": "shop-v1"}}}}],
             "on_failure": [{"rimirec_circles": {"model": "other"}}]}""");
        List<String> old = new ArrayList<>();
        assertEquals(3, ModelRollout.replaceModel(pipeline, "shop-v2", old));
        assertEquals(List.of("shop-v1", "other"), old);
        assertEquals("shop-v2", pipeline.at("/processors/1/rimirec_circles/model").asText());
        assertEquals("emb", pipeline.at("/processors/1/rimirec_circles/vector_field").asText(), "the rest is kept");
        assertEquals("shop-v2", pipeline.at("/processors/2/foreach/processor/rimirec_circles/model").asText());
    }

    @Test
    void theGreenIndexKeepsBluesMappingsAndShardsWithTheNewPipelineAndAKeywordStampField() throws Exception {
        JsonNode settings = JsonHttp.MAPPER.readTree("""
            {"number_of_shards": "3", "number_of_replicas": "1", "knn": "true", "default_pipeline": "old",
             "uuid": "x", "creation_date": "1", "provided_name": "items-v1", "version": {"created": "1"}}""");
        JsonNode mappings = JsonHttp.MAPPER.readTree("""
            {"properties": {"item_vector": {"type": "knn_vector", "dimension": 8},
              "circle_tree": {"type": "text", "fields": {"keyword": {"type": "keyword"}}}}}""");
        ObjectNode body = ModelRollout.greenIndexBody(settings, mappings, "circle_tree", "rimirec-v2");
        assertEquals("{\"number_of_shards\":\"3\",\"number_of_replicas\":\"1\",\"knn\":\"true\",\"default_pipeline\":\"rimirec-v2\"}",
            body.at("/settings/index").toString(), "nothing that belongs to blue alone (uuid, dates, name)");
        assertEquals(8, body.at("/mappings/properties/item_vector/dimension").asInt());
        assertEquals("{\"type\":\"keyword\"}", body.at("/mappings/properties/circle_tree").toString(),
            "a dynamically mapped stamp becomes a keyword the query can read");
        assertEquals("keyword", ModelRollout.greenIndexBody(settings, mappings, "meta.tree", "p")
            .at("/mappings/properties/meta/properties/tree/type").asText());
    }

    @Test
    void optionsNeedAnAliasAndAModelAndDeriveTheRest() {
        ModelRollout.Options o = new ModelRollout.Options("items", "shop-v2", null, null);
        assertEquals("items-shop-v2", o.greenIndex());
        assertEquals("rimirec-shop-v2", o.greenPipeline());
        assertThrows(IllegalArgumentException.class, () -> new ModelRollout.Options("", "m", null, null));
    }
}
