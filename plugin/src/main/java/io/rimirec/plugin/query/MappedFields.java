package io.rimirec.plugin.query;

import io.rimirec.core.vector.Metric;

import org.opensearch.action.support.IndicesOptions;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.metadata.MappingMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the searched indexes' mappings say about the fields a query relies on, read from the cluster state on the
 * coordinating node and cached per index mapping version (a mapping is parsed once per change, not per query):
 * <ul>
 *   <li>whether the tree stamp field can be read from doc values: only when every searched index maps it as a
 *       {@code keyword}. An index created before stamps existed, or with its own mappings, may lack the field or have
 *       it mapped dynamically as {@code text}, where reading doc values would fail the search; such queries answer
 *       unchecked and the profile says why;</li>
 *   <li>whether the vector field ranks as the model does: a {@code knn_vector} whose {@code space_type} is not the
 *       model metric's would return the nearest items of another similarity, a silently different answer.</li>
 * </ul>
 */
public final class MappedFields {

    /** Readable, or the reason it is not (for the profile). */
    record Check(boolean readable, String reason) {}

    private static final Check READABLE = new Check(true, null);
    private static final int MAX_CACHED = 10_000;
    /** index UUID + mapping version + field → the field's mapping (empty when unmapped). */
    private final Map<String, Optional<Map<?, ?>>> fieldByIndex = new ConcurrentHashMap<>();
    private final IndexNameExpressionResolver resolver;

    public MappedFields(IndexNameExpressionResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * Checks the searched indexes once for a circles query: refuses a vector field of another space type than the
     * model metric's ({@link #checkSpaceType}), and says whether the stamp field can be read.
     */
    Check checkForCircles(ClusterState state, String[] indices, String vectorField, Metric metric, String modelId, String stampField) {
        List<IndexMetadata> concrete;
        try {
            concrete = concrete(state, indices);
        } catch (RuntimeException e) {
            // the search itself reports unresolvable indexes
            return new Check(false, "the searched indexes could not be resolved: " + e.getMessage());
        }
        checkSpaceType(concrete, vectorField, metric, modelId);
        return stampReadable(concrete, stampField);
    }

    /** The space-type check alone, for a query that reads no stamps (strategy hymirec). */
    void checkSpaceType(ClusterState state, String[] indices, String vectorField, Metric metric, String modelId) {
        List<IndexMetadata> concrete;
        try {
            concrete = concrete(state, indices);
        } catch (RuntimeException e) {
            return; // the search itself reports unresolvable indexes
        }
        checkSpaceType(concrete, vectorField, metric, modelId);
    }

    /** Whether every searched index maps {@code field} as a keyword, so its doc values can be read. */
    private Check stampReadable(List<IndexMetadata> concrete, String field) {
        List<String> notKeyword = new ArrayList<>();
        for (IndexMetadata index : concrete) {
            String type = type(field(index, field));
            if (!"keyword".equals(type)) {
                notKeyword.add(index.getIndex().getName() + " (" + type + ")");
            }
        }
        if (notKeyword.isEmpty()) {
            return READABLE;
        }
        return new Check(false, "[" + field + "] is not a keyword field in " + String.join(", ", notKeyword.subList(0,
            Math.min(3, notKeyword.size()))) + (notKeyword.size() > 3 ? " and " + (notKeyword.size() - 3) + " more" : ""));
    }

    /**
     * Fails, naming the index, the field, both similarities and the fix, when a searched index maps {@code vectorField}
     * as a {@code knn_vector} whose space type is not {@code metric}'s. Other field types are left to the search, which
     * fails on them with its own message.
     */
    private void checkSpaceType(List<IndexMetadata> concrete, String vectorField, Metric metric, String modelId) {
        for (IndexMetadata index : concrete) {
            Optional<Map<?, ?>> field = field(index, vectorField);
            if (field.isEmpty() || !"knn_vector".equals(type(field))) {
                continue;
            }
            String space = spaceType(field.get());
            if (!metric.knnSpaceType().equals(space)) {
                throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] index [" + index.getIndex().getName() + "] maps ["
                    + vectorField + "] with space_type [" + space + "] but model [" + modelId + "] ranks by " + metric.id()
                    + " (space_type [" + metric.knnSpaceType() + "]): its k-NN searches would return the nearest items of another "
                    + "similarity than the one the model's circles and user vectors were built for. Map the field with space_type ["
                    + metric.knnSpaceType() + "] (index-templates/) and reindex, or use a model built with that metric");
            }
        }
    }

    /** The space type a knn_vector mapping ranks by: the method's, the field's, else the k-NN plugin's default (l2). */
    static String spaceType(Map<?, ?> field) {
        if (field.get("method") instanceof Map<?, ?> method && method.get("space_type") != null) {
            return method.get("space_type").toString();
        }
        return field.get("space_type") != null ? field.get("space_type").toString() : "l2";
    }

    private List<IndexMetadata> concrete(ClusterState state, String[] indices) {
        List<IndexMetadata> out = new ArrayList<>();
        for (String name : resolver.concreteIndexNames(state, IndicesOptions.lenientExpandOpen(), indices)) {
            IndexMetadata index = state.metadata().index(name);
            if (index != null) {
                out.add(index);
            }
        }
        return out;
    }

    private Optional<Map<?, ?>> field(IndexMetadata index, String field) {
        if (fieldByIndex.size() > MAX_CACHED) {
            fieldByIndex.clear(); // stale mapping versions pile up over months; starting over costs one parse each
        }
        String key = index.getIndexUUID() + "/" + index.getMappingVersion() + "/" + field;
        return fieldByIndex.computeIfAbsent(key, k -> Optional.ofNullable(mappedField(index.mapping(), field)));
    }

    /** The field's mapping ({@code properties} path through objects), or null when unmapped. */
    static Map<?, ?> mappedField(MappingMetadata mapping, String field) {
        if (mapping == null) {
            return null;
        }
        Object node = mapping.sourceAsMap();
        for (String part : field.split("\\.")) {
            Object properties = node instanceof Map<?, ?> m ? m.get("properties") : null;
            node = properties instanceof Map<?, ?> p ? p.get(part) : null;
            if (node == null) {
                return null;
            }
        }
        return node instanceof Map<?, ?> m ? m : null;
    }

    /** A mapped field's type: {@code unmapped}, {@code object} (no type), or the type. */
    static String type(Optional<Map<?, ?>> field) {
        if (field.isEmpty()) {
            return "unmapped";
        }
        Object type = field.get().get("type");
        return type == null ? "object" : type.toString();
    }

    static String mappedType(MappingMetadata mapping, String field) {
        return type(Optional.ofNullable(mappedField(mapping, field)));
    }
}
