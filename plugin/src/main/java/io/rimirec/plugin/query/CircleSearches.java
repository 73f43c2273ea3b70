package io.rimirec.plugin.query;

import io.rimirec.core.util.Abbreviate;

import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.common.document.DocumentField;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

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

    /**
     * Shards over all the searches of one query: how many were asked, how many failed, whether one timed out, and the
     * first failure (which search, why, its status). A search some of whose shards failed returns the other shards'
     * hits only: the merged answer may then miss items, and the query must not present it as complete.
     */
    record ShardCounts(int total, int failed, int searchesWithFailures, boolean timedOut, String firstSearch, String firstReason,
                       RestStatus firstStatus) {

        boolean partial() {
            return failed > 0 || timedOut;
        }

        /** For the profile: {@code shards={total=6, failed=1}}, with the first failure when there is one. */
        String describe() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "shards={total=%d, failed=%d}", total, failed));
            if (timedOut) {
                sb.append(" timed_out=true");
            }
            if (firstReason != null) {
                sb.append(" partial=[").append(firstSearch).append(": ").append(firstReason).append(']');
            }
            return sb.toString();
        }

        /** The failure of a query that did not allow partial results. */
        OpenSearchStatusException failure() {
            String what = failed > 0
                ? failed + " of " + total + " shard searches failed in " + searchesWithFailures + " k-NN search(es), first in " + firstSearch
                    + ": " + firstReason
                : "a k-NN search timed out";
            RestStatus status = firstStatus != null && firstStatus.getStatus() < 500 ? firstStatus : RestStatus.SERVICE_UNAVAILABLE;
            return new OpenSearchStatusException("[" + RimirecQueryBuilder.NAME + "] " + what + "; the merged answer would miss those "
                + "shards' items, so it is refused. Retry, or set [" + RimirecQueryBuilder.ALLOW_PARTIAL_RESULTS.getPreferredName()
                + "] to true to accept partial results (the profile and a Warning header then say what is missing)", status);
        }
    }

    /**
     * The tree stamps the hits carried, against the model's: how many hits matched it, how many carried another
     * stamp (items whose circles another tree computed) and how many none (indexed before stamps, or with
     * {@code tree: false}), with the first other stamp and where it was seen.
     */
    record TreeStamps(String expected, int matching, int other, int unstamped, String firstOther, String firstOtherIndex,
                      String firstOtherId) {

        boolean mismatch() {
            return other > 0;
        }

        /** For the profile: {@code tree={stamp=..., matching=N, other=M, unstamped=U}}. */
        String describe() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "tree={stamp=%s, matching=%d, other=%d, unstamped=%d",
                expected, matching, other, unstamped));
            if (firstOther != null) {
                sb.append(", first_other=").append(firstOther).append(" on [").append(firstOtherIndex).append("][")
                    .append(Abbreviate.text(firstOtherId)).append(']');
            }
            return sb.append('}').toString();
        }
    }

    /** Every search's hits, the shard counts over all of them, and the tree stamps (null when they were not read). */
    record Result(List<Hits> hits, ShardCounts shards, TreeStamps stamps) {}

    /**
     * One search per circle, {@code knn.get(i)} asking for {@code k[i]} ids and nothing else but, when
     * {@code stampField} is not null, each hit's tree stamp from doc values (a few bytes per hit, no {@code _source}).
     */
    static MultiSearchRequest request(String[] indices, List<QueryBuilder> knn, int[] k, String stampField) {
        MultiSearchRequest msearch = new MultiSearchRequest();
        for (int i = 0; i < knn.size(); i++) {
            SearchSourceBuilder source = new SearchSourceBuilder().query(knn.get(i)).size(k[i]).fetchSource(false).trackTotalHits(false);
            if (stampField != null) {
                source.docValueField(stampField);
            }
            msearch.add(new SearchRequest(indices).source(source));
        }
        return msearch;
    }

    /**
     * Each search's hits, ties broken by id so that the order does not depend on how the index is sharded, and the shard
     * counts over all searches. A search that failed as a whole fails the query with its name ({@code circle [0/3]},
     * {@code interest [1]}), the first shard's reason (not just "all shards failed") and that failure's status.
     */
    static Result read(MultiSearchResponse response, List<String> searchNames, String field, String stampField, String expectedStamp) {
        Comparator<SearchHit> best = Comparator.comparing(SearchHit::getScore).reversed().thenComparing(SearchHit::getId);
        List<Hits> out = new ArrayList<>(searchNames.size());
        int total = 0, failed = 0, searchesWithFailures = 0;
        boolean timedOut = false;
        String firstSearch = null, firstReason = null;
        RestStatus firstStatus = null;
        int matching = 0, other = 0, unstamped = 0;
        String firstOther = null, firstOtherIndex = null, firstOtherId = null;
        for (int i = 0; i < searchNames.size(); i++) {
            MultiSearchResponse.Item item = response.getResponses()[i];
            if (item.isFailure()) {
                throw new OpenSearchStatusException("[" + RimirecQueryBuilder.NAME + "] the k-NN search of " + searchNames.get(i)
                    + " on field [" + field + "] failed: " + reason(item.getFailure()), ExceptionsHelper.status(item.getFailure()),
                    item.getFailure());
            }
            SearchResponse r = item.getResponse();
            total += r.getTotalShards();
            timedOut |= r.isTimedOut();
            if (r.getFailedShards() > 0) {
                failed += r.getFailedShards();
                searchesWithFailures++;
                if (firstReason == null) {
                    ShardSearchFailure[] failures = r.getShardFailures();
                    firstSearch = searchNames.get(i);
                    firstReason = failures.length == 0 ? "unknown" : failures[0].reason();
                    firstStatus = failures.length == 0 ? null : failures[0].status();
                }
            }
            List<SearchHit> hits = new ArrayList<>(List.of(r.getHits().getHits()));
            if (stampField != null) {
                for (SearchHit hit : hits) {
                    DocumentField stamp = hit.field(stampField);
                    Object value = stamp == null ? null : stamp.getValue();
                    if (value == null) {
                        unstamped++;
                    } else if (expectedStamp.equals(value.toString())) {
                        matching++;
                    } else {
                        other++;
                        if (firstOther == null) {
                            firstOther = Abbreviate.text(value.toString());
                            firstOtherIndex = hit.getIndex();
                            firstOtherId = hit.getId();
                        }
                    }
                }
            }
            hits.sort(best);
            out.add(new Hits(hits.stream().map(SearchHit::getId).toList(), hits.stream().map(SearchHit::getScore).toList()));
        }
        TreeStamps stamps = stampField == null ? null
            : new TreeStamps(expectedStamp, matching, other, unstamped, firstOther, firstOtherIndex, firstOtherId);
        return new Result(out, new ShardCounts(total, failed, searchesWithFailures, timedOut, firstSearch, firstReason, firstStatus),
            stamps);
    }

    /** What went wrong, from the first shard when every shard failed ("all shards failed" alone says nothing). */
    private static String reason(Exception failure) {
        Throwable cause = ExceptionsHelper.unwrapCause(failure);
        if (cause instanceof SearchPhaseExecutionException spe && spe.shardFailures().length > 0) {
            return spe.shardFailures()[0].reason();
        }
        return cause.getMessage();
    }
}
