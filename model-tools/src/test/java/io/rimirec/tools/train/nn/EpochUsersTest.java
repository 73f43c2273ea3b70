package io.rimirec.tools.train.nn;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochUsersTest {

    @Test
    void withoutACapEveryUserTrainsAndNoRandomDrawIsMade() {
        int[] users = IntStream.range(0, 1000).toArray();
        Random a = new Random(1);
        assertSame(users, EpochUsers.pick(users, 4, 0, a));
        assertSame(users, EpochUsers.pick(users, 4, 4000, a), "no more samples than the cap");
        assertEquals(new Random(1).nextLong(), a.nextLong(), "uncapped training draws exactly as before");
    }

    @Test
    void aCapTakesADifferentRandomShareEachEpochAndEveryoneOverTheEpochs() {
        int[] users = IntStream.range(0, 10_000).map(i -> 3 * i).toArray();
        Random r = new Random(7);
        Set<Integer> seen = new HashSet<>();
        int[] first = null;
        for (int epoch = 0; epoch < 40; epoch++) {
            int[] picked = EpochUsers.pick(users, 4, 2000, r);
            assertEquals(500, picked.length, "2000 samples / 4 per user");
            assertTrue(IntStream.range(1, picked.length).allMatch(i -> picked[i] > picked[i - 1]), "ascending, distinct");
            assertTrue(Arrays.stream(picked).allMatch(u -> u % 3 == 0), "only given users");
            Arrays.stream(picked).forEach(seen::add);
            if (first == null) {
                first = picked;
            } else if (epoch == 1) {
                assertNotEquals(Arrays.toString(first), Arrays.toString(picked));
            }
        }
        assertTrue(seen.size() > 8000, "most users trained within 40 epochs: " + seen.size());
    }
}
