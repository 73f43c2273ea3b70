package io.rimirec.plugin.ingest;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.VectorValues;
import io.rimirec.plugin.model.LoadedModel;
import io.rimirec.plugin.model.ModelIds;
import io.rimirec.plugin.model.ModelProvider;

import org.opensearch.core.action.ActionListener;
import org.opensearch.ingest.AbstractProcessor;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.Processor;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code rimirec_circles}: reads an item's vector, finds its leaf circle in the model's tree and stamps
 * <ul>
 *   <li>{@code circles_field}: every prefix of the leaf path ({@code ["2", "2/4", "2/4/1"]}), a keyword field, so a
 *       single {@code term} filter selects a whole subtree for the per-circle k-NN searches;</li>
 *   <li>{@code leaf_field}: the leaf path itself ({@code "2/4/1"});</li>
 *   <li>{@code tree_field}: the stamp of the tree that computed them ({@link CircleTree#stamp()}), so a query can refuse
 *       items stamped by another tree (a model replaced by one with a new tree, before the items were re-stamped);</li>
 *   <li>{@code codes_field}, when the model has a codebook and {@code codes} is on (the default): the item's residual
 *       codes, packed and base64-encoded for a {@code binary} field, so the query can read long histories as a few
 *       bytes per item instead of a full vector.</li>
 * </ul>
 * Tree descent costs microseconds per document, so the processor works document by document: a bad document fails
 * alone and the rest of a {@code _bulk} request indexes. The model comes from the node's model cache; the first
 * document after a model change waits for it to load (asynchronously, never blocking an ingest thread).
 * An unknown model fails each document with a 404-style error naming it: pipelines are created before models may
 * exist, so the model cannot be checked when the pipeline is created.
 */
public final class CircleProcessor extends AbstractProcessor {

    public static final String TYPE = "rimirec_circles";
    public static final String DEFAULT_VECTOR_FIELD = "item_vector";
    public static final String DEFAULT_CIRCLES_FIELD = "circles";
    public static final String DEFAULT_LEAF_FIELD = "circle_leaf";
    public static final String DEFAULT_CODES_FIELD = "item_codes";
    public static final String DEFAULT_TREE_FIELD = BundleManifest.Fields.DEFAULT_TREE;

    private final String modelId;
    private final String vectorField;
    private final String circlesField;
    private final String leafField;
    private final String treeField; // null: do not stamp the tree
    private final boolean ignoreMissing;
    private final String codesField; // null: do not stamp codes
    private final ModelProvider models;

    CircleProcessor(
        String tag,
        String description,
        String modelId,
        String vectorField,
        String circlesField,
        String leafField,
        String treeField,
        boolean ignoreMissing,
        String codesField,
        ModelProvider models
    ) {
        super(tag, description);
        this.modelId = modelId;
        this.vectorField = vectorField;
        this.circlesField = circlesField;
        this.leafField = leafField;
        this.treeField = treeField;
        this.ignoreMissing = ignoreMissing;
        this.codesField = codesField;
        this.models = models;
    }

    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        Object raw;
        try {
            raw = vectorValue(document);
        } catch (RuntimeException e) {
            handler.accept(null, e);
            return;
        }
        if (raw == null) {
            handler.accept(document, null); // ignore_missing
            return;
        }
        models.getModel(modelId, ActionListener.wrap(model -> {
            try {
                stamp(document, raw, model);
            } catch (RuntimeException e) {
                handler.accept(null, e);
                return;
            }
            handler.accept(document, null);
        }, e -> handler.accept(null, e)));
    }

    /** The pipeline always calls the asynchronous {@link #execute(IngestDocument, BiConsumer)}. */
    @Override
    public IngestDocument execute(IngestDocument document) {
        throw new UnsupportedOperationException(TYPE + " runs asynchronously");
    }

    /** The vector field's value; null when missing and ignore_missing is set. */
    private Object vectorValue(IngestDocument document) {
        Object raw = document.hasField(vectorField, true) ? document.getFieldValue(vectorField, Object.class, true) : null;
        if (raw == null && !ignoreMissing) {
            throw new IllegalArgumentException(
                "[" + TYPE + "] field [" + vectorField + "] is missing or null: expected the item's vector (an array of numbers); "
                    + "set ignore_missing to index such documents without circles"
            );
        }
        return raw;
    }

    private void stamp(IngestDocument document, Object raw, LoadedModel model) {
        CircleTree tree = model.tree();
        float[] vector;
        try {
            vector = VectorValues.checkMagnitude(VectorValues.parse(raw, vectorField, tree.dimension()), vectorField, tree.metric());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + TYPE + "] model [" + modelId + "]: " + e.getMessage(), e);
        }
        CirclePath leaf = tree.assign(vector);
        document.setFieldValue(circlesField, leaf.prefixStrings());
        document.setFieldValue(leafField, leaf.toString());
        if (treeField != null) {
            document.setFieldValue(treeField, tree.stamp());
        }
        Codebook codebook = model.bundle().codebook();
        if (codesField != null && codebook != null) {
            document.setFieldValue(codesField, PackedCodes.toBase64(PackedCodes.pack(codebook, codebook.encode(vector))));
        }
    }

    @Override
    public String getType() {
        return TYPE;
    }

    public String modelId() {
        return modelId;
    }

    public String vectorField() {
        return vectorField;
    }

    public String circlesField() {
        return circlesField;
    }

    public String leafField() {
        return leafField;
    }

    /** Where the tree stamp goes, or null when {@code tree} is off. */
    public String treeField() {
        return treeField;
    }

    public boolean ignoreMissing() {
        return ignoreMissing;
    }

    /** Where codes go, or null when {@code codes} is off. */
    public String codesField() {
        return codesField;
    }

    /** Parses the processor's configuration (the model itself is resolved per document, see the class comment). */
    public static final class Factory implements Processor.Factory {
        private final ModelProvider models;

        public Factory(ModelProvider models) {
            this.models = models;
        }

        @Override
        public CircleProcessor create(Map<String, Processor.Factory> registry, String tag, String description, Map<String, Object> config) {
            String modelId = ConfigurationUtils.readStringProperty(TYPE, tag, config, "model");
            try {
                ModelIds.validate(modelId);
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "model", e.getMessage());
            }
            String vectorField = ConfigurationUtils.readStringProperty(TYPE, tag, config, "vector_field", DEFAULT_VECTOR_FIELD);
            String circlesField = ConfigurationUtils.readStringProperty(TYPE, tag, config, "circles_field", DEFAULT_CIRCLES_FIELD);
            String leafField = ConfigurationUtils.readStringProperty(TYPE, tag, config, "leaf_field", DEFAULT_LEAF_FIELD);
            String treeField = ConfigurationUtils.readStringProperty(TYPE, tag, config, "tree_field", DEFAULT_TREE_FIELD);
            boolean treeStamp = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "tree", true);
            boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "ignore_missing", false);
            String codesField = ConfigurationUtils.readStringProperty(TYPE, tag, config, "codes_field", DEFAULT_CODES_FIELD);
            boolean codes = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "codes", true);
            if (circlesField.equals(leafField)) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "leaf_field", "must differ from circles_field [" + circlesField + "]");
            }
            if (vectorField.equals(circlesField) || vectorField.equals(leafField)) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "vector_field", "must differ from the fields the processor writes");
            }
            if (codes && (codesField.equals(vectorField) || codesField.equals(circlesField) || codesField.equals(leafField))) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "codes_field",
                    "must differ from vector_field, circles_field and leaf_field, got [" + codesField + "]");
            }
            if (treeStamp && (treeField.equals(vectorField) || treeField.equals(circlesField) || treeField.equals(leafField)
                || (codes && treeField.equals(codesField)))) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "tree_field",
                    "must differ from the processor's other fields, got [" + treeField + "]");
            }
            return new CircleProcessor(tag, description, modelId, vectorField, circlesField, leafField, treeStamp ? treeField : null,
                ignoreMissing,
                codes ? codesField : null, models);
        }
    }
}
