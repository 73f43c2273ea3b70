package io.rimirec.plugin.query;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CircleSearchesTests {

    @Test
    void allCirclesGoInOneRequestWhenTheWindowAllows() {
        List<int[]> groups = CircleSearches.groups(new int[] {60, 20, 10, 10, 10, 10}, 1, 10_000);
        assertEquals(1, groups.size());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, groups.get(0));
    }

    @Test
    void circlesAreSplitSoThatNoRequestAsksForMoreThanTheWindow() {
        // 5 shards: each circle needs k * 5 hits; window 250.
        List<int[]> groups = CircleSearches.groups(new int[] {30, 20, 10, 40, 60}, 5, 250);
        assertEquals(3, groups.size());
        assertArrayEquals(new int[] {0, 1}, groups.get(0)); // 150 + 100
        assertArrayEquals(new int[] {2, 3}, groups.get(1)); // 50 + 200
        assertArrayEquals(new int[] {4}, groups.get(2), "a circle larger than the window alone gets a request of its own");
    }

    @Test
    void noCirclesNoRequests() {
        assertEquals(0, CircleSearches.groups(new int[0], 3, 10_000).size());
    }
}
