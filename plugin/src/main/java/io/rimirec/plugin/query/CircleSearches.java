package io.rimirec.plugin.query;

import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The per-circle k-NN searches of one {@code rimirec} query, sent as one search request in the usual case: a
 * {@code bool} of one named k-NN clause per circle, whose named-query scores say which circle found each hit and at
 * what score. One request instead of one per circle saves a whole search's overhead (request set-up, query phase,
 * fetch phase, reduce) per circle, which was most of the k-NN time on small circles.
 *
 * <p>Every shard returns at most k documents per clause, so a request asks for Σk × shards hits to receive every
 * match and rank each circle's own list exactly, as separate searches would. When that exceeds the indices'
 * {@code index.max_result_window}, the circles are split over several requests of one multi-search.
 */
final class CircleSearches {

    /** Named-query prefix of the circle clauses; other names (from a user's filter) are ignored. */
    static final String CLAUSE = "_rimirec_circle_";

    private CircleSearches() {}

    /** One circle's hits: ids and k-NN scores, best first. */
    record Hits(List<String> ids, List<Float> scores) {}

    /**
     * Consecutive circles grouped so that each request's Σk × shards stays within {@code window}; a single circle
     * whose k × shards alone exceeds it gets a request of its own, capped at the window.
     */
    static List<int[]> groups(int[] k, int shards, int window) {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        long sum = 0;
        for (int i = 0; i < k.length; i++) {
            long add = (long) k[i] * shards;
            if (i > start && sum + add > window) {
                out.add(range(start, i));
                start = i;
                sum = 0;
            }
            sum += add;
        }
        if (k.length > 0) {
            out.add(range(start, k.length));
        }
        return out;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** The multi-search for {@code knn} (one query per circle) in the given groups. */
    static MultiSearchRequest request(String[] indices, List<QueryBuilder> knn, int[] k, List<int[]> groups, int shards, int window) {
        MultiSearchRequest msearch = new MultiSearchRequest();
        for (int[] group : groups) {
            BoolQueryBuilder bool = QueryBuilders.boolQuery();
            long size = 0;
            for (int circle : group) {
                bool.should(knn.get(circle).queryName(CLAUSE + circle));
                size += (long) k[circle] * shards;
            }
            msearch.add(new SearchRequest(indices).source(new SearchSourceBuilder().query(bool).size((int) Math.min(size, window))
                .fetchSource(false).trackTotalHits(false).includeNamedQueriesScores(true)));
        }
        return msearch;
    }

    /**
     * Each circle's top-k from the responses, ties broken by id so that the order does not depend on how the index
     * is sharded. A failed request fails with the circles it carried named.
     */
    static List<Hits> read(MultiSearchResponse response, List<int[]> groups, int[] k, List<String> circleNames, String field) {
        List<List<Map.Entry<String, Float>>> found = new ArrayList<>();
        for (int i = 0; i < k.length; i++) {
            found.add(new ArrayList<>());
        }
        for (int g = 0; g < groups.size(); g++) {
            MultiSearchResponse.Item item = response.getResponses()[g];
            if (item.isFailure()) {
                List<String> names = new ArrayList<>();
                for (int circle : groups.get(g)) {
                    names.add(circleNames.get(circle));
                }
                throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] the k-NN search of circle" + (names.size() > 1 ? "s " : " ")
                    + names + " on field [" + field + "] failed: " + item.getFailureMessage(), item.getFailure());
            }
            for (SearchHit hit : item.getResponse().getHits().getHits()) {
                for (Map.Entry<String, Float> e : hit.getMatchedQueriesAndScores().entrySet()) {
                    if (e.getKey().startsWith(CLAUSE)) {
                        found.get(Integer.parseInt(e.getKey().substring(CLAUSE.length()))).add(Map.entry(hit.getId(), e.getValue()));
                    }
                }
            }
        }
        Comparator<Map.Entry<String, Float>> best = Map.Entry.<String, Float>comparingByValue().reversed().thenComparing(Map.Entry::getKey);
        List<Hits> out = new ArrayList<>(k.length);
        for (int i = 0; i < k.length; i++) {
            List<Map.Entry<String, Float>> hits = found.get(i);
            hits.sort(best);
            List<Map.Entry<String, Float>> top = hits.subList(0, Math.min(k[i], hits.size()));
            out.add(new Hits(top.stream().map(Map.Entry::getKey).toList(), top.stream().map(Map.Entry::getValue).toList()));
        }
        return out;
    }
}
