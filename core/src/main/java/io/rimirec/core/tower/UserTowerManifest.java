package io.rimirec.core.tower;

import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.core.json.ArtifactManifest;
import io.rimirec.core.json.JsonObject;

import java.io.IOException;
import java.util.Map;

/**
 * The user tower artifact's {@code user_tower.json} (docs/formats.md): what serving needs to run the ONNX graph.
 * Everything else (model shape, training record) is kept as {@link #raw()} for tools and reports.
 */
public record UserTowerManifest(
    String modelFile,
    String treeHash,
    int levels,
    int fanOut,
    int vectorDimension,
    int outputDimension,
    int maxSlice,
    Map<String, Object> raw
) {

    public static final String FILE_NAME = "user_tower.json";
    public static final String FORMAT = "rimirec-user-tower";
    public static final int FORMAT_VERSION = 1;

    public CircleVocabulary vocabulary() {
        return new CircleVocabulary(levels, fanOut);
    }

    /** Parses manifest bytes; {@code name} (a file or a bundle entry) is in every message. */
    public static UserTowerManifest parse(byte[] bytes, String name) throws IOException {
        return ArtifactManifest.parse(bytes, "user tower manifest [" + name + "]", UserTowerManifest::of);
    }

    /** Fails unless the tower was trained on the tree with content hash {@code otherTreeHash}; names both hashes. */
    public void checkTree(String otherTreeHash, String what) {
        ArtifactManifest.checkTree("user tower", what, treeHash, otherTreeHash);
    }

    static UserTowerManifest of(JsonObject json) {
        ArtifactManifest.checkFormat(json, FORMAT, FORMAT_VERSION);
        JsonObject vocab = json.object("vocabulary");
        if (vocab.intValue("pad") != CircleVocabulary.PAD || vocab.intValue("first_circle") != CircleVocabulary.FIRST_CIRCLE) {
            throw json.error("vocabulary", "differs from this build's circle token layout (pad 0, circles from 3)");
        }
        JsonObject features = json.object("features");
        int maxSlice = features.intValue("max_slice");
        if (maxSlice < 1) {
            throw features.error("max_slice", "is " + maxSlice + ", expected >= 1");
        }
        return new UserTowerManifest(
            json.object("files").string("model"),
            json.object("tree").string("content_hash"),
            vocab.intValue("levels"),
            vocab.intValue("fan_out"),
            features.intValue("vector_dimension"),
            json.object("output").intValue("dimension"),
            maxSlice,
            json.asMap()
        );
    }
}
