package io.rimirec.tools.eval;

import io.rimirec.tools.eval.baseline.ItemKnn;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OverriddenTest {

    @Test
    void oneValueFixesASettingAndSeveralMakeAnAxis() {
        var fixed = Overridden.parse("itemknn.shrink=10");
        assertEquals("itemknn", fixed.getKey());
        var axis = Overridden.parse("itemknn.neighbours=20,40");
        Method m = new Overridden(new ItemKnn(), Map.of(fixed.getValue().getKey(), fixed.getValue().getValue(),
            axis.getValue().getKey(), axis.getValue().getValue()));
        List<Settings> grid = m.grid(false);
        // 5 x 4 points collapse to shrink 10 x neighbours {20, 40}.
        assertEquals(2, grid.size(), grid.toString());
        for (Settings s : grid) {
            assertEquals(10.0, s.getDouble("shrink"));
        }
        assertEquals(List.of(20, 40), grid.stream().map(s -> s.getInt("neighbours")).sorted().toList());
    }

    @Test
    void valuesAreTyped() {
        assertEquals(List.of(3, 0.001, true, "x"), Overridden.parse("a.b=3,1e-3,true,x").getValue().getValue());
    }

    @Test
    void unknownSettingsAndBadSyntaxAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> Overridden.parse("nodot=3"));
        assertThrows(IllegalArgumentException.class, () -> Overridden.parse("a.b="));
        Method m = new Overridden(new ItemKnn(), Map.of("nope", List.of(1)));
        assertThrows(IllegalArgumentException.class, () -> m.grid(false));
    }
}
