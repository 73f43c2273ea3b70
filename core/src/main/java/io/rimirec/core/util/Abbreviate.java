package io.rimirec.core.util;

/**
 * Caller-supplied text shortened for error messages: an id of a megabyte must not come back twice in a 2 MB error.
 */
public final class Abbreviate {

    /** The most characters of caller text an error message repeats. */
    public static final int MAX_CHARS = 64;

    private Abbreviate() {}

    /** {@code text} as it is when short, else its first {@value #MAX_CHARS} characters and the full length. */
    public static String text(String text) {
        if (text == null || text.length() <= MAX_CHARS) {
            return text;
        }
        return text.substring(0, MAX_CHARS) + "... (" + text.length() + " characters)";
    }
}
