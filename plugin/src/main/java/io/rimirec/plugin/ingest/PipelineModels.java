package io.rimirec.plugin.ingest;

import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexAbstraction;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.IndexSettings;
import org.opensearch.ingest.IngestMetadata;
import org.opensearch.ingest.PipelineConfiguration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which models the ingest pipelines name in {@code rimirec_circles} processors (at any depth: on_failure, foreach, if),
 * read from the cluster state: the pipelines that use a model (so a model in use is not deleted by accident), and the
 * model an index's items are stamped with (so a query can follow the index through an alias swap).
 */
public final class PipelineModels {

    private PipelineModels() {}

    /** The ids of the pipelines whose {@code rimirec_circles} processors name {@code modelId}, sorted. */
    public static List<String> pipelinesUsing(ClusterState state, String modelId) {
        IngestMetadata ingest = state.metadata().custom(IngestMetadata.TYPE);
        List<String> out = new ArrayList<>();
        if (ingest == null) {
            return out;
        }
        for (PipelineConfiguration p : ingest.getPipelines().values()) {
            if (modelsIn(p.getConfigAsMap()).contains(modelId)) {
                out.add(p.getId());
            }
        }
        out.sort(null);
        return out;
    }

    /** Every model a pipeline configuration names in a {@code rimirec_circles} processor, sorted. */
    public static Set<String> modelsIn(Object config) {
        Set<String> out = new TreeSet<>();
        collect(config, out);
        return out;
    }

    private static void collect(Object config, Set<String> out) {
        if (config instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (CircleProcessor.TYPE.equals(e.getKey()) && e.getValue() instanceof Map<?, ?> processor
                    && processor.get("model") instanceof String model) {
                    out.add(model);
                }
                collect(e.getValue(), out);
            }
        } else if (config instanceof Collection<?> list) {
            for (Object o : list) {
                collect(o, out);
            }
        }
    }

    /**
     * {@code names} with every alias replaced by the indexes it points at in {@code state}; index names, patterns and
     * unknown names stay as they are.
     */
    public static String[] pin(ClusterState state, String[] names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            IndexAbstraction abstraction = state.metadata().getIndicesLookup().get(name);
            if (abstraction != null && abstraction.getType() == IndexAbstraction.Type.ALIAS) {
                for (IndexMetadata index : abstraction.getIndices()) {
                    out.add(index.getIndex().getName());
                }
            } else {
                out.add(name);
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * The one model the items of {@code names} (indexes or aliases) are stamped with: the model of the
     * {@code rimirec_circles} processor in each index's default or final pipeline. Fails, saying what it found and
     * what to do, unless every index resolves to the same single model.
     */
    public static String modelOfIndices(ClusterState state, List<String> names) {
        IngestMetadata ingest = state.metadata().custom(IngestMetadata.TYPE);
        Set<String> models = new TreeSet<>();
        List<String> seen = new ArrayList<>();
        for (String name : names) {
            IndexAbstraction abstraction = state.metadata().getIndicesLookup().get(name);
            if (abstraction == null) {
                throw new IllegalArgumentException("no index or alias [" + name + "] to read the model from: name the index (not a "
                    + "pattern), or set [model]");
            }
            for (IndexMetadata index : abstraction.getIndices()) {
                Settings settings = index.getSettings();
                Set<String> found = new TreeSet<>();
                List<String> pipelines = new ArrayList<>();
                for (String pipeline : List.of(IndexSettings.DEFAULT_PIPELINE.get(settings), IndexSettings.FINAL_PIPELINE.get(settings))) {
                    if (pipeline == null || pipeline.isEmpty() || "_none".equals(pipeline)) {
                        continue;
                    }
                    pipelines.add(pipeline);
                    PipelineConfiguration config = ingest == null ? null : ingest.getPipelines().get(pipeline);
                    if (config != null) {
                        found.addAll(modelsIn(config.getConfigAsMap()));
                    }
                }
                String indexName = index.getIndex().getName();
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("index [" + indexName + "] names no model: "
                        + (pipelines.isEmpty() ? "it has no default or final pipeline"
                            : "its pipeline(s) " + pipelines + " have no [" + CircleProcessor.TYPE + "] processor")
                        + "; set [model], or give the index a default pipeline that stamps its items (index-templates/)");
                }
                models.addAll(found);
                seen.add(indexName + " -> " + String.join(",", found));
            }
        }
        if (models.size() != 1) {
            throw new IllegalArgumentException("the indexes name " + models.size() + " models " + models + " (" + String.join("; ", seen)
                + "); set [model], or search indexes stamped by one model");
        }
        return models.iterator().next();
    }
}
