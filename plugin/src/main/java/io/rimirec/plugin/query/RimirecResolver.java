package io.rimirec.plugin.query;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.merge.BestScoreMerge;
import io.rimirec.core.merge.QuotaMerge;
import io.rimirec.core.recall.HistoryItem;
import io.rimirec.core.recall.RecallPlanner;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.Abbreviate;
import io.rimirec.core.vector.VectorValues;
import io.rimirec.plugin.history.HistoryVectorsAction;
import io.rimirec.plugin.ingest.PipelineModels;
import io.rimirec.plugin.knn.KnnQueries;
import io.rimirec.plugin.model.LoadedModel;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetRequest;
import org.opensearch.action.get.MultiGetResponse;
import org.opensearch.action.search.MultiSearchRequest;
import org.opensearch.action.search.MultiSearchResponse;
import org.opensearch.cluster.ClusterState;
import org.opensearch.common.logging.HeaderWarning;
import org.opensearch.common.xcontent.support.XContentMapValues;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.fetch.subphase.FetchSourceContext;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.tasks.Task;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Resolves one {@code rimirec} query on the coordinating node, asynchronously and in this order (docs/query.md, "What happens"):
 * the model from the node's cache; the history's vectors by one multi-get (with the caller's security context);
 * on the rimirec thread pool, the generator's circles, the behaviour split and one user vector per circle (core's
 * {@link RecallPlanner}, the code the offline evaluation runs); one multi-search of k-NN queries, each restricted to
 * one circle; the quota merge. The answer is a {@link ScoredIdsQueryBuilder} whose explanations say where each hit
 * came from and whose summary lists circles, quotas and timings.
 */
final class RimirecResolver {

    private static final int MAX_MISSING_IDS_SHOWN = 5;

    private final RimirecQueryBuilder query;
    /**
     * The indexes the k-NN searches run on: the search's own, or, when the model was read from the index's pipeline,
     * the concrete indexes its aliases pointed at in that same cluster state, so that an alias swap between reading the
     * model and searching cannot pair the model with the other index.
     */
    private String[] searchedIndices;
    /** The history index, pinned like {@link #searchedIndices} when the model came from the index; else null. */
    private String pinnedHistoryIndex;
    private final Client client;
    /** The search task this clause runs under (its searches are the task's children), or null when it is not known. */
    private final Task task;
    private final RimirecServices services;

    private LoadedModel model;
    private BundleManifest.Fields fields;
    private final List<HistoryItem> history = new ArrayList<>();
    /** Ids of history items whose vector is not the indexed one (given inline, or decoded from codes): see excludedIn. */
    private final Set<String> leafUncertain = new HashSet<>();
    private final List<String> missing = new ArrayList<>();
    /** History entries whose id came earlier in the history too (fetched once, read at each position). */
    private int repeated;
    private CircleSearches.ShardCounts shards;
    /** The circle hits' tree stamps (circles strategy), or null. */
    private CircleSearches.TreeStamps stamps;
    /** Why the stamps were not read (the stamp field is not a keyword in some searched index), or null. */
    private String stampsUnchecked;
    private RecallPlanner.Plan plan;
    private int[] circleK;
    private String userVectorsName;
    private long historyNanos;
    private long knnNanos;
    private long interestNanos;
    private long startNanos;

    RimirecResolver(RimirecQueryBuilder query, String[] searchedIndices, Client client, Task task, RimirecServices services) {
        this.query = query;
        this.searchedIndices = searchedIndices;
        this.client = client;
        this.task = task;
        this.services = services;
    }

    void run(ActionListener<ScoredIdsQueryBuilder> listener) {
        startNanos = System.nanoTime();
        String modelId;
        try {
            modelId = query.model() != null ? query.model() : modelOfIndex();
        } catch (IllegalArgumentException e) {
            listener.onFailure(e);
            return;
        }
        services.models().getModel(modelId, ActionListener.wrap(m -> {
            model = m;
            fields = query.fields(m.bundle().manifest().fields()); // the query may name the index's own fields
            checkNotCancelled();
            fetchHistory(listener);
        }, listener::onFailure));
    }

    /**
     * No [model]: the model whose pipeline stamps the history index (or the searched indexes), read from the cluster
     * state at this moment. An alias swap thus moves queries to the new index and its model at once (blue-green).
     */
    private String modelOfIndex() {
        List<String> names = query.historyIndex() != null ? List.of(query.historyIndex()) : List.of(searchedIndices);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] requires [model] when the search names no index");
        }
        ClusterState state = services.clusterState().get();
        try {
            String model = PipelineModels.modelOfIndices(state, names);
            searchedIndices = PipelineModels.pin(state, searchedIndices);
            if (query.historyIndex() != null) {
                String[] history = PipelineModels.pin(state, new String[] {query.historyIndex()});
                pinnedHistoryIndex = history.length == 1 ? history[0] : null;
            }
            return model;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] [model] is not set, so it is read from the index's "
                + "pipeline, but " + e.getMessage(), e);
        }
    }

    /** Stops between steps once the search was cancelled: its child searches are cancelled with it, ours are not started. */
    private void checkNotCancelled() {
        if (task instanceof CancellableTask c && c.isCancelled()) {
            throw new TaskCancelledException("[" + RimirecQueryBuilder.NAME + "] the search was cancelled"
                + (c.getReasonCancelled() == null ? "" : ": " + c.getReasonCancelled()));
        }
    }

    // ---- 1. history --------------------------------------------------------------------------------------------

    private void fetchHistory(ActionListener<ScoredIdsQueryBuilder> listener) {
        long t0 = System.nanoTime();
        List<RimirecQueryBuilder.HistoryEntry> toFetch = query.history().stream().filter(h -> h.vector() == null).toList();
        if (toFetch.isEmpty()) {
            historyNanos = System.nanoTime() - t0;
            onRimirecPool(listener, () -> collectHistory(Map.of(), listener));
            return;
        }
        String index = historyIndex();
        List<String> ids = toFetch.stream().map(RimirecQueryBuilder.HistoryEntry::id).distinct().toList();
        if (query.historyFromCodes()) {
            HistoryCodes.codebook(model); // fails early, before any fetch, for a model without a codebook
            multiGet(index, ids, Map.of(), t0, listener);
            return;
        }
        // Vectors straight from the shards' vector values; whatever that cannot answer (not refreshed yet, unknown,
        // not a float vector field) goes through the real-time multi-get, so answers and errors stay the same.
        client.execute(HistoryVectorsAction.INSTANCE, new HistoryVectorsAction.Request(index, fields.vector(), ids), ActionListener.wrap(
            response -> {
                if (response.unresolved().isEmpty()) {
                    historyNanos = System.nanoTime() - t0;
                    onRimirecPool(listener, () -> collectHistory(checkedDimensions(response.vectors(), index), listener));
                } else {
                    multiGet(index, response.unresolved(), response.vectors(), t0, listener);
                }
            },
            e -> multiGet(index, ids, Map.of(), t0, listener)));
    }

    /**
     * Vectors read from the shards' vector values, checked against the model's dimension as the multi-get's parsed
     * ones are (an index mapped with another dimension than the model's).
     */
    private Map<String, float[]> checkedDimensions(Map<String, float[]> vectors, String index) {
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            try {
                VectorValues.parse(e.getValue(), fields.vector(), model.tree().dimension());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] history item [" + Abbreviate.text(e.getKey())
                    + "] in [" + index + "]: " + ex.getMessage());
            }
        }
        return vectors;
    }

    /** The real-time multi-get of {@code ids}' sources (vectors or codes), added to {@code alreadyRead}. */
    private void multiGet(String index, List<String> ids, Map<String, float[]> alreadyRead, long t0,
                          ActionListener<ScoredIdsQueryBuilder> listener) {
        MultiGetRequest mget = new MultiGetRequest();
        FetchSourceContext source = new FetchSourceContext(true, new String[] {historyField()}, null);
        for (String id : ids) {
            mget.add(new MultiGetRequest.Item(index, id).fetchSourceContext(source));
        }
        client.multiGet(mget, ActionListener.wrap(response -> {
            historyNanos = System.nanoTime() - t0;
            // Parsing up to 10,000 vectors and descending the tree for each is CPU work: not on a network thread.
            onRimirecPool(listener, () -> {
                Map<String, float[]> all = new LinkedHashMap<>(checkedDimensions(alreadyRead, index));
                all.putAll(vectorsById(response, index));
                collectHistory(all, listener);
            });
        }, listener::onFailure));
    }

    /** Runs {@code work} on the rimirec pool with the caller's thread context; a throw fails the query. */
    private void onRimirecPool(ActionListener<ScoredIdsQueryBuilder> listener, Runnable work) {
        services.threadPool().executor(services.executor()).execute(services.threadPool().getThreadContext().preserveContext(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                listener.onFailure(e);
            }
        }));
    }

    /** history_index, or the one index the search names. */
    private String historyIndex() {
        if (pinnedHistoryIndex != null) {
            return pinnedHistoryIndex;
        }
        if (query.historyIndex() != null) {
            return query.historyIndex();
        }
        if (searchedIndices.length == 1 && !searchedIndices[0].contains("*") && !searchedIndices[0].contains(",")
            && !searchedIndices[0].equals("_all")) {
            return searchedIndices[0];
        }
        throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] the search names " + (searchedIndices.length == 0
            ? "no index" : "indices " + String.join(",", searchedIndices)) + ", so set [history_index] to the one index (or alias) "
            + "where the history item ids are found");
    }

    /** The field history ids are read from: the model's vector field, or the codes field. */
    private String historyField() {
        return query.historyFromCodes() ? query.codesField() : fields.vector();
    }

    private Map<String, float[]> vectorsById(MultiGetResponse response, String index) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (MultiGetItemResponse item : response.getResponses()) {
            if (item.isFailed()) {
                throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] could not read history item ["
                    + Abbreviate.text(item.getId()) + "] from [" + index + "]: " + item.getFailure().getMessage());
            }
            if (!item.getResponse().isExists() || item.getResponse().getSourceAsMap() == null) {
                continue;
            }
            Object raw = XContentMapValues.extractValue(historyField(), item.getResponse().getSourceAsMap());
            if (raw == null) {
                continue; // an item without a vector is treated like an unknown item
            }
            try {
                out.put(item.getId(), query.historyFromCodes()
                    ? HistoryCodes.decode(raw, historyField(), HistoryCodes.codebook(model))
                    : VectorValues.parse(raw, fields.vector(), model.tree().dimension()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] history item [" + Abbreviate.text(item.getId())
                    + "] in [" + index + "]: " + e.getMessage());
            }
        }
        return out;
    }

    /** Runs on the rimirec pool: the history's vectors and leaves, then the plan and the searches. */
    private void collectHistory(Map<String, float[]> fetched, ActionListener<ScoredIdsQueryBuilder> listener) {
        try {
            CircleTree tree = model.tree();
            // A repeated id is fetched once but read at every position: repeats are part of a user's sequence (a song
            // played again), the models were trained on sequences with them, and the offline evaluation reads them too.
            Set<String> seen = new HashSet<>();
            int position = 0;
            for (RimirecQueryBuilder.HistoryEntry h : query.history()) {
                if (h.id() != null && !seen.add(h.id())) {
                    repeated++;
                }
                float[] v = h.vector();
                if (v != null) {
                    if (v.length != tree.dimension()) {
                        throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] [history][" + position + "][vector] has "
                            + v.length + " values but model [" + model.id() + "] expects " + tree.dimension());
                    }
                    try {
                        // As at ingest: a zero vector under cosine, or one whose squares leave float range, would land in
                        // an arbitrary leaf and pull the user's circles there.
                        VectorValues.checkMagnitude(v, "history][" + position + "][vector", tree.metric());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] model [" + model.id() + "]: "
                            + e.getMessage().replaceFirst("^field \\[", "["));
                    }
                } else {
                    v = fetched.get(h.id());
                }
                if (v == null) {
                    missing.add(h.id());
                } else {
                    history.add(new HistoryItem(h.id(), v, tree.assign(v)));
                    if (h.id() != null && (h.vector() != null || query.historyFromCodes())) {
                        leafUncertain.add(h.id());
                    }
                }
                position++;
            }
            if (history.isEmpty()) {
                throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] none of the " + missing.size()
                    + " history items was found with a [" + historyField() + "] in [" + historyIndex() + "] (" + missingText()
                    + "): rimirec needs at least one known item to find the user's interests"
                    + (query.historyFromCodes() ? "" : "; if the index keeps its vectors in another field, name it with [field]"));
            }
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        try {
            checkNotCancelled();
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        if (strategy() == RimirecQueryBuilder.Strategy.HYMIREC) {
            interestsAndSearch(listener);
        } else {
            planAndSearch(listener);
        }
    }

    // ---- 2'. strategy hymirec: interest vectors, one k-NN search each, best-score merge --------------------------

    private void interestsAndSearch(ActionListener<ScoredIdsQueryBuilder> listener) {
        MultiSearchRequest msearch;
        float[][] interests;
        int k = query.k() != null ? query.k() : query.size(); // k >= size: the merge is the exact top by best score
        long generateStart = System.nanoTime();
        try {
            List<float[]> vectors = new ArrayList<>(history.size());
            for (HistoryItem h : history) {
                vectors.add(h.vector());
            }
            interests = model.withInterestModel(services.sessions(), m -> m.interests(vectors, query.historyFromCodes()));
            interestNanos = System.nanoTime() - generateStart;
            String[] excluded = query.excludeHistory() ? history.stream().map(HistoryItem::id).filter(Objects::nonNull).distinct()
                .toArray(String[]::new) : new String[0];
            BoolQueryBuilder filter = knnFilter(null, excluded);
            List<QueryBuilder> knn = new ArrayList<>(interests.length);
            for (float[] v : interests) {
                knn.add(KnnQueries.filteredKnn(fields.vector(), v, k, filter, query.efSearch()));
            }
            int[] ks = new int[interests.length];
            Arrays.fill(ks, k);
            services.mappings().checkSpaceType(services.clusterState().get(), searchedIndices, fields.vector(), model.tree().metric(),
                model.id());
            msearch = CircleSearches.request(searchedIndices, knn, ks, null);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        searchThen(msearch, listener, response -> mergeInterests(response, interests.length, k, listener));
    }

    /** Runs the k-NN multi-search, timing it, then {@code merge}; a failure fails the query. */
    private void searchThen(MultiSearchRequest msearch, ActionListener<ScoredIdsQueryBuilder> listener,
                            Consumer<MultiSearchResponse> merge) {
        try {
            checkNotCancelled();
        } catch (RuntimeException e) {
            listener.onFailure(e);
            return;
        }
        long t0 = System.nanoTime();
        client.multiSearch(msearch, ActionListener.wrap(response -> {
            knnNanos = System.nanoTime() - t0;
            merge.accept(response);
        }, listener::onFailure));
    }

    /**
     * The searches' hits when every shard answered, or when the query allows partial results (then a Warning header
     * says what is missing, as the profile does); otherwise the query fails and says why and how to opt in.
     */
    private List<CircleSearches.Hits> complete(MultiSearchResponse response, List<String> names, String stampField) {
        CircleSearches.Result result = CircleSearches.read(response, names, fields.vector(), stampField, model.tree().stamp());
        shards = result.shards();
        stamps = result.stamps();
        if (shards.partial()) {
            if (!query.allowPartialResults()) {
                throw shards.failure();
            }
            HeaderWarning.addWarning("[" + RimirecQueryBuilder.NAME + "] partial results: " + shards.describe());
        }
        if (stamps != null && stamps.mismatch()) {
            if (!query.allowTreeMismatch()) {
                throw treeMismatch();
            }
            HeaderWarning.addWarning("[" + RimirecQueryBuilder.NAME + "] tree mismatch: " + stamps.describe());
        }
        return result.hits();
    }

    /**
     * Hits stamped by another tree mean the model's tree changed after those items were indexed: their circle
     * fields no longer follow the model's circles, so per-circle searches miss or misplace them. A 409: the index and
     * the model disagree, and either can be brought in line.
     */
    private OpenSearchStatusException treeMismatch() {
        return new OpenSearchStatusException(String.format(Locale.ROOT, "[%s] %d of %d circle hits were stamped by another tree than "
            + "model [%s]'s: [%s] has [%s] = [%s] (first: [%s][%s]) but the model's tree stamp is [%s]. The model's tree changed after "
            + "these items were indexed, so their circles are not the model's and the answer would be wrong. Re-stamp the items "
            + "through the model's pipeline (POST %s/_update_by_query?pipeline=<pipeline>), or serve the new tree under a new model "
            + "id and switch over when its index is ready (docs/model-store.md, \"Changing a model's tree\"); set [%s] to true to "
            + "answer anyway", RimirecQueryBuilder.NAME, stamps.other(), stamps.matching() + stamps.other() + stamps.unstamped(),
            model.id(), stamps.firstOtherIndex(), fields.tree(), stamps.firstOther(), stamps.firstOtherIndex(),
            Abbreviate.text(stamps.firstOtherId()), stamps.expected(), stamps.firstOtherIndex(),
            RimirecQueryBuilder.ALLOW_TREE_MISMATCH.getPreferredName()), RestStatus.CONFLICT);
    }

    private void mergeInterests(MultiSearchResponse response, int count, int k, ActionListener<ScoredIdsQueryBuilder> listener) {
        try {
            long t0 = System.nanoTime();
            List<String> names = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                names.add("interest [" + i + "]");
            }
            List<BestScoreMerge.Candidates> candidates = new ArrayList<>(count);
            for (CircleSearches.Hits hits : complete(response, names, null)) {
                candidates.add(new BestScoreMerge.Candidates(hits.ids(), hits.scores()));
            }
            List<BestScoreMerge.Hit> merged = BestScoreMerge.merge(candidates, query.size());
            long mergeNanos = System.nanoTime() - t0;
            int[] perInterest = new int[count];
            List<ScoredIdsQueryBuilder.ScoredId> hits = new ArrayList<>(merged.size());
            for (int pos = 0; pos < merged.size(); pos++) {
                BestScoreMerge.Hit h = merged.get(pos);
                perInterest[h.interest()]++;
                // The best k-NN score is the score: it orders the list as the merge did (ties by id).
                hits.add(new ScoredIdsQueryBuilder.ScoredId(h.item(), h.score(), String.format(Locale.ROOT,
                    "rimirec hymirec: interest %d of %d, rank %d in its k-NN list, k-NN score %.4f, merged position %d of %d",
                    h.interest() + 1, count, h.rank() + 1, h.score(), pos + 1, merged.size())));
            }
            StringBuilder sb = new StringBuilder("rimirec model=").append(modelLabel()).append(" strategy=hymirec interests=").append(count)
                .append(" k=").append(k).append(" hits_per_interest=").append(Arrays.toString(perInterest));
            appendHistoryAndShards(sb);
            sb.append(" onnx=").append(services.sessions().describe());
            sb.append(String.format(Locale.ROOT, " timings_ms={history_fetch=%.2f, interests=%.2f, knn=%.2f, merge=%.2f, resolve=%.2f}",
                historyNanos / 1e6, interestNanos / 1e6, knnNanos / 1e6, mergeNanos / 1e6, (System.nanoTime() - startNanos) / 1e6));
            listener.onResponse(new ScoredIdsQueryBuilder(hits).summary(sb.toString()));
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    // ---- 2. circles, user vectors, k-NN per circle -------------------------------------------------------------

    private void planAndSearch(ActionListener<ScoredIdsQueryBuilder> listener) {
        MultiSearchRequest msearch;
        try {
            boolean split = historySplit();
            plan = model.withPlanner(services.sessions(), planner -> {
                userVectorsName = planner.userVectors().name();
                return planner.withHistoryMode(split ? RecallPlanner.HistoryMode.SPLIT : RecallPlanner.HistoryMode.UNIFIED)
                    .plan(history, beams());
            });
            circleK = candidatesPerCircle();
            List<QueryBuilder> knn = new ArrayList<>(plan.circles().size());
            for (int i = 0; i < plan.circles().size(); i++) {
                RecallPlanner.CirclePlan c = plan.circles().get(i);
                String[] excluded = query.excludeHistory() ? excludedIn(c.circle()) : new String[0];
                BoolQueryBuilder filter = knnFilter(QueryBuilders.termQuery(fields.circles(), c.circle().toString()), excluded);
                knn.add(KnnQueries.filteredKnn(fields.vector(), c.userVector(), circleK[i], filter, query.efSearch()));
            }
            msearch = CircleSearches.request(searchedIndices, knn, circleK, checkMappings());
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        searchThen(msearch, listener, response -> merge(response, listener));
    }

    /**
     * One look at the searched indexes' mappings (resolved once): a vector field mapped with another similarity than the
     * model's would answer silently differently, so it is a 400; returns the tree stamp field when every index maps it
     * as a keyword, else null, with the reason kept for the profile.
     */
    private String checkMappings() {
        MappedFields.Check check = services.mappings().checkForCircles(services.clusterState().get(), searchedIndices, fields.vector(),
            model.tree().metric(), model.id(), fields.tree());
        stampsUnchecked = check.reason();
        return check.readable() ? fields.tree() : null;
    }

    /**
     * One k-NN search's filter: {@code restrict} (a circle's term, or null), the query's {@code filter}, minus the
     * {@code excluded} ids; null when there is nothing to filter, so an unrestricted search stays a plain HNSW search.
     */
    private BoolQueryBuilder knnFilter(QueryBuilder restrict, String[] excluded) {
        if (restrict == null && query.filter() == null && excluded.length == 0) {
            return null;
        }
        BoolQueryBuilder filter = QueryBuilders.boolQuery();
        if (restrict != null) {
            filter.filter(restrict);
        }
        if (query.filter() != null) {
            filter.filter(query.filter());
        }
        if (excluded.length > 0) {
            filter.mustNot(QueryBuilders.idsQuery().addIds(excluded));
        }
        return filter;
    }

    /**
     * The history ids to exclude inside {@code circle}: only the items whose leaf lies in it, since the circle filter
     * already keeps out everything else (the pipeline stamped each item's circles by the same descent from its indexed
     * vector). Items whose vector was given inline or decoded from codes may sit elsewhere in the index, so they are
     * excluded in every circle. Sending all of a long history to every circle made the id filter most of each k-NN
     * search's cost.
     */
    private String[] excludedIn(CirclePath circle) {
        Set<String> ids = new LinkedHashSet<>();
        for (HistoryItem h : history) {
            if (h.id() != null && (leafUncertain.contains(h.id()) || circle.contains(h.leaf()))) {
                ids.add(h.id());
            }
        }
        return ids.toArray(String[]::new);
    }

    /** The query's fixed per-circle k, or each circle's quota plus headroom (core's rule, shared with the offline evaluation). */
    private int[] candidatesPerCircle() {
        if (query.k() != null) {
            int[] fixed = new int[plan.circles().size()];
            Arrays.fill(fixed, query.k());
            return fixed;
        }
        double[] p = plan.circles().stream().mapToDouble(RecallPlanner.CirclePlan::probability).toArray();
        return QuotaMerge.candidatesPerCircle(query.size(), p, query.alpha());
    }

    // ---- 3. quota merge ----------------------------------------------------------------------------------------

    private void merge(MultiSearchResponse response, ActionListener<ScoredIdsQueryBuilder> listener) {
        try {
            long t0 = System.nanoTime();
            List<RecallPlanner.CirclePlan> circles = plan.circles();
            List<String> names = circles.stream().map(c -> c.circle().toString()).toList();
            List<CircleSearches.Hits> found = complete(response, names.stream().map(c -> "circle [" + c + "]").toList(),
                stampsUnchecked == null ? fields.tree() : null);
            List<QuotaMerge.CircleCandidates> candidates = new ArrayList<>(circles.size());
            Map<String, Float> knnScore = new HashMap<>();
            for (int i = 0; i < circles.size(); i++) {
                CircleSearches.Hits hits = found.get(i);
                for (int j = 0; j < hits.ids().size(); j++) {
                    knnScore.put(names.get(i) + "|" + hits.ids().get(j), hits.scores().get(j));
                }
                candidates.add(new QuotaMerge.CircleCandidates(names.get(i), circles.get(i).probability(), hits.ids()));
            }
            List<QuotaMerge.Hit> merged = QuotaMerge.merge(candidates, query.size(), query.alpha());
            long mergeNanos = System.nanoTime() - t0;
            List<ScoredIdsQueryBuilder.ScoredId> hits = new ArrayList<>(merged.size());
            int n = merged.size();
            for (int pos = 0; pos < n; pos++) {
                QuotaMerge.Hit h = merged.get(pos);
                // Scores keep the merged order under any sort by score: (M - position) / M, in (0, 1].
                float score = (float) (n - pos) / n;
                Float knn = knnScore.get(h.circle() + "|" + h.item());
                hits.add(new ScoredIdsQueryBuilder.ScoredId(h.item(), score, String.format(Locale.ROOT,
                    "rimirec: circle %s (probability %.4f, quota %d), rank %d in the circle, k-NN score %.4f, merged position %d of %d",
                    h.circle(), h.probability(), h.quota(), h.rankInCircle() + 1, knn == null ? Float.NaN : knn, pos + 1, n)));
            }
            listener.onResponse(new ScoredIdsQueryBuilder(hits).summary(summary(merged, mergeNanos)));
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    private String summary(List<QuotaMerge.Hit> merged, long mergeNanos) {
        Map<String, int[]> perCircle = new LinkedHashMap<>(); // circle -> {quota, hits}
        for (RecallPlanner.CirclePlan c : plan.circles()) {
            perCircle.put(c.circle().toString(), new int[2]);
        }
        for (QuotaMerge.Hit h : merged) {
            int[] qh = perCircle.get(h.circle());
            qh[0] = h.quota();
            qh[1]++;
        }
        StringBuilder sb = new StringBuilder("rimirec model=").append(modelLabel()).append(" beams=").append(beams())
            .append(" history_split=").append(historySplit()).append(" circles=[");
        for (int i = 0; i < plan.circles().size(); i++) {
            RecallPlanner.CirclePlan c = plan.circles().get(i);
            int[] qh = perCircle.get(c.circle().toString());
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s p=%.4f k=%d quota=%s history=%d hits=%d", c.circle(),
                c.probability(), circleK[i], qh[1] == 0 ? "-" : Integer.toString(qh[0]), c.historyItems(), qh[1]));
        }
        sb.append(']');
        appendHistoryAndShards(sb);
        sb.append(" onnx=").append(services.sessions().describe());
        // resolve: the whole clause, from the model lookup to the merged ids, including waits between the steps.
        sb.append(String.format(Locale.ROOT, " user_vectors=%s timings_ms={history_fetch=%.2f, generate=%.2f, user_vectors=%.2f, knn=%.2f, merge=%.2f, resolve=%.2f}",
            userVectorsName, historyNanos / 1e6, plan.generateNanos() / 1e6,
            plan.userVectorNanos() / 1e6, knnNanos / 1e6, mergeNanos / 1e6, (System.nanoTime() - startNanos) / 1e6));
        return sb.toString();
    }

    // ---- what the query asks for, else the model's serving defaults (rimirec train chose them), else the built-in ones ----

    private BundleManifest.Serving serving() {
        return model.bundle().manifest().serving();
    }

    private RimirecQueryBuilder.Strategy strategy() {
        if (query.strategy() != null) {
            return query.strategy();
        }
        if (query.beams() != null || query.historySplit() != null) {
            return RimirecQueryBuilder.Strategy.CIRCLES; // settings only circles have: the query asks for circles
        }
        return BundleManifest.Serving.HYMIREC.equals(serving().strategy()) ? RimirecQueryBuilder.Strategy.HYMIREC
            : RimirecQueryBuilder.Strategy.CIRCLES;
    }

    private int beams() {
        return query.beams() != null ? query.beams() : serving().beams() != null ? serving().beams() : RimirecQueryBuilder.DEFAULT_BEAMS;
    }

    private boolean historySplit() {
        return query.historySplit() != null ? query.historySplit() : serving().historySplit() == null || serving().historySplit();
    }

    /** The model id, and where it came from when the query did not name it. */
    private String modelLabel() {
        return query.model() != null ? model.id() : model.id() + " (from the index's pipeline)";
    }

    /** {@code history=found/asked}, what was not found, how many entries repeat an earlier id, and the shard counts. */
    private void appendHistoryAndShards(StringBuilder sb) {
        sb.append(String.format(Locale.ROOT, " history=%d/%d", history.size(), history.size() + missing.size()));
        if (!missing.isEmpty()) {
            sb.append(" (").append(missingText()).append(')');
        }
        if (repeated > 0) {
            sb.append(" repeated=").append(repeated);
        }
        sb.append(' ').append(shards.describe());
        if (stamps != null) {
            sb.append(' ').append(stamps.describe());
        } else if (stampsUnchecked != null) {
            sb.append(" tree=unchecked (").append(stampsUnchecked).append(')');
        }
    }

    private String missingText() {
        List<String> shown = missing.subList(0, Math.min(MAX_MISSING_IDS_SHOWN, missing.size())).stream().map(Abbreviate::text).toList();
        return "not found: " + String.join(", ", shown) + (missing.size() > shown.size() ? " and " + (missing.size() - shown.size()) + " more" : "");
    }
}
