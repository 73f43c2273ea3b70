package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Blue-green roll-out of a model whose tree (or codebook) differs from the one an item index is stamped with, with no
 * failed query: the new model goes under a new id, a copy of the serving index is stamped by it through its own
 * pipeline, and the alias is swapped in one atomic step.
 *
 * <ol>
 *   <li>the alias must point at one index (blue); its default pipeline must hold a {@code rimirec_circles} processor;</li>
 *   <li>the bundle is uploaded as the new model id (the store refuses an existing id with another tree);</li>
 *   <li>a pipeline like blue's but naming the new model is created, and an index (green) with blue's mappings (plus the
 *       tree stamp field, as a keyword, when blue lacks it), shard counts and that pipeline;</li>
 *   <li>blue is copied into green with {@code _reindex} through the new pipeline, which stamps every item again;</li>
 *   <li>green must hold as many items as blue, each with the new tree's stamp; then the alias moves from blue to green
 *       in one {@code _aliases} call (keeping its filter, routing and write-index flag).</li>
 * </ol>
 * Queries that leave out {@code model} read it from the index's pipeline, so they move to the new model with the
 * alias; queries that name the old model keep working on blue until it is deleted. Items written to blue during the
 * copy are not in green: the counts then differ and the swap is refused, so pause writes (or replay them) and run
 * again. Blue, its pipeline and the old model are left for the caller to delete once nothing needs them.
 */
public final class ModelRollout {

    /** Where the roll-out goes; null names get defaults ({@code <alias>-<model>} and {@code rimirec-<model>}). */
    public record Options(String alias, String modelId, String greenIndex, String greenPipeline) {

        public Options {
            if (alias == null || alias.isBlank() || modelId == null || modelId.isBlank()) {
                throw new IllegalArgumentException("an alias and a model id are required");
            }
            greenIndex = greenIndex != null ? greenIndex : alias + "-" + modelId;
            greenPipeline = greenPipeline != null ? greenPipeline : "rimirec-" + modelId;
        }
    }

    /** What was done: indexes, pipelines, models, items copied, the new tree stamp and the time each step took. */
    public record Report(String blueIndex, String bluePipeline, List<String> blueModels, String greenIndex, String greenPipeline,
                         String modelId, String treeStamp, long items, double copySeconds, double totalSeconds) {}

    private static final long POLL_MILLIS = 500;

    private final JsonHttp http;
    private final PrintWriter log;

    public ModelRollout(JsonHttp http, PrintWriter log) {
        this.http = http;
        this.log = log;
    }

    public Report run(Options options, byte[] bundleZip) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ModelBundle bundle = BundleArchive.read(bundleZip, Long.MAX_VALUE);
        BundleManifest manifest = bundle.manifest();
        String stamp = bundle.tree().stamp();

        // 1. The serving index behind the alias, and its pipeline.
        String alias = options.alias();
        String blue = currentIndex(alias);
        JsonNode aliasDefinition = http.get("/" + enc(blue) + "/_alias/" + enc(alias)).path(blue).path("aliases").path(alias);
        JsonNode settings = http.get("/" + enc(blue) + "/_settings").path(blue).path("settings").path("index");
        String bluePipeline = settings.path("default_pipeline").asText("");
        if (bluePipeline.isEmpty() || "_none".equals(bluePipeline)) {
            throw new IllegalArgumentException("index [" + blue + "] behind alias [" + alias + "] has no default pipeline: its items "
                + "were not stamped by a rimirec_circles processor, so there is no pipeline to roll forward");
        }
        ObjectNode pipeline = (ObjectNode) http.get("/_ingest/pipeline/" + enc(bluePipeline)).path(bluePipeline);
        List<String> blueModels = new ArrayList<>();
        int replaced = replaceModel(pipeline, options.modelId(), blueModels);
        if (replaced == 0) {
            throw new IllegalArgumentException("pipeline [" + bluePipeline + "] of index [" + blue + "] has no rimirec_circles processor");
        }
        if (blueModels.contains(options.modelId())) {
            throw new IllegalArgumentException("index [" + blue + "] is already stamped by model [" + options.modelId() + "]: roll out "
                + "a new model under a new id");
        }
        JsonNode mappings = http.get("/" + enc(blue) + "/_mapping").path(blue).path("mappings");
        checkDimension(mappings, manifest, blue);
        say("rolling out model [%s] (tree stamp %s) behind alias [%s]: %s (pipeline %s, model %s) -> %s (pipeline %s)",
            options.modelId(), stamp, alias, blue, bluePipeline, blueModels, options.greenIndex(), options.greenPipeline());

        // 2. The new model, its pipeline and the green index.
        new ModelStoreClient(http).upload(options.modelId(), bundleZip);
        pipeline.put("description", "rimirec roll-out of model [" + options.modelId() + "], from pipeline [" + bluePipeline + "]");
        http.put("/_ingest/pipeline/" + enc(options.greenPipeline()), pipeline);
        http.put("/" + enc(options.greenIndex()), greenIndexBody(settings, mappings, manifest.fields().tree(), options.greenPipeline()));
        say("uploaded model [%s], created pipeline [%s] and index [%s]", options.modelId(), options.greenPipeline(), options.greenIndex());

        // 3. Copy blue into green, every item stamped again by the new model.
        long copyStart = System.nanoTime();
        long blueCount = count(blue, null);
        reindex(blue, options.greenIndex(), options.greenPipeline());
        http.post("/" + enc(options.greenIndex()) + "/_refresh", null);
        double copySeconds = (System.nanoTime() - copyStart) / 1e9;
        long greenCount = count(options.greenIndex(), null);
        long stamped = count(options.greenIndex(), Map.of("term", Map.of(manifest.fields().tree(), stamp)));
        say("copied %,d of %,d items in %.1f s; %,d carry the new tree stamp", greenCount, blueCount, copySeconds, stamped);
        long blueNow = count(blue, null);
        if (greenCount != blueNow || stamped != greenCount) {
            throw new IllegalStateException(String.format(Locale.ROOT, "not swapping alias [%s]: [%s] holds %,d items now, [%s] %,d, of "
                + "which %,d carry the new tree stamp %s. Items written during the copy are not in the copy: pause writes to [%s] "
                + "(or replay them into [%s]) and run again after deleting [%s]", alias, blue, blueNow, options.greenIndex(), greenCount,
                stamped, stamp, alias, options.greenIndex(), options.greenIndex()));
        }

        // 4. One atomic alias swap.
        ObjectNode add = JsonHttp.MAPPER.createObjectNode().put("index", options.greenIndex()).put("alias", alias);
        for (String keep : List.of("filter", "index_routing", "search_routing", "is_write_index", "is_hidden")) {
            if (aliasDefinition.has(keep)) {
                add.set(keep, aliasDefinition.get(keep));
            }
        }
        ObjectNode actions = JsonHttp.MAPPER.createObjectNode();
        ArrayNode list = actions.putArray("actions");
        list.addObject().putObject("remove").put("index", blue).put("alias", alias);
        list.addObject().set("add", add);
        http.post("/_aliases", actions);
        double total = (System.nanoTime() - t0) / 1e9;
        say("alias [%s] now points at [%s]. When nothing queries the old model by name any more: DELETE /%s, "
            + "DELETE /_ingest/pipeline/%s, then rimirec model delete %s", alias, options.greenIndex(), blue, bluePipeline,
            String.join(", ", blueModels));
        return new Report(blue, bluePipeline, blueModels, options.greenIndex(), options.greenPipeline(), options.modelId(), stamp,
            greenCount, copySeconds, total);
    }

    /** The one index behind {@code alias}; an index name or an alias of several indexes is refused with what to do. */
    private String currentIndex(String alias) throws IOException {
        JsonNode found;
        try {
            found = http.get("/_alias/" + enc(alias));
        } catch (JsonHttp.HttpStatusException e) {
            if (e.status() != 404) {
                throw e;
            }
            found = JsonHttp.MAPPER.createObjectNode();
        }
        List<String> indexes = new ArrayList<>();
        found.fieldNames().forEachRemaining(indexes::add);
        if (indexes.size() == 1) {
            return indexes.get(0);
        }
        if (indexes.isEmpty()) {
            throw new IllegalArgumentException("[" + alias + "] is not an alias. Serve through an alias so the switch is atomic: "
                + "reindex [" + alias + "] into an index with another name and add alias [" + alias + "] to it (docs/model-store.md)");
        }
        throw new IllegalArgumentException("alias [" + alias + "] points at " + indexes.size() + " indexes " + indexes
            + ": a roll-out swaps one index for another");
    }

    /** Replaces the model of every rimirec_circles processor in {@code node}; returns how many, collecting the old ids. */
    static int replaceModel(JsonNode node, String modelId, List<String> oldModels) {
        int n = 0;
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if ("rimirec_circles".equals(e.getKey()) && e.getValue().isObject()) {
                    String old = e.getValue().path("model").asText();
                    if (!oldModels.contains(old)) {
                        oldModels.add(old);
                    }
                    ((ObjectNode) e.getValue()).put("model", modelId);
                    n++;
                }
                n += replaceModel(e.getValue(), modelId, oldModels);
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                n += replaceModel(child, modelId, oldModels);
            }
        }
        return n;
    }

    /** The items' vectors stay, so the new model must read vectors of the index's dimension. */
    private static void checkDimension(JsonNode mappings, BundleManifest manifest, String blue) {
        JsonNode field = mappings;
        for (String part : manifest.fields().vector().split("\\.")) {
            field = field.path("properties").path(part);
        }
        int dimension = field.path("dimension").asInt(-1);
        if (dimension > 0 && dimension != manifest.dimension()) {
            throw new IllegalArgumentException("index [" + blue + "] maps [" + manifest.fields().vector() + "] with dimension "
                + dimension + " but the new model reads " + manifest.dimension() + "-d vectors: a roll-out keeps the items' vectors, so "
                + "train the new model on them");
        }
    }

    /** Blue's mappings, shard counts and k-NN setting, the new pipeline, and the tree stamp field as a keyword. */
    static ObjectNode greenIndexBody(JsonNode blueSettings, JsonNode blueMappings, String treeField, String pipeline) {
        ObjectNode body = JsonHttp.MAPPER.createObjectNode();
        ObjectNode index = body.putObject("settings").putObject("index");
        for (String keep : List.of("number_of_shards", "number_of_replicas", "knn", "refresh_interval")) {
            if (blueSettings.has(keep)) {
                index.set(keep, blueSettings.get(keep));
            }
        }
        index.put("default_pipeline", pipeline);
        ObjectNode mappings = blueMappings.deepCopy();
        ObjectNode parent = mappings;
        String[] parts = treeField.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            ObjectNode properties = parent.has("properties") ? (ObjectNode) parent.get("properties") : parent.putObject("properties");
            if (i == parts.length - 1) {
                properties.putObject(parts[i]).put("type", "keyword");
            } else {
                parent = properties.has(parts[i]) ? (ObjectNode) properties.get(parts[i]) : properties.putObject(parts[i]);
            }
        }
        body.set("mappings", mappings);
        return body;
    }

    private long count(String index, Object query) throws IOException {
        Object body = query == null ? null : Map.of("query", query);
        return http.call(body == null ? "GET" : "POST", "/" + enc(index) + "/_count", body).path("count").asLong();
    }

    /** {@code _reindex} as a task (a copy can outlast any HTTP timeout), polled until done; any failure stops the roll-out. */
    private void reindex(String from, String to, String pipeline) throws IOException, InterruptedException {
        Map<String, Object> body = Map.of("source", Map.of("index", from), "dest", Map.of("index", to, "pipeline", pipeline));
        String task = http.post("/_reindex?wait_for_completion=false&slices=auto", body).path("task").asText();
        if (task.isEmpty()) {
            throw new IllegalStateException("_reindex did not start a task");
        }
        while (true) {
            JsonNode status = http.get("/_tasks/" + enc(task));
            if (status.path("completed").asBoolean(false)) {
                JsonNode error = status.path("error");
                JsonNode failures = status.path("response").path("failures");
                if (!error.isMissingNode() || (failures.isArray() && !failures.isEmpty())) {
                    throw new IllegalStateException("copying [" + from + "] into [" + to + "] failed: "
                        + (error.isMissingNode() ? failures.get(0) : error));
                }
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private void say(String format, Object... args) {
        log.println(String.format(Locale.ROOT, format, args));
        log.flush();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
