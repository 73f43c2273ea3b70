package io.rimirec.plugin.query;

import org.apache.lucene.search.TotalHits;
import org.junit.jupiter.api.Test;
import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchResponseSections;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.SearchHits;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircleSearchesTests {

    @Test
    void oneSearchPerCircleAskingForItsKAndNoSource() {
        MultiSearchRequest r = CircleSearches.request(new String[] {"items"},
            List.of(QueryBuilders.matchAllQuery(), QueryBuilders.termQuery("circles", "2/1")), new int[] {30, 12});
        assertEquals(2, r.requests().size());
        assertEquals(30, r.requests().get(0).source().size());
        assertEquals(12, r.requests().get(1).source().size());
        assertEquals(List.of("items"), List.of(r.requests().get(1).indices()));
        assertTrue(!r.requests().get(0).source().fetchSource().fetchSource(), "ids only");
    }

    @Test
    void hitsComeBackPerCircleBestFirstWithTiesByIdAndAFailureNamesItsCircle() {
        MultiSearchResponse ok = new MultiSearchResponse(new MultiSearchResponse.Item[] {
            new MultiSearchResponse.Item(response(hit("b", 0.5f), hit("c", 0.9f), hit("a", 0.5f)), null),
            new MultiSearchResponse.Item(response(), null)}, 1);
        List<CircleSearches.Hits> hits = CircleSearches.read(ok, List.of("circle [2]", "circle [2/1]"), "item_vector");
        assertEquals(List.of("c", "a", "b"), hits.get(0).ids());
        assertEquals(List.of(0.9f, 0.5f, 0.5f), hits.get(0).scores());
        assertEquals(List.of(), hits.get(1).ids());

        MultiSearchResponse failed = new MultiSearchResponse(new MultiSearchResponse.Item[] {
            new MultiSearchResponse.Item(response(), null),
            new MultiSearchResponse.Item(null, new IllegalArgumentException("dimension mismatch"))}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CircleSearches.read(failed, List.of("circle [2]", "circle [2/1]"), "item_vector"));
        assertTrue(e.getMessage().contains("circle [2/1]") && e.getMessage().contains("[item_vector]")
            && e.getMessage().contains("dimension mismatch"), e.getMessage());
    }

    private static SearchHit hit(String id, float score) {
        SearchHit h = new SearchHit(0, id, null, null);
        h.score(score);
        return h;
    }

    private static SearchResponse response(SearchHit... hits) {
        SearchHits sh = new SearchHits(hits, new TotalHits(hits.length, TotalHits.Relation.EQUAL_TO), 1f);
        return new SearchResponse(new SearchResponseSections(sh, null, null, false, false, null, 1), null, 1, 1, 0, 1,
            ShardSearchFailure.EMPTY_ARRAY, SearchResponse.Clusters.EMPTY);
    }
}
