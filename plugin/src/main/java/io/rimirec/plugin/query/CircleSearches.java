package io.rimirec.plugin.query;

import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The per-circle k-NN searches of one {@code rimirec} query: one search per circle in one multi-search, which runs
 * them in parallel on the search pool, and the per-circle lists read back from it.
 *
 * <p>Why not one search with a named k-NN clause per circle: it was tried (docs/benchmarks.md). It saves a request's
 * overhead per circle, which wins on small catalogues (ML-1M), but the fetch phase runs every named k-NN query again to
 * find which clause matched each hit, and the clauses run one after the other on a shard: on 1M items the k-NN step
 * took 72 ms instead of about 20.
 */
final class CircleSearches {

    private CircleSearches() {}

    /** One circle's hits: ids and k-NN scores, best first. */
    record Hits(List<String> ids, List<Float> scores) {}

    /** One search per circle, {@code knn.get(i)} asking for {@code k[i]} ids and nothing else. */
    static MultiSearchRequest request(String[] indices, List<QueryBuilder> knn, int[] k) {
        MultiSearchRequest msearch = new MultiSearchRequest();
        for (int i = 0; i < knn.size(); i++) {
            msearch.add(new SearchRequest(indices).source(new SearchSourceBuilder().query(knn.get(i)).size(k[i]).fetchSource(false)
                .trackTotalHits(false)));
        }
        return msearch;
    }

    /**
     * Each search's hits, ties broken by id so that the order does not depend on how the index is sharded. A failed
     * search fails with its name ({@code circle [0/3]}, {@code interest [1]}) in the message.
     */
    static List<Hits> read(MultiSearchResponse response, List<String> searchNames, String field) {
        Comparator<SearchHit> best = Comparator.comparing(SearchHit::getScore).reversed().thenComparing(SearchHit::getId);
        List<Hits> out = new ArrayList<>(searchNames.size());
        for (int i = 0; i < searchNames.size(); i++) {
            MultiSearchResponse.Item item = response.getResponses()[i];
            if (item.isFailure()) {
                throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] the k-NN search of " + searchNames.get(i)
                    + " on field [" + field + "] failed: " + item.getFailureMessage(), item.getFailure());
            }
            List<SearchHit> hits = new ArrayList<>(List.of(item.getResponse().getHits().getHits()));
            hits.sort(best);
            out.add(new Hits(hits.stream().map(SearchHit::getId).toList(), hits.stream().map(SearchHit::getScore).toList()));
        }
        return out;
    }
}
