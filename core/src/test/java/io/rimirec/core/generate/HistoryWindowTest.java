package io.rimirec.core.generate;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryWindowTest {

    @Test
    void shortHistoriesAreReadWhole() {
        assertArrayEquals(new int[] {0, 1, 2}, new HistoryWindow(5, 2).select(3, null));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, new HistoryWindow(5, 2).select(5, new Random(1)));
    }

    @Test
    void longHistoriesKeepAllRecentItemsAndASampleOfTheRest() {
        HistoryWindow w = new HistoryWindow(10, 4);
        int[] serve = w.select(100, null);
        assertEquals(10, serve.length);
        assertArrayEquals(new int[] {96, 97, 98, 99}, java.util.Arrays.copyOfRange(serve, 6, 10));
        // Evenly spaced over the 96 older items, deterministic.
        assertArrayEquals(new int[] {8, 24, 40, 56, 72, 88}, java.util.Arrays.copyOf(serve, 6));
        assertArrayEquals(serve, w.select(100, null));
        int[] a = w.select(100, new Random(1));
        int[] b = w.select(100, new Random(2));
        for (int[] s : new int[][] {a, b}) {
            assertEquals(10, s.length);
            for (int i = 1; i < s.length; i++) {
                assertTrue(s[i] > s[i - 1], "chronological and distinct");
            }
            assertTrue(s[5] < 96);
            assertEquals(96, s[6]);
        }
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b), "training draws a fresh sample");
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new HistoryWindow(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HistoryWindow(5, 6));
    }
}
