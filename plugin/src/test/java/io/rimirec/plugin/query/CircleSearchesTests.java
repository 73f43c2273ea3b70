package io.rimirec.plugin.query;

import org.apache.lucene.search.TotalHits;
import org.junit.jupiter.api.Test;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.NoShardAvailableActionException;
import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchResponseSections;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.common.document.DocumentField;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.SearchHits;
import org.opensearch.search.SearchShardTarget;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircleSearchesTests {

    @Test
    void oneSearchPerCircleAskingForItsKAndNoSource() {
        MultiSearchRequest r = CircleSearches.request(new String[] {"items"},
            List.of(QueryBuilders.matchAllQuery(), QueryBuilders.termQuery("circles", "2/1")), new int[] {30, 12}, "circle_tree");
        assertEquals(2, r.requests().size());
        assertEquals(30, r.requests().get(0).source().size());
        assertEquals(12, r.requests().get(1).source().size());
        assertEquals(List.of("items"), List.of(r.requests().get(1).indices()));
        assertTrue(!r.requests().get(0).source().fetchSource().fetchSource(), "ids only");
        assertEquals("circle_tree", r.requests().get(0).source().docValueFields().get(0).field, "and the tree stamp from doc values");
        assertEquals(null, CircleSearches.request(new String[] {"items"}, List.of(QueryBuilders.matchAllQuery()), new int[] {5}, null)
            .requests().get(0).source().docValueFields(), "interest searches read no stamp");
    }

    @Test
    void hitsStampedByAnotherTreeAreCountedWithTheFirstOneNamedAndUnstampedHitsApart() {
        MultiSearchResponse r = new MultiSearchResponse(new MultiSearchResponse.Item[] {
            new MultiSearchResponse.Item(response(stamped("a", 0.9f, "aaaa"), stamped("b", 0.8f, "bbbb"), hit("c", 0.7f)), null),
            new MultiSearchResponse.Item(response(stamped("d", 0.9f, "aaaa")), null)}, 1);
        CircleSearches.TreeStamps stamps = CircleSearches.read(r, List.of("circle [0]", "circle [1]"), "item_vector", "circle_tree", "aaaa")
            .stamps();
        assertEquals(2, stamps.matching());
        assertEquals(1, stamps.other());
        assertEquals(1, stamps.unstamped());
        assertTrue(stamps.mismatch());
        assertEquals("tree={stamp=aaaa, matching=2, other=1, unstamped=1, first_other=bbbb on [items][b]}", stamps.describe());

        CircleSearches.TreeStamps same = CircleSearches.read(r, List.of("circle [0]", "circle [1]"), "item_vector", "circle_tree", "bbbb")
            .stamps();
        assertEquals(2, same.other(), "the expected stamp decides");
        assertEquals(1, same.matching());
        assertEquals(null, CircleSearches.read(r, List.of("circle [0]", "circle [1]"), "item_vector", null, null).stamps());
    }

    private static SearchHit stamped(String id, float score, String stamp) {
        SearchHit h = new SearchHit(0, id, java.util.Map.of("circle_tree", new DocumentField("circle_tree", List.of(stamp))), null);
        h.score(score);
        h.shard(new SearchShardTarget("n1", new ShardId("items", "_na_", 0), null, null));
        return h;
    }

    @Test
    void hitsComeBackPerCircleBestFirstWithTiesByIdAndAFailureNamesItsCircle() {
        MultiSearchResponse ok = new MultiSearchResponse(new MultiSearchResponse.Item[] {
            new MultiSearchResponse.Item(response(hit("b", 0.5f), hit("c", 0.9f), hit("a", 0.5f)), null),
            new MultiSearchResponse.Item(response(), null)}, 1);
        CircleSearches.Result result = CircleSearches.read(ok, List.of("circle [2]", "circle [2/1]"), "item_vector", null, null);
        List<CircleSearches.Hits> hits = result.hits();
        assertEquals(List.of("c", "a", "b"), hits.get(0).ids());
        assertEquals(List.of(0.9f, 0.5f, 0.5f), hits.get(0).scores());
        assertEquals(List.of(), hits.get(1).ids());
        assertFalse(result.shards().partial());
        assertEquals("shards={total=2, failed=0}", result.shards().describe());

        MultiSearchResponse failed = new MultiSearchResponse(new MultiSearchResponse.Item[] {
            new MultiSearchResponse.Item(response(), null),
            new MultiSearchResponse.Item(null, new IllegalArgumentException("dimension mismatch"))}, 1);
        OpenSearchStatusException e = assertThrows(OpenSearchStatusException.class,
            () -> CircleSearches.read(failed, List.of("circle [2]", "circle [2/1]"), "item_vector", null, null));
        assertTrue(e.getMessage().contains("circle [2/1]") && e.getMessage().contains("[item_vector]")
            && e.getMessage().contains("dimension mismatch"), e.getMessage());
        assertEquals(RestStatus.BAD_REQUEST, e.status(), "the caller's mistake");
    }

    @Test
    void aSearchWhoseEveryShardFailedSaysTheFirstShardsReasonNotJustAllShardsFailed() {
        ShardSearchFailure shard = new ShardSearchFailure(new IllegalArgumentException("field [item_vector] is not a knn_vector"));
        SearchPhaseExecutionException all = new SearchPhaseExecutionException("query", "all shards failed", new ShardSearchFailure[] {shard});
        MultiSearchResponse failed = new MultiSearchResponse(new MultiSearchResponse.Item[] {new MultiSearchResponse.Item(null, all)}, 1);
        OpenSearchStatusException e = assertThrows(OpenSearchStatusException.class,
            () -> CircleSearches.read(failed, List.of("interest [0]"), "item_vector", null, null));
        assertTrue(e.getMessage().contains("is not a knn_vector"), e.getMessage());
        assertEquals(RestStatus.BAD_REQUEST, e.status());
    }

    @Test
    void shardsThatFailedInsideASearchAreCountedAndRefusedUnlessPartialResultsAreAllowed() {
        ShardSearchFailure down = new ShardSearchFailure(new NoShardAvailableActionException(new ShardId("items", "_na_", 2), "node left"));
        MultiSearchResponse partial = new MultiSearchResponse(new MultiSearchResponse.Item[] {
            new MultiSearchResponse.Item(response(hit("a", 0.9f)), null),
            new MultiSearchResponse.Item(response(3, new ShardSearchFailure[] {down}, hit("b", 0.8f)), null)}, 1);
        CircleSearches.Result result = CircleSearches.read(partial, List.of("circle [2]", "circle [2/1]"), "item_vector", null, null);
        assertEquals(List.of("b"), result.hits().get(1).ids(), "the shards that answered still give their hits");
        CircleSearches.ShardCounts shards = result.shards();
        assertTrue(shards.partial());
        assertEquals(4, shards.total());
        assertEquals(1, shards.failed());
        assertTrue(shards.describe().startsWith("shards={total=4, failed=1} partial=[circle [2/1]: "), shards.describe());
        OpenSearchStatusException e = shards.failure();
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, e.status(), "a shard that is not there is worth a retry");
        assertTrue(e.getMessage().contains("1 of 4 shard searches failed") && e.getMessage().contains("circle [2/1]")
            && e.getMessage().contains("[allow_partial_results]"), e.getMessage());
    }

    private static SearchResponse response(int shards, ShardSearchFailure[] failures, SearchHit... hits) {
        SearchHits sh = new SearchHits(hits, new TotalHits(hits.length, TotalHits.Relation.EQUAL_TO), 1f);
        return new SearchResponse(new SearchResponseSections(sh, null, null, false, false, null, 1), null, shards,
            shards - failures.length, 0, 1, failures, SearchResponse.Clusters.EMPTY);
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
