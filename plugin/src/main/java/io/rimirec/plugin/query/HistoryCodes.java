package io.rimirec.plugin.query;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.plugin.model.LoadedModel;

/**
 * {@code "history_source": "codes"}: history items are read as the packed codes the ingest processor stamped (a few
 * bytes each) and decoded with the model's codebook, instead of read as full vectors.
 */
final class HistoryCodes {

    private HistoryCodes() {}

    /** The model's codebook; a model without one cannot serve {@code history_source: codes}. */
    static Codebook codebook(LoadedModel model) {
        Codebook codebook = model.bundle().codebook();
        if (codebook == null) {
            throw new IllegalArgumentException("[" + RimirecQueryBuilder.NAME + "] [history_source] is [codes] but model [" + model.id()
                + "] has no [" + BundleManifest.PART_CODEBOOK + "] part: pack it with 'rimirec model pack --codebook <file>' "
                + "and index the items through its pipeline, or read the history as vectors");
        }
        return codebook;
    }

    /** The vector rebuilt from one item's codes field value (base64 of packed codes). */
    static float[] decode(Object raw, String field, Codebook codebook) {
        if (!(raw instanceof String text)) {
            throw new IllegalArgumentException("field [" + field + "] must hold packed codes as a base64 string, got "
                + (raw instanceof java.util.List ? "an array" : raw.getClass().getSimpleName()));
        }
        try {
            return codebook.decode(PackedCodes.unpack(codebook, PackedCodes.fromBase64(text)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field [" + field + "]: " + e.getMessage(), e);
        }
    }
}
