package io.rimirec.core.generate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LengthPolicyTest {

    @Test
    void scoresAndParses() {
        assertEquals(-3.0, LengthPolicy.RAW.score(-3.0, 3), 1e-12);
        assertEquals(-1.0, LengthPolicy.NORMALIZED.score(-3.0, 3), 1e-12);
        assertEquals(-3.0 + 1.5, new LengthPolicy(0, 0.5).score(-3.0, 3), 1e-12);
        assertEquals(LengthPolicy.RAW, LengthPolicy.parse("raw"));
        assertEquals(LengthPolicy.DEFAULT, LengthPolicy.parse("default"));
        assertEquals(LengthPolicy.NORMALIZED, LengthPolicy.parse("normalized"));
        assertEquals(new LengthPolicy(0.5, 0.25), LengthPolicy.parse("alpha=0.5,bonus=0.25"));
        assertEquals(LengthPolicy.NORMALIZED, LengthPolicy.parse(LengthPolicy.NORMALIZED.toString()));
        assertThrows(IllegalArgumentException.class, () -> LengthPolicy.parse("beta=1"));
        assertThrows(IllegalArgumentException.class, () -> LengthPolicy.parse("alpha=x"));
        assertThrows(IllegalArgumentException.class, () -> new LengthPolicy(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> LengthPolicy.RAW.score(-1, 0));
    }
}
