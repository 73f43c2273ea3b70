package io.rimirec.tools.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SettingsTest {

    @Test
    void withoutUndoesWithAndKeepsTheOrder() {
        Settings base = Settings.of("dim", 64, "interests", 2, "window", 4);
        // HyMiRecInCircles strips its own setting to share the hymirec row's fit, whose cache key is the text form.
        assertEquals(base.toString(), base.with("circleDepth", 1).without("circleDepth").toString());
        assertEquals(List.of("dim", "window"), List.copyOf(base.without("interests").values().keySet()));
        assertThrows(IllegalArgumentException.class, () -> base.without("dim").getInt("dim"));
    }
}
