package io.rimirec.plugin.ingest;

import org.junit.jupiter.api.Test;
import org.opensearch.Version;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.AliasMetadata;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.ingest.IngestMetadata;
import org.opensearch.ingest.PipelineConfiguration;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineModelsTests {

    private static PipelineConfiguration pipeline(String id, String json) {
        return new PipelineConfiguration(id, new BytesArray(json), XContentType.JSON);
    }

    private static IndexMetadata index(String name, String defaultPipeline, String alias) {
        Settings.Builder s = Settings.builder().put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT)
            .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1).put(IndexMetadata.SETTING_NUMBER_OF_REPLICAS, 0);
        if (defaultPipeline != null) {
            s.put("index.default_pipeline", defaultPipeline);
        }
        IndexMetadata.Builder b = IndexMetadata.builder(name).settings(s);
        if (alias != null) {
            b.putAlias(AliasMetadata.builder(alias).build());
        }
        return b.build();
    }

    private static ClusterState state(IndexMetadata... indexes) {
        Metadata.Builder m = Metadata.builder().putCustom(IngestMetadata.TYPE, new IngestMetadata(Map.of(
            "v1", pipeline("v1", "{\"processors\": [{\"rimirec_circles\": {\"model\": \"shop-v1\"}}]}"),
            "v2", pipeline("v2", "{\"processors\": [{\"set\": {\"field\": \"a\", \"value\": 1}}, "
                + "{\"foreach\": {\"field\": \"x\", \"processor\": {\"rimirec_circles\": {\"model\": \"shop-v2\"}}}}]}"),
            "plain", pipeline("plain", "{\"processors\": [{\"set\": {\"field\": \"a\", \"value\": 1}}]}"))));
        for (IndexMetadata i : indexes) {
            m.put(i, false);
        }
        return ClusterState.builder(ClusterName.DEFAULT).metadata(m).build();
    }

    @Test
    void anIndexOrAliasGivesTheModelOfItsDefaultPipelineAndFollowsAnAliasSwap() {
        ClusterState before = state(index("items-v1", "v1", "items"), index("items-v2", "v2", null));
        assertEquals("shop-v1", PipelineModels.modelOfIndices(before, List.of("items")));
        assertEquals("shop-v2", PipelineModels.modelOfIndices(before, List.of("items-v2")), "nested in a foreach");
        ClusterState after = state(index("items-v1", "v1", null), index("items-v2", "v2", "items"));
        assertEquals("shop-v2", PipelineModels.modelOfIndices(after, List.of("items")));
        assertEquals(List.of("items-v1"), List.of(PipelineModels.pin(before, new String[] {"items"})));
        assertEquals(List.of("items-v2", "x-*", "nope"), List.of(PipelineModels.pin(after, new String[] {"items", "x-*", "nope"})));
        assertEquals(List.of("v1"), PipelineModels.pipelinesUsing(after, "shop-v1"));
        assertEquals(Set.of("shop-v1"), PipelineModels.modelsIn(Map.of("on_failure", List.of(Map.of("rimirec_circles", Map.of("model",
            "shop-v1"))))));
    }

    @Test
    void anIndexWithoutAStampingPipelineOrIndexesOfTwoModelsAreRefusedWithWhatWasFound() {
        ClusterState s = state(index("a", "v1", "both"), index("b", "v2", "both"), index("plain", "plain", null), index("none", null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineModels.modelOfIndices(s, List.of("both")));
        assertTrue(e.getMessage().contains("2 models [shop-v1, shop-v2]") && e.getMessage().contains("a -> shop-v1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PipelineModels.modelOfIndices(s, List.of("plain")));
        assertTrue(e.getMessage().contains("index [plain] names no model: its pipeline(s) [plain] have no [rimirec_circles] processor"),
            e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PipelineModels.modelOfIndices(s, List.of("none")));
        assertTrue(e.getMessage().contains("it has no default or final pipeline"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PipelineModels.modelOfIndices(s, List.of("items-*")));
        assertTrue(e.getMessage().contains("no index or alias [items-*]"), e.getMessage());
    }
}
