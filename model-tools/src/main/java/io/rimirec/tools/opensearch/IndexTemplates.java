package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.core.vector.Metric;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The files of the repository's {@code index-templates/} folder (packaged into the tools jar as they are) and the
 * requests that install them: the items component template, the items index template, and the ingest pipeline.
 */
public final class IndexTemplates {

    public static final String COMPONENT = "rimirec-items-mappings";
    public static final String INDEX_TEMPLATE = "rimirec-items";
    public static final String PIPELINE = "rimirec-items";

    private static final String RESOURCE_DIR = "/io/rimirec/tools/index-templates/";

    private IndexTemplates() {}

    /** A template file by its path inside {@code index-templates/}, e.g. {@code pipeline/rimirec-items.json}. */
    public static ObjectNode read(String file) {
        try (InputStream in = IndexTemplates.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no index template file [" + file + "] in the tools jar");
            }
            return (ObjectNode) JsonHttp.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs the component template, the pipeline and the index template, unchanged. */
    public static void installAll(JsonHttp http) throws IOException {
        installAll(http, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /**
     * Installs the three files, letting the caller adjust the mappings component (e.g. vector dimension) and the
     * pipeline (e.g. model id) first.
     */
    public static void installAll(JsonHttp http, UnaryOperator<ObjectNode> component, UnaryOperator<ObjectNode> pipeline)
        throws IOException {
        http.put("/_component_template/" + COMPONENT, component.apply(read("component/rimirec-items-mappings.json")));
        http.put("/_ingest/pipeline/" + PIPELINE, pipeline.apply(read("pipeline/rimirec-items.json")));
        http.put("/_index_template/" + INDEX_TEMPLATE, read("index/rimirec-items.json"));
    }

    /**
     * Installs the three files for stored model {@code modelId}: the vector field gets the model's dimension and the
     * space type of its metric, the pipeline names the model. Returns what was installed, for the caller to print.
     */
    public static String installFor(JsonHttp http, String modelId) throws IOException {
        JsonNode manifest = new ModelStoreClient(http).get(modelId).path("manifest");
        int dimension = manifest.path("dimension").asInt(-1);
        if (dimension <= 0) {
            throw new IllegalStateException("model [" + modelId + "] has no dimension in its manifest: " + manifest);
        }
        String vectorField = manifest.path("fields").path("vector").asText("item_vector");
        if (!vectorField.equals("item_vector")) {
            throw new IllegalArgumentException("model [" + modelId + "] reads vectors from [" + vectorField + "] but the templates map "
                + "[item_vector]: pack the model with --vector-field item_vector, or write the mappings yourself (index-templates/)");
        }
        String spaceType = Metric.fromId(manifest.path("metric").asText()).knnSpaceType();
        installAll(http, vectorField(dimension, spaceType), model(modelId));
        return String.format(Locale.ROOT, "installed component template [%s] (item_vector: %d-d, %s, Lucene HNSW), "
            + "ingest pipeline [%s] (model [%s]) and index template [%s] (indexes named items or items-*)", COMPONENT, dimension,
            spaceType, PIPELINE, modelId, INDEX_TEMPLATE);
    }

    /** An item document as the templates map it: {@code item_id} and {@code item_vector} (circles come from the pipeline). */
    public static ObjectNode itemDocument(String id, float[] vector) {
        ObjectNode doc = JsonHttp.MAPPER.createObjectNode();
        doc.put("item_id", id);
        doc.set("item_vector", JsonHttp.array(vector));
        return doc;
    }

    /**
     * A create-index body for one items index with the component template's mappings (vector dimension and space type
     * replaced), a default ingest pipeline, and explicit shards and replicas — for a job that must not install the
     * cluster-wide {@code items*} templates (the evaluation's online rows).
     */
    public static ObjectNode itemsIndex(int dimension, String spaceType, String pipeline, int shards, int replicas) {
        ObjectNode component = vectorField(dimension, spaceType).apply(read("component/rimirec-items-mappings.json"));
        ObjectNode body = JsonHttp.MAPPER.createObjectNode();
        ObjectNode index = body.putObject("settings").putObject("index");
        index.put("knn", true);
        index.put("number_of_shards", shards);
        index.put("number_of_replicas", replicas);
        index.put("default_pipeline", pipeline);
        body.set("mappings", component.path("template").path("mappings"));
        return body;
    }

    /** The mappings component with another vector dimension and space type. */
    public static UnaryOperator<ObjectNode> vectorField(int dimension, String spaceType) {
        return component -> {
            ObjectNode vector = (ObjectNode) component.path("template").path("mappings").path("properties").path("item_vector");
            vector.put("dimension", dimension);
            ((ObjectNode) vector.path("method")).put("space_type", spaceType);
            return component;
        };
    }

    /** The pipeline reading circles from another model. */
    public static UnaryOperator<ObjectNode> model(String modelId) {
        return pipeline -> {
            for (JsonNode processor : pipeline.path("processors")) {
                if (processor.has("rimirec_circles")) {
                    ((ObjectNode) processor.path("rimirec_circles")).put("model", modelId);
                }
            }
            return pipeline;
        };
    }
}
