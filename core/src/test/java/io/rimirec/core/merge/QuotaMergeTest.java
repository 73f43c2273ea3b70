package io.rimirec.core.merge;

import io.rimirec.core.merge.QuotaMerge.CircleCandidates;
import io.rimirec.core.merge.QuotaMerge.Hit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuotaMergeTest {

    private static List<String> items(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    private static long count(List<Hit> hits, String circle) {
        return hits.stream().filter(h -> h.circle().equals(circle)).count();
    }

    @Test
    void quotasFollowProbabilityToTheAlphaAndAddUpExactly() {
        assertArrayEquals(new int[] {6, 3, 1}, QuotaMerge.quotas(10, new double[] {0.6, 0.3, 0.1}));
        // 50 * (0.5, 0.3, 0.2) = 25, 15, 10
        List<Hit> hits = QuotaMerge.merge(
            List.of(new CircleCandidates("a", 0.5, items("a", 100)), new CircleCandidates("b", 0.3, items("b", 100)),
                new CircleCandidates("c", 0.2, items("c", 100))), 50, 1.0);
        assertEquals(50, hits.size());
        assertEquals(25, count(hits, "a"));
        assertEquals(15, count(hits, "b"));
        assertEquals(10, count(hits, "c"));
        // alpha = 2 sharpens: 0.25, 0.09, 0.04 of 0.38 -> 32.9, 11.8, 5.3 -> 33, 12, 5
        hits = QuotaMerge.merge(
            List.of(new CircleCandidates("a", 0.5, items("a", 100)), new CircleCandidates("b", 0.3, items("b", 100)),
                new CircleCandidates("c", 0.2, items("c", 100))), 50, 2.0);
        assertEquals(33, count(hits, "a"));
        assertEquals(12, count(hits, "b"));
        assertEquals(5, count(hits, "c"));
        // alpha = 0: equal shares, remainder to the earlier circle
        assertArrayEquals(new int[] {4, 3, 3}, QuotaMerge.quotas(10, new double[] {1, 1, 1}));
    }

    @Test
    void aVeryLargeAlphaGivesEverySlotToTheMostProbableCircleInsteadOfUnderflowingToEqualQuotas() {
        // 0.6^2000 underflows to 0 in double; before the fix every weight did and the quotas fell back to equal shares.
        List<CircleCandidates> circles = List.of(new CircleCandidates("a", 0.6, items("a", 100)),
            new CircleCandidates("b", 0.3, items("b", 100)), new CircleCandidates("c", 0.1, items("c", 100)));
        for (double alpha : new double[] {50, 1_600, 2_000, 1e6}) {
            List<Hit> hits = QuotaMerge.merge(circles, 20, alpha);
            assertEquals(20, count(hits, "a"), "alpha " + alpha);
            assertArrayEquals(new int[] {20, 10, 10}, QuotaMerge.candidatesPerCircle(20, new double[] {0.6, 0.3, 0.1}, alpha),
                "alpha " + alpha);
        }
        // Equal probabilities stay equal at any alpha.
        assertEquals(7, count(QuotaMerge.merge(List.of(new CircleCandidates("a", 0.5, items("a", 100)),
            new CircleCandidates("b", 0.5, items("b", 100))), 14, 5_000), "a"));
    }

    @Test
    void duplicatesAcrossNestedCirclesAreTakenOnceAndTheLaterCircleGoesDeeper() {
        // Circle "2" (p=.5) and its sub-circle "2/4" (p=.5) return overlapping items.
        List<Hit> hits = QuotaMerge.merge(
            List.of(new CircleCandidates("2", 0.5, List.of("x", "y", "z", "w")),
                new CircleCandidates("2/4", 0.5, List.of("x", "y", "u", "v"))), 4, 1.0);
        Set<String> ids = new HashSet<>();
        hits.forEach(h -> assertTrue(ids.add(h.item()), "duplicate " + h.item()));
        assertEquals(Set.of("x", "y", "u", "v"), ids);
        Hit u = hits.stream().filter(h -> h.item().equals("u")).findFirst().orElseThrow();
        assertEquals("2/4", u.circle());
        assertEquals(2, u.rankInCircle(), "rank in the circle's own list, counting the skipped duplicates");
    }

    @Test
    void unusedQuotaFlowsToCirclesThatStillHaveCandidates() {
        List<Hit> hits = QuotaMerge.merge(
            List.of(new CircleCandidates("a", 0.8, items("a", 3)), new CircleCandidates("b", 0.1, items("b", 100)),
                new CircleCandidates("c", 0.1, items("c", 100))), 20, 1.0);
        assertEquals(20, hits.size());
        assertEquals(3, count(hits, "a"));
        assertEquals(17, count(hits, "b") + count(hits, "c"));
        assertTrue(Math.abs(count(hits, "b") - count(hits, "c")) <= 1, "equal probabilities share the leftover equally");
        Hit a0 = hits.stream().filter(h -> h.circle().equals("a")).findFirst().orElseThrow();
        assertEquals(3, a0.quota(), "quota reported is what the circle could use");
    }

    @Test
    void fewerCandidatesThanSizeReturnsEverythingOnce() {
        List<Hit> hits = QuotaMerge.merge(
            List.of(new CircleCandidates("a", 0.7, List.of("1", "2")), new CircleCandidates("b", 0.3, List.of("2", "3"))), 50, 1.0);
        assertEquals(List.of("1", "2", "3"), hits.stream().map(Hit::item).sorted().toList());
        assertTrue(QuotaMerge.merge(List.of(), 10, 1).isEmpty());
        assertTrue(QuotaMerge.merge(List.of(new CircleCandidates("a", 1, List.of())), 10, 1).isEmpty());
    }

    @Test
    void orderInterleavesByFractionalRank() {
        List<Hit> hits = QuotaMerge.merge(
            List.of(new CircleCandidates("a", 0.5, items("a", 10)), new CircleCandidates("b", 0.25, items("b", 10)),
                new CircleCandidates("c", 0.25, items("c", 10))), 8, 1.0);
        // quotas 4, 2, 2: fractional ranks a: .25 .5 .75 1, b: .5 1, c: .5 1
        assertEquals(List.of("a0", "a1", "b0", "c0", "a2", "a3", "b1", "c1"), hits.stream().map(Hit::item).toList());
    }

    @Test
    void randomisedInvariants() {
        Random r = new Random(7);
        for (int t = 0; t < 500; t++) {
            int n = 1 + r.nextInt(6);
            int size = r.nextInt(60);
            List<CircleCandidates> cs = new ArrayList<>();
            Set<String> universe = new HashSet<>();
            for (int i = 0; i < n; i++) {
                int len = r.nextInt(30);
                List<String> list = new ArrayList<>();
                for (int k = 0; k < len; k++) {
                    String item = "i" + r.nextInt(40); // overlapping pools create duplicates across and within lists
                    list.add(item);
                    universe.add(item);
                }
                cs.add(new CircleCandidates("c" + i, r.nextDouble(), list));
            }
            List<Hit> hits = QuotaMerge.merge(cs, size, r.nextDouble() * 2);
            assertEquals(Math.min(size, universe.size()), hits.size(), "fills M whenever enough distinct items exist");
            assertEquals(hits.size(), hits.stream().map(Hit::item).distinct().count(), "no duplicates");
            for (Hit h : hits) {
                assertEquals(h.item(), cs.get(h.circleIndex()).items().get(h.rankInCircle()));
            }
        }
    }

    @Test
    void candidatesPerCircleIsTheQuotaPlusHeadroomCappedAtSize() {
        // quotas 25 / 15 / 10 of M = 50
        assertArrayEquals(new int[] {50, 30, 20}, QuotaMerge.candidatesPerCircle(50, new double[] {0.5, 0.3, 0.2}, 1.0));
        // a quota of 2 still asks for MIN_HEADROOM more; never more than M
        assertArrayEquals(new int[] {10, 10}, QuotaMerge.candidatesPerCircle(10, new double[] {0.9, 0.1}, 1.0));
        assertArrayEquals(new int[] {4, 4}, QuotaMerge.candidatesPerCircle(4, new double[] {0.9, 0.1}, 0.0));
        assertThrows(IllegalArgumentException.class, () -> QuotaMerge.candidatesPerCircle(-1, new double[] {1}, 1));
        assertThrows(IllegalArgumentException.class, () -> QuotaMerge.candidatesPerCircle(5, new double[] {1}, -1));
    }

    @Test
    void askingForCandidatesPerCircleChangesNothingWhenCirclesAreDisjointAndDeep() {
        Random r = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + r.nextInt(6);
            int size = 1 + r.nextInt(60);
            double alpha = r.nextDouble() * 2;
            double[] p = new double[n];
            List<CircleCandidates> full = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                p[i] = 0.01 + r.nextDouble();
                List<String> list = new ArrayList<>();
                for (int k = 0; k < size; k++) {
                    list.add("c" + i + "-" + k); // disjoint circles, each with M candidates
                }
                full.add(new CircleCandidates("c" + i, p[i], list));
            }
            int[] ks = QuotaMerge.candidatesPerCircle(size, p, alpha);
            List<CircleCandidates> cut = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cut.add(new CircleCandidates("c" + i, p[i], full.get(i).items().subList(0, ks[i])));
            }
            assertEquals(QuotaMerge.merge(full, size, alpha), QuotaMerge.merge(cut, size, alpha), "trial " + trial);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> QuotaMerge.merge(List.of(), -1, 1));
        assertThrows(IllegalArgumentException.class, () -> QuotaMerge.merge(List.of(), 1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new CircleCandidates("a", -0.1, List.of()));
    }
}
