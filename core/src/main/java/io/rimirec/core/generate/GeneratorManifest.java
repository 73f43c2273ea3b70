package io.rimirec.core.generate;

import io.rimirec.core.json.ArtifactManifest;
import io.rimirec.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The generator artifact's {@code generator.json}: what the serving side needs to run the two ONNX graphs
 * (documented in docs/formats.md). Everything else in the file (model shape, training record) is kept as
 * {@link #raw()} for tools and reports.
 */
public record GeneratorManifest(
    String encoderFile,
    String decoderFile,
    String treeHash,
    int levels,
    int fanOut,
    int vectorDimension,
    int maxHistory,
    int recentHistory,
    LengthPolicy lengthPolicy,
    Map<String, Object> raw
) {

    public static final String FILE_NAME = "generator.json";
    public static final String FORMAT = "rimirec-generator";
    public static final int FORMAT_VERSION = 1;

    public CircleVocabulary vocabulary() {
        return new CircleVocabulary(levels, fanOut);
    }

    public HistoryWindow window() {
        return new HistoryWindow(maxHistory, recentHistory);
    }

    public static GeneratorManifest read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("generator manifest [" + file + "] does not exist");
        }
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Parses manifest bytes; {@code name} (a file or a bundle entry) is in every message. */
    public static GeneratorManifest parse(byte[] bytes, String name) throws IOException {
        return ArtifactManifest.parse(bytes, "generator manifest [" + name + "]", GeneratorManifest::of);
    }

    /**
     * Fails unless {@code treeHash} (the content hash of the tree the generator would be used with) is the one it
     * was trained on; the message names both hashes and {@code what} (the generator's location).
     */
    public void checkTree(String otherTreeHash, String what) {
        ArtifactManifest.checkTree("generator", what, treeHash, otherTreeHash);
    }

    static GeneratorManifest of(JsonObject json) {
        ArtifactManifest.checkFormat(json, FORMAT, FORMAT_VERSION);
        JsonObject files = json.object("files");
        JsonObject vocab = json.object("vocabulary");
        JsonObject features = json.object("features");
        JsonObject search = json.optionalObject("search");
        if (vocab.intValue("pad") != CircleVocabulary.PAD || vocab.intValue("bos") != CircleVocabulary.BOS
            || vocab.intValue("eos") != CircleVocabulary.EOS || vocab.intValue("first_circle") != CircleVocabulary.FIRST_CIRCLE) {
            throw json.error("vocabulary", "specials differ from this build's layout (pad 0, bos 1, eos 2, circles from 3)");
        }
        return new GeneratorManifest(
            files.string("encoder"),
            files.string("decoder"),
            json.object("tree").string("content_hash"),
            vocab.intValue("levels"),
            vocab.intValue("fan_out"),
            features.intValue("vector_dimension"),
            features.intValue("max_history"),
            features.intValue("recent_history"),
            search != null && search.has("length_policy") ? LengthPolicy.parse(search.string("length_policy")) : LengthPolicy.DEFAULT,
            json.asMap()
        );
    }
}
