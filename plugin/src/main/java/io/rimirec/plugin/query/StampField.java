package io.rimirec.plugin.query;

import org.opensearch.action.support.IndicesOptions;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.metadata.MappingMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the circle searches can read the tree stamp from doc values: only when every searched index maps the stamp
 * field as a {@code keyword}. An index created before stamps existed, or with its own mappings, may lack the field or
 * have it mapped dynamically as {@code text}, where reading doc values would fail the search; such queries answer
 * unchecked and the profile says why. The answer is cached per index mapping version, so the mapping is parsed once
 * per change, not per query.
 */
public final class StampField {

    /** Readable, or the reason it is not (for the profile). */
    record Check(boolean readable, String reason) {}

    private static final Check READABLE = new Check(true, null);
    /** index UUID + mapping version + field → whether that index maps the field as keyword (its type otherwise). */
    private final Map<String, String> typeByIndexField = new ConcurrentHashMap<>();
    private final IndexNameExpressionResolver resolver;

    public StampField(IndexNameExpressionResolver resolver) {
        this.resolver = resolver;
    }

    Check check(ClusterState state, String[] indices, String field) {
        String[] concrete;
        try {
            concrete = resolver.concreteIndexNames(state, IndicesOptions.lenientExpandOpen(), indices);
        } catch (RuntimeException e) {
            return new Check(false, "the searched indexes could not be resolved: " + e.getMessage());
        }
        List<String> notKeyword = new ArrayList<>();
        for (String name : concrete) {
            IndexMetadata index = state.metadata().index(name);
            if (index == null) {
                continue;
            }
            if (typeByIndexField.size() > 10_000) {
                typeByIndexField.clear(); // stale mapping versions pile up over months; starting over costs one parse each
            }
            String key = index.getIndexUUID() + "/" + index.getMappingVersion() + "/" + field;
            String type = typeByIndexField.computeIfAbsent(key, k -> mappedType(index.mapping(), field));
            if (!"keyword".equals(type)) {
                notKeyword.add(name + " (" + type + ")");
            }
        }
        if (notKeyword.isEmpty()) {
            return READABLE;
        }
        return new Check(false, "[" + field + "] is not a keyword field in " + String.join(", ", notKeyword.subList(0,
            Math.min(3, notKeyword.size()))) + (notKeyword.size() > 3 ? " and " + (notKeyword.size() - 3) + " more" : ""));
    }

    /** The field's mapped type ({@code properties} path through objects), or {@code unmapped}. */
    static String mappedType(MappingMetadata mapping, String field) {
        if (mapping == null) {
            return "unmapped";
        }
        Object node = mapping.sourceAsMap();
        for (String part : field.split("\\.")) {
            Object properties = node instanceof Map<?, ?> m ? m.get("properties") : null;
            node = properties instanceof Map<?, ?> p ? p.get(part) : null;
            if (node == null) {
                return "unmapped";
            }
        }
        Object type = node instanceof Map<?, ?> m ? m.get("type") : null;
        return type == null ? "object" : type.toString();
    }
}
