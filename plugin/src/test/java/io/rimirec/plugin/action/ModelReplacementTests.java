package io.rimirec.plugin.action;

import io.rimirec.plugin.model.StoredModel;

import org.junit.jupiter.api.Test;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replacing a stored model: a new tree or codebook is refused unless allowed; everything else replaces freely. */
class ModelReplacementTests {

    private static final String TREE_A = "a".repeat(64);
    private static final String TREE_B = "b".repeat(64);
    private static final String CODEBOOK_A = "c".repeat(64);

    private static Map<String, Object> manifest(String tree, String codebook) {
        Map<String, Object> m = new HashMap<>();
        m.put("tree_hash", tree);
        m.put(TransportPutModelAction.CODEBOOK_SHA256, codebook);
        return m;
    }

    private static StoredModel stored(Map<String, Object> manifest) {
        return new StoredModel("m", "h", 1, 1, "2026-12-03T00:00:00Z", manifest, 0, 1);
    }

    @Test
    void aNewTreeIsRefusedWithBothStampsAndTheWaysForward() {
        OpenSearchStatusException e = assertThrows(OpenSearchStatusException.class, () -> TransportPutModelAction.checkSameStamps("m",
            stored(manifest(TREE_A, null)), manifest(TREE_B, null), false));
        assertEquals(RestStatus.CONFLICT, e.status());
        assertTrue(e.getMessage().contains("model [m] is stored with tree [aaaaaaaaaaaaaaaa] and the new bundle has tree [bbbbbbbbbbbbbbbb]")
            && e.getMessage().contains("new model id") && e.getMessage().contains("allow_tree_change=true"), e.getMessage());
        assertDoesNotThrow(() -> TransportPutModelAction.checkSameStamps("m", stored(manifest(TREE_A, null)), manifest(TREE_B, null), true));
    }

    @Test
    void aNewOrDroppedCodebookIsRefusedButTheSameTreeAndCodebookReplaceFreely() {
        OpenSearchStatusException e = assertThrows(OpenSearchStatusException.class, () -> TransportPutModelAction.checkSameStamps("m",
            stored(manifest(TREE_A, CODEBOOK_A)), manifest(TREE_A, null), false));
        assertTrue(e.getMessage().contains("stored with codebook [cccccccccccccccc] and the new bundle has codebook [none]"), e.getMessage());
        e = assertThrows(OpenSearchStatusException.class, () -> TransportPutModelAction.checkSameStamps("m",
            stored(manifest(TREE_A, null)), manifest(TREE_A, CODEBOOK_A), false));
        assertTrue(e.getMessage().contains("codebook [none] and the new bundle has codebook [cccccccccccccccc]"), e.getMessage());

        assertDoesNotThrow(() -> TransportPutModelAction.checkSameStamps("m", stored(manifest(TREE_A, CODEBOOK_A)),
            manifest(TREE_A, CODEBOOK_A), false), "a retrained generator or tower on the same tree");
        assertDoesNotThrow(() -> TransportPutModelAction.checkSameStamps("m", null, manifest(TREE_B, null), false), "a new model");
        // Stored before codebook hashes were kept: only the tree can be compared.
        assertDoesNotThrow(() -> TransportPutModelAction.checkSameStamps("m", stored(Map.of("tree_hash", TREE_A)),
            manifest(TREE_A, CODEBOOK_A), false));
    }
}
