package io.rimirec.core.split;

import io.rimirec.core.tree.CirclePath;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BehaviourSplitTest {

    private static List<CirclePath> paths(String... p) {
        return Arrays.stream(p).map(s -> s == null ? null : CirclePath.parse(s)).toList();
    }

    @Test
    void nestedCirclesShareItemsAndOrderIsKept() {
        List<CirclePath> history = paths("2/4/1", "0/1", "2/3/0", "2/4/0", null, "2/4/1");
        List<BehaviourSplit.Slice> slices = BehaviourSplit.split(history, paths("2", "2/4", "0", "1"), 10);
        assertEquals(List.of(0, 2, 3, 5), slices.get(0).positions());
        assertEquals(List.of(0, 3, 5), slices.get(1).positions());
        assertEquals(List.of(1), slices.get(2).positions());
        assertTrue(slices.get(3).isEmpty());
    }

    @Test
    void truncationKeepsTheMostRecentItems() {
        List<CirclePath> history = paths("1/0", "1/1", "1/0", "1/2", "1/1");
        assertEquals(List.of(2, 3, 4), BehaviourSplit.split(history, paths("1"), 3).get(0).positions());
        assertThrows(IllegalArgumentException.class, () -> BehaviourSplit.split(history, paths("1"), 0));
    }

    @Test
    void unifiedGivesEveryCircleTheWholeHistoryMostRecentFirstToGoWhenTooLong() {
        List<CirclePath> history = paths("2/4/1", "0/1", "2/3/0", "2/4/0", null, "2/4/1");
        List<BehaviourSplit.Slice> slices = BehaviourSplit.unified(history, paths("2", "0", "1"), 10);
        assertEquals(3, slices.size());
        for (BehaviourSplit.Slice s : slices) {
            assertEquals(List.of(0, 1, 2, 3, 5), s.positions(), "every known item, whatever its circle; the unknown one left out");
        }
        assertEquals(paths("2", "0", "1"), slices.stream().map(BehaviourSplit.Slice::circle).toList());
        assertEquals(List.of(3, 5), BehaviourSplit.unified(history, paths("1"), 2).get(0).positions());
        assertThrows(IllegalArgumentException.class, () -> BehaviourSplit.unified(history, paths("1"), 0));
    }
}
