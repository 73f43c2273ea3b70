package io.rimirec.tools.eval.rimirec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.opensearch.BulkIndexer;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * A rimirec row served by a real cluster: the very {@link RimirecModel} the offline row fitted (shared through
 * {@link TrainingData#derived}) is packed as a bundle, uploaded to the model store, its items indexed through the
 * {@code rimirec_circles} pipeline, and every evaluation query becomes one {@code rimirec} query. Only the k-NN search
 * differs from offline: the query runs the k-NN plugin's Lucene engine inside every circle.
 *
 * <p><b>Exactness.</b> Each circle's search asks for the query's default k (its quota plus headroom, the rule offline
 * uses too) with {@code ef_search} set to the catalogue size.
 * Lucene's filtered HNSW search runs an exact scan whenever the filter matches no more documents than the candidate
 * list (k-NN passes {@code max(k, ef_search)} to Lucene), so with ef_search at least the largest circle every circle is
 * searched exactly, as offline. The index has one shard, so no per-shard top-k cuts the list.
 *
 * <p>Item {@code i} of the evaluation is document {@code i<i>}; only items with a vector are indexed, and the history
 * sent is the items with a vector (offline skips the others too). A history without any gets no recommendations, as
 * offline.
 */
public final class OnlineRimirec extends OnlineTwin {

    private final int beams;

    /**
     * @param offline the offline rimirec row (possibly with {@code --set} overrides): its name, grid and settings
     * @param beams   its B
     */
    public OnlineRimirec(Method offline, int beams, JsonHttp http) {
        super(offline, http, "served by a local OpenSearch node through the rimirec query (same fitted model)");
        this.beams = beams;
    }

    @Override
    public Recommender create(Settings settings) {
        return new Recommender() {
            private RimirecModel model;
            private Served served;

            @Override
            public void fit(TrainingData data, FitContext ctx) {
                model = RimirecMethod.sharedModel(data, settings, ctx);
                if (model.bundle == null) {
                    throw new IllegalStateException("the rimirec model has no packed bundle to serve");
                }
                served = data.derived("rimirec-online " + settings.with("alpha", 0),
                    () -> Served.setUp(http, model.bundle, model.tree, model.vectors, ctx));
            }

            @Override
            public int[][] recommend(List<Query> batch, int m) {
                return Recommender.eachQuery(batch, query -> {
                    try {
                        return recommendOne(query, m);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }

            private int[] recommendOne(Query query, int m) throws IOException {
                return served.ask(http, query, m, model.vectors, rimirec -> {
                    rimirec.put("beams", beams);
                    rimirec.put("alpha", settings.getDouble("alpha"));
                });
            }

            @Override
            public Map<String, Object> diagnostics() {
                if (served == null) {
                    return Map.of();
                }
                Map<String, Object> d = new java.util.LinkedHashMap<>();
                d.put("model_id", served.modelId());
                d.put("pipeline", served.pipeline());
                d.put("index", served.index());
                d.put("indexed", served.indexed());
                d.put("ef_search", served.efSearch());
                d.put("offline_model", model.diagnostics);
                return d;
            }
        };
    }

    /** A model uploaded and its items indexed: what the queries name. */
    record Served(String modelId, String pipeline, String index, int efSearch, long indexed) {

        /**
         * One evaluation query as a {@code rimirec} query: the history items that have a vector, excluding the history
         * or nothing (what both protocols ask), {@code ef_search} at the catalogue size; {@code strategyFields} adds
         * the strategy's own fields. A history without any vector gets no recommendations, as offline.
         */
        int[] ask(JsonHttp http, Query query, int m, float[][] vectors, java.util.function.Consumer<ObjectNode> strategyFields) throws IOException {
            ArrayNode history = JsonHttp.MAPPER.createArrayNode();
            BitSet historySet = new BitSet();
            for (int item : query.history()) {
                historySet.set(item);
                if (vectors[item] != null) {
                    history.add(id(item));
                }
            }
            if (history.isEmpty()) {
                return new int[0];
            }
            boolean excludeHistory;
            if (query.exclude().isEmpty()) {
                excludeHistory = false;
            } else if (query.exclude().equals(historySet)) {
                excludeHistory = true;
            } else {
                throw new IllegalArgumentException("the rimirec query can exclude the history or nothing; this query excludes "
                    + query.exclude().cardinality() + " other items");
            }
            ObjectNode rimirec = JsonHttp.MAPPER.createObjectNode();
            rimirec.put("model", modelId);
            rimirec.set("history", history);
            rimirec.put("size", m);
            rimirec.put("exclude_history", excludeHistory);
            rimirec.put("ef_search", efSearch);
            strategyFields.accept(rimirec);
            ObjectNode body = JsonHttp.MAPPER.createObjectNode();
            body.put("size", m);
            body.put("_source", false);
            body.putObject("query").set("rimirec", rimirec);
            JsonNode hits = http.post("/" + index + "/_search", body).path("hits").path("hits");
            int[] out = new int[hits.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = item(hits.get(i).path("_id").asText());
            }
            return out;
        }

        static String id(int item) {
            return "i" + item;
        }

        static int item(String id) {
            if (!id.startsWith("i")) {
                throw new IllegalStateException("unexpected document id [" + id + "]: expected i<item index>");
            }
            return Integer.parseInt(id.substring(1));
        }

        /**
         * Uploads {@code bundle} and indexes item {@code i} with {@code vectors[i]} (items without one are left out)
         * through its pipeline into a fresh one-shard index.
         */
        static Served setUp(JsonHttp http, byte[] bundle, CircleTree tree, float[][] vectors, FitContext ctx) {
            String tag = tree.contentHash().substring(0, 12);
            String modelId = "eval-" + tag;
            String pipeline = "eval-circles-" + tag;
            String index = "eval-items-" + tag;
            try {
                long t0 = System.nanoTime();
                new ModelStoreClient(http).upload(modelId, bundle);
                http.put("/_ingest/pipeline/" + pipeline, IndexTemplates.model(modelId).apply(IndexTemplates.read("pipeline/rimirec-items.json")));
                try {
                    http.delete("/" + index);
                } catch (JsonHttp.HttpStatusException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
                http.put("/" + index, IndexTemplates.itemsIndex(tree.dimension(), tree.metric().knnSpaceType(), pipeline, 1, 0));
                BulkIndexer bulk = new BulkIndexer(http, index, 1000, null);
                int largest = 0;
                for (int i = 0; i < vectors.length; i++) {
                    if (vectors[i] != null) {
                        bulk.add(id(i), IndexTemplates.itemDocument(id(i), vectors[i]));
                        largest++;
                    }
                }
                BulkIndexer.Result result = bulk.finish();
                if (!result.failures().isEmpty()) {
                    throw new IllegalStateException(result.failures().size() + " items were not indexed, first: " + result.failures().get(0));
                }
                http.post("/" + index + "/_refresh", null);
                ctx.log().printf("online: model [%s] uploaded (%,d bytes), %,d items indexed into [%s] through pipeline [%s] in %.1fs%n",
                    modelId, bundle.length, result.indexed(), index, pipeline, (System.nanoTime() - t0) / 1e9);
                // ef_search >= every circle's size (and the catalogue): Lucene searches each filtered set exactly.
                return new Served(modelId, pipeline, index, Math.max(largest, 1), result.indexed());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
