package io.rimirec.core.generate;

import io.rimirec.core.tree.CirclePath;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircleVocabularyTest {

    @Test
    void sameIndexAtDifferentLevelsIsADifferentToken() {
        CircleVocabulary v = new CircleVocabulary(3, 4);
        assertEquals(3 + 3 * 4, v.size());
        Set<Integer> ids = new HashSet<>();
        for (int l = 0; l < 3; l++) {
            for (int i = 0; i < 4; i++) {
                int t = v.token(l, i);
                assertEquals(3 + l * 4 + i, t);
                assertTrue(ids.add(t));
                assertEquals(l, v.level(t));
                assertEquals(i, v.index(t));
                assertTrue(v.isCircle(t));
            }
        }
        assertFalse(v.isCircle(CircleVocabulary.EOS));
        assertFalse(v.isCircle(v.size()));
    }

    @Test
    void pathsRoundTrip() {
        CircleVocabulary v = new CircleVocabulary(3, 4);
        CirclePath p = CirclePath.parse("2/4".replace("4", "3"));
        assertArrayEquals(new int[] {v.token(0, 2), v.token(1, 3)}, v.tokens(p));
        assertEquals(p, v.path(new int[] {CircleVocabulary.BOS, v.token(0, 2), v.token(1, 3), CircleVocabulary.EOS}));
        assertThrows(IllegalArgumentException.class, () -> v.path(new int[] {v.token(1, 0)}), "a level-1 token cannot start a path");
        assertThrows(IllegalArgumentException.class, () -> v.token(0, 4));
        assertThrows(IllegalArgumentException.class, () -> v.token(3, 0));
    }

    @Test
    void coversOnlyTreesThatFit() {
        CircleVocabulary v = new CircleVocabulary(2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.checkCovers(TestTrees.fixed()));
        assertTrue(e.getMessage().contains("depth 3"), e.getMessage());
        CircleVocabulary.of(TestTrees.fixed()).checkCovers(TestTrees.fixed());
    }
}
