package io.rimirec.core.tower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.core.tree.CirclePath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

class TowerInputTest {

    static final CircleVocabulary VOCAB = new CircleVocabulary(3, 4);

    static float[] v(float x) {
        return new float[] {x, -x};
    }

    @Test
    void slicesArePaddedKeepTheirNewestItemsAndCountPositionsFromTheNewest() {
        TowerInput in = TowerInput.of(List.of(
            new TowerInput.Row(CirclePath.of(2, 1), List.of(v(1), v(2), v(3), v(4))),
            new TowerInput.Row(CirclePath.of(3), List.of(v(9))),
            new TowerInput.Row(CirclePath.ROOT, List.of())), VOCAB, 2, 3);
        assertEquals(3, in.batch);
        assertEquals(3, in.length); // the longest slice after truncation to max_slice 3
        // Row 0 keeps items 2, 3, 4 (the newest), oldest first; positions 2, 1, 0.
        assertArrayEquals(new float[] {2, -2, 3, -3, 4, -4}, java.util.Arrays.copyOfRange(in.vectors, 0, 6));
        assertArrayEquals(new long[] {2, 1, 0}, java.util.Arrays.copyOfRange(in.positions, 0, 3));
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0, 0}, in.mask);
        // Circle tokens: 3 + level * fan_out + index, PAD-padded; the root is all PAD.
        assertArrayEquals(new long[] {3 + 2, 3 + 4 + 1, 0, 3 + 3, 0, 0, 0, 0, 0}, in.circles);
    }

    @Test
    void aBatchOfEmptySlicesStillHasOneMaskedPosition() {
        TowerInput in = TowerInput.of(List.of(new TowerInput.Row(CirclePath.of(1), List.of())), VOCAB, 2, 5);
        assertEquals(1, in.length);
        assertArrayEquals(new float[] {0}, in.mask);
    }

    @Test
    void wrongDimensionsAndTooDeepCirclesAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TowerInput.of(List.of(new TowerInput.Row(CirclePath.of(1), List.of(new float[3]))), VOCAB, 2, 5));
        assertTrue(e.getMessage().contains("dimension 3") && e.getMessage().contains("vector_dimension 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> TowerInput.of(List.of(new TowerInput.Row(CirclePath.of(1, 1, 1, 1), List.of())), VOCAB, 2, 5));
        assertTrue(e.getMessage().contains("deeper than the user tower's 3 levels"), e.getMessage());
    }

    @Test
    void manifestErrorsNameTheField() {
        String good = "{\"format\":\"rimirec-user-tower\",\"format_version\":1,\"files\":{\"model\":\"user_tower.onnx\"},"
            + "\"tree\":{\"content_hash\":\"abc\"},\"vocabulary\":{\"pad\":0,\"first_circle\":3,\"levels\":3,\"fan_out\":4},"
            + "\"features\":{\"vector_dimension\":8,\"max_slice\":%d},\"output\":{\"dimension\":8}}";
        UserTowerManifest m = parse(String.format(good, 50));
        assertEquals(50, m.maxSlice());
        assertEquals(8, m.outputDimension());
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> parse(String.format(good, 0)));
        assertTrue(e.getMessage().contains("max_slice") && e.getMessage().contains("expected >= 1"), e.getMessage());
        e = assertThrows(java.io.UncheckedIOException.class, () -> parse(String.format(good, 5).replace("rimirec-user-tower", "other")));
        assertTrue(e.getMessage().contains("format") && e.getMessage().contains("expected [rimirec-user-tower]"), e.getMessage());
        IllegalArgumentException wrongTree = assertThrows(IllegalArgumentException.class, () -> m.checkTree("def", "here"));
        assertTrue(wrongTree.getMessage().contains("abc") && wrongTree.getMessage().contains("def"), wrongTree.getMessage());
    }

    private static UserTowerManifest parse(String json) {
        try {
            return UserTowerManifest.parse(json.getBytes(StandardCharsets.UTF_8), "t.json");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
