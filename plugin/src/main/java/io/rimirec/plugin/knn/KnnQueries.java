package io.rimirec.plugin.knn;

import org.opensearch.index.query.QueryBuilder;
import org.opensearch.knn.index.query.KNNQueryBuilder;

import java.util.Map;

/**
 * The one place that touches the k-NN plugin's API, so an upgrade of k-NN changes one file. rimirec builds its
 * per-circle searches here.
 */
public final class KnnQueries {

    private KnnQueries() {}

    /**
     * A k-NN query on {@code field} for {@code vector}, restricted to the documents matching {@code filter}
     * (Lucene engine: filtered sets are searched exactly when small and through HNSW when large).
     *
     * @param efSearch HNSW candidate-list size, or null for the index default
     */
    public static QueryBuilder filteredKnn(String field, float[] vector, int k, QueryBuilder filter, Integer efSearch) {
        KNNQueryBuilder.Builder b = KNNQueryBuilder.builder().fieldName(field).vector(vector).k(k);
        if (filter != null) {
            b.filter(filter);
        }
        if (efSearch != null) {
            b.methodParameters(Map.of("ef_search", efSearch));
        }
        return b.build();
    }
}
