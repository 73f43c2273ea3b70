package io.rimirec.core.hymirec;

import io.rimirec.core.json.ArtifactManifest;
import io.rimirec.core.json.JsonObject;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The interest model artifact's {@code interest_model.json} (docs/formats.md): what serving needs to feed the ONNX graph
 * and read its answer. Everything else (training record, model shape) is kept as {@link #raw()}.
 *
 * @param maxRecent    the newest history items read as exact vectors ({@code recent_vectors})
 * @param maxLong      the newest history items read by the light model ({@code long_vectors}); 0 = the graph has no
 *                     long input
 * @param longInput    what the long input holds: {@link LongInput#CODEBOOK} reconstructions or exact {@link LongInput#VECTORS}
 * @param codebookHash content hash of the codebook the model was trained with (null unless {@code longInput} is codebook)
 */
public record InterestModelManifest(
    String modelFile,
    int vectorDimension,
    int interests,
    int maxRecent,
    int maxLong,
    LongInput longInput,
    String codebookHash,
    Map<String, Object> raw
) {

    public static final String FILE_NAME = "interest_model.json";
    public static final String FORMAT = "rimirec-interest-model";
    public static final int FORMAT_VERSION = 1;

    /** What the light model reads for each long-history item. */
    public enum LongInput {
        /** The item's vector as its stamped codes give it back ({@code PackedCodes.storedReconstruction}). */
        CODEBOOK,
        /** The item's exact vector. */
        VECTORS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static LongInput of(JsonObject json, String field) {
            String v = json.string(field);
            for (LongInput l : values()) {
                if (l.id().equals(v)) {
                    return l;
                }
            }
            throw json.error(field, "is [" + v + "], expected [codebook] or [vectors]");
        }
    }

    public boolean hasLongInput() {
        return maxLong > 0;
    }

    public static InterestModelManifest parse(byte[] bytes, String name) throws IOException {
        return ArtifactManifest.parse(bytes, "interest model manifest [" + name + "]", InterestModelManifest::of);
    }

    static InterestModelManifest of(JsonObject json) {
        ArtifactManifest.checkFormat(json, FORMAT, FORMAT_VERSION);
        JsonObject inputs = json.object("inputs");
        JsonObject output = json.object("output");
        int dimension = inputs.intValue("vector_dimension");
        if (dimension < 1) {
            throw inputs.error("vector_dimension", "is " + dimension + ", expected >= 1");
        }
        int maxRecent = inputs.intValue("max_recent");
        if (maxRecent < 1) {
            throw inputs.error("max_recent", "is " + maxRecent + ", expected >= 1");
        }
        int maxLong = inputs.intValue("max_long", 0);
        if (maxLong < 0) {
            throw inputs.error("max_long", "is " + maxLong + ", expected >= 0 (0 = no long-history input)");
        }
        LongInput longInput = maxLong > 0 ? LongInput.of(inputs, "long_input") : LongInput.VECTORS;
        String codebookHash = null;
        if (maxLong > 0 && longInput == LongInput.CODEBOOK) {
            codebookHash = inputs.string("codebook_hash");
        }
        int interests = output.intValue("interests");
        if (interests < 1) {
            throw output.error("interests", "is " + interests + ", expected >= 1");
        }
        int outDim = output.intValue("dimension");
        if (outDim != dimension) {
            throw output.error("dimension", "is " + outDim + " but [inputs][vector_dimension] is " + dimension
                + ": interest vectors are searched in the items' vector field, so both must match");
        }
        return new InterestModelManifest(json.object("files").string("model"), dimension, interests, maxRecent, maxLong, longInput,
            codebookHash, json.asMap());
    }
}
