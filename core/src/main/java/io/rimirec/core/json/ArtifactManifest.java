package io.rimirec.core.json;

import java.io.IOException;
import java.util.function.Function;

/**
 * What every model-part manifest (generator, user tower) checks the same way: the format name and version, and that
 * the part was trained on the circle tree it is used with.
 */
public final class ArtifactManifest {

    private ArtifactManifest() {}

    /**
     * Parses manifest bytes with {@code of}; {@code description} (e.g. {@code generator manifest [path]}) is in every
     * message, and a field error ({@link IllegalArgumentException}) becomes an {@link IOException}.
     */
    public static <T> T parse(byte[] bytes, String description, Function<JsonObject, T> of) throws IOException {
        JsonObject json = Json.parseObject(bytes, description);
        try {
            return of.apply(json);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Fails, naming the field, unless {@code format} and {@code format_version} are the expected ones. */
    public static void checkFormat(JsonObject json, String format, int version) {
        String actual = json.string("format");
        if (!format.equals(actual)) {
            throw json.error("format", "is [" + actual + "], expected [" + format + "]");
        }
        int actualVersion = json.intValue("format_version");
        if (actualVersion != version) {
            throw json.error("format_version", "is " + actualVersion + ", this build reads " + version);
        }
    }

    /**
     * Fails unless the part was trained on the tree it is used with; the message names both hashes and says what to do.
     *
     * @param part        what the part is ("generator", "user tower")
     * @param where       the part's location (a file or a bundle entry)
     * @param trainedHash the content hash of the tree it was trained on
     * @param givenHash   the content hash of the tree it would be used with
     */
    public static void checkTree(String part, String where, String trainedHash, String givenHash) {
        if (!trainedHash.equals(givenHash)) {
            throw new IllegalArgumentException(part + " [" + where + "] was trained on circle tree " + trainedHash
                + " but the given tree is " + givenHash + ": train a " + part + " for this tree or use the tree it was trained on");
        }
    }
}
