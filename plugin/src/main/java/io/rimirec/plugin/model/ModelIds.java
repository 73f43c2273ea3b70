package io.rimirec.plugin.model;

import io.rimirec.core.util.Abbreviate;

import java.util.regex.Pattern;

/** Model ids become file and document names, so they are restricted to a safe alphabet. */
public final class ModelIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private ModelIds() {}

    public static String validate(String id) {
        if (id == null || !VALID.matcher(id).matches() || id.contains("..")) {
            throw new IllegalArgumentException(
                "invalid model id [" + Abbreviate.text(id) + "]: expected 1-128 characters from A-Z a-z 0-9 _ . - starting with a letter or digit"
            );
        }
        return id;
    }
}
