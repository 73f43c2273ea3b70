package io.rimirec.plugin.action;

import io.rimirec.plugin.ingest.CircleProcessor;

import org.opensearch.cluster.ClusterState;
import org.opensearch.ingest.IngestMetadata;
import org.opensearch.ingest.PipelineConfiguration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Which ingest pipelines name a model in a {@code rimirec_circles} processor (at any depth: on_failure, foreach, if). */
final class PipelineReferences {

    private PipelineReferences() {}

    static List<String> pipelinesUsing(ClusterState state, String modelId) {
        IngestMetadata ingest = state.metadata().custom(IngestMetadata.TYPE);
        List<String> out = new ArrayList<>();
        if (ingest == null) {
            return out;
        }
        for (PipelineConfiguration p : ingest.getPipelines().values()) {
            if (names(p.getConfigAsMap(), modelId)) {
                out.add(p.getId());
            }
        }
        out.sort(null);
        return out;
    }

    /** True when {@code config} holds {@code "rimirec_circles": {"model": modelId, ...}} somewhere. */
    static boolean names(Object config, String modelId) {
        if (config instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (CircleProcessor.TYPE.equals(e.getKey()) && e.getValue() instanceof Map<?, ?> processor
                    && modelId.equals(processor.get("model"))) {
                    return true;
                }
                if (names(e.getValue(), modelId)) {
                    return true;
                }
            }
        } else if (config instanceof Collection<?> list) {
            for (Object o : list) {
                if (names(o, modelId)) {
                    return true;
                }
            }
        }
        return false;
    }
}
