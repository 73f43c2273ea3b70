package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.vector.Metric;

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
    /** The vector field the template files map; a model whose bundle names another gets it renamed by {@link #installFor}. */
    public static final String VECTOR_FIELD = BundleManifest.Fields.DEFAULT.vector();

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

    /** The three definitions fitted to a stored model, and what they say, as installed by {@link #installFor}. */
    public record Fitted(ObjectNode component, ObjectNode pipeline, ObjectNode indexTemplate, String summary) {

        /** The requests that install them, for a person to read or send: {@code PUT path} then the body, three times. */
        public String asRequests() {
            try {
                return "PUT _component_template/" + COMPONENT + "\n" + JsonHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(component)
                    + "\n\nPUT _ingest/pipeline/" + PIPELINE + "\n" + JsonHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(pipeline)
                    + "\n\nPUT _index_template/" + INDEX_TEMPLATE + "\n"
                    + JsonHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(indexTemplate) + "\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The three files fitted to stored model {@code modelId}: the vector field (the bundle's name) gets the model's
     * dimension and the space type of its metric, the pipeline names the model and reads that field.
     */
    public static Fitted fitFor(JsonHttp http, String modelId) throws IOException {
        JsonNode manifest = new ModelStoreClient(http).get(modelId).path("manifest");
        int dimension = manifest.path("dimension").asInt(-1);
        if (dimension <= 0) {
            throw new IllegalStateException("model [" + modelId + "] has no dimension in its manifest: " + manifest);
        }
        String vectorField = manifest.path("fields").path("vector").asText(VECTOR_FIELD);
        String spaceType = Metric.fromId(manifest.path("metric").asText()).knnSpaceType();
        ObjectNode component = vectorField(dimension, spaceType, vectorField).apply(read("component/rimirec-items-mappings.json"));
        ObjectNode pipeline = model(modelId).apply(read("pipeline/rimirec-items.json"));
        if (!vectorField.equals(VECTOR_FIELD)) {
            pipeline = readsVectorsFrom(vectorField).apply(pipeline);
        }
        String summary = String.format(Locale.ROOT, "component template [%s] (%s: %d-d, %s, Lucene HNSW), "
            + "ingest pipeline [%s] (model [%s]) and index template [%s] (indexes named items or items-*)", COMPONENT, vectorField, dimension,
            spaceType, PIPELINE, modelId, INDEX_TEMPLATE);
        return new Fitted(component, pipeline, read("index/rimirec-items.json"), summary);
    }

    /** Installs {@link #fitFor} the model; returns what was installed, for the caller to print. */
    public static String installFor(JsonHttp http, String modelId) throws IOException {
        Fitted fitted = fitFor(http, modelId);
        http.put("/_component_template/" + COMPONENT, fitted.component());
        http.put("/_ingest/pipeline/" + PIPELINE, fitted.pipeline());
        http.put("/_index_template/" + INDEX_TEMPLATE, fitted.indexTemplate());
        return "installed " + fitted.summary();
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
        return vectorField(dimension, spaceType, VECTOR_FIELD);
    }

    /** The mappings component with another vector dimension and space type, the vector under {@code name}. */
    public static UnaryOperator<ObjectNode> vectorField(int dimension, String spaceType, String name) {
        return component -> {
            ObjectNode properties = (ObjectNode) component.path("template").path("mappings").path("properties");
            ObjectNode vector = (ObjectNode) properties.path(VECTOR_FIELD);
            vector.put("dimension", dimension);
            ((ObjectNode) vector.path("method")).put("space_type", spaceType);
            if (!name.equals(VECTOR_FIELD)) {
                if (properties.has(name)) {
                    throw new IllegalArgumentException("the vector field [" + name + "] would replace another field of the templates");
                }
                properties.remove(VECTOR_FIELD);
                properties.set(name, vector);
            }
            return component;
        };
    }

    /** The pipeline's processor reading the item vector from another field. */
    public static UnaryOperator<ObjectNode> readsVectorsFrom(String field) {
        return pipeline -> {
            for (JsonNode processor : pipeline.path("processors")) {
                if (processor.has("rimirec_circles")) {
                    ((ObjectNode) processor.path("rimirec_circles")).put("vector_field", field);
                }
            }
            return pipeline;
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
