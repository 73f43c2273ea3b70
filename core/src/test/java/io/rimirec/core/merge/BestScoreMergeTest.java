package io.rimirec.core.merge;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BestScoreMergeTest {

    @Test
    void anItemFoundByTwoInterestsKeepsItsBestScoreOnce() {
        List<BestScoreMerge.Hit> m = BestScoreMerge.merge(List.of(
            new BestScoreMerge.Candidates(List.of("a", "b"), List.of(0.9f, 0.5f)),
            new BestScoreMerge.Candidates(List.of("b", "c"), List.of(0.8f, 0.7f))), 10);
        assertEquals(List.of("a", "b", "c"), m.stream().map(BestScoreMerge.Hit::item).toList());
        assertEquals(new BestScoreMerge.Hit("b", 0.8f, 1, 0), m.get(1));
    }

    @Test
    void tiesAreBrokenByIdAndTheListIsCut() {
        List<BestScoreMerge.Hit> m = BestScoreMerge.merge(List.of(
            new BestScoreMerge.Candidates(List.of("z", "y"), List.of(0.5f, 0.5f)),
            new BestScoreMerge.Candidates(List.of("x"), List.of(0.5f))), 2);
        assertEquals(List.of("x", "y"), m.stream().map(BestScoreMerge.Hit::item).toList());
    }

    @Test
    void exactTopKListsGiveTheExactTopByBestScore() {
        // The property serving relies on: per-interest exact top-k lists, k = size, merge = brute force by best score.
        Random rnd = new Random(7);
        int items = 300, interests = 3, size = 20;
        float[][] scores = new float[interests][items];
        for (float[] row : scores) {
            for (int i = 0; i < items; i++) {
                row[i] = rnd.nextFloat();
            }
        }
        List<BestScoreMerge.Candidates> lists = new ArrayList<>();
        for (float[] row : scores) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                order.add(i);
            }
            order.sort(Comparator.comparing((Integer i) -> row[i]).reversed());
            List<Integer> top = order.subList(0, size);
            lists.add(new BestScoreMerge.Candidates(top.stream().map(i -> "i" + i).toList(), top.stream().map(i -> row[i]).toList()));
        }
        List<Integer> brute = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            brute.add(i);
        }
        brute.sort(Comparator.comparing((Integer i) -> Math.max(scores[0][i], Math.max(scores[1][i], scores[2][i]))).reversed());
        assertEquals(brute.subList(0, size).stream().map(i -> "i" + i).toList(),
            BestScoreMerge.merge(lists, size).stream().map(BestScoreMerge.Hit::item).toList());
    }

    @Test
    void badInputIsNamed() {
        assertThrows(IllegalArgumentException.class, () -> new BestScoreMerge.Candidates(List.of("a"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> BestScoreMerge.merge(List.of(), 0));
    }
}
