package io.rimirec.core.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Merges per-circle candidate lists into one list of at most M items (HimiRec §2.3): circle n gets the quota
 * {@code M · p_n^α / Σ p^α}, rounded by largest remainder so the quotas add up to M exactly.
 *
 * <ul>
 *   <li><b>Order of filling.</b> Circles fill their quotas in input order (the beams' order: most probable first).
 *       An item already taken by an earlier circle (nested circles such as {@code 2} and {@code 2/4} share items,
 *       and the same item can come back from two searches) is skipped, and the circle goes further down its own
 *       list.</li>
 *   <li><b>Unused quota.</b> A circle that runs out of candidates leaves slots; they are shared again among the
 *       circles that still have candidates, in proportion to p^α, until M items are taken or every list is
 *       exhausted.</li>
 *   <li><b>Final order.</b> Items are ordered by their fractional rank {@code (rank + 1) / quota} within their circle
 *       (so the first item of every circle comes before the second of any circle, weighted by quota), ties broken by
 *       the circle's order, then rank. The output position defines the score the query reports.</li>
 * </ul>
 * Pure and deterministic; the same code serves the live query and offline evaluation.
 */
public final class QuotaMerge {

    private QuotaMerge() {}

    /** One circle's ranked candidates, best first. {@code probability} is its beam probability (> 0). */
    public record CircleCandidates(String circle, double probability, List<String> items) {
        public CircleCandidates {
            Objects.requireNonNull(circle, "circle");
            Objects.requireNonNull(items, "items");
            if (!(probability >= 0) || Double.isInfinite(probability)) {
                throw new IllegalArgumentException("probability of circle [" + circle + "] must be a finite number >= 0, got " + probability);
            }
        }
    }

    /**
     * A merged hit: which circle produced it, that circle's final quota (slots it used), and the item's 0-based rank
     * in that circle's own candidate list (duplicates skipped on the way still count, so it matches the k-NN result).
     */
    public record Hit(String item, int circleIndex, String circle, double probability, int quota, int rankInCircle) {}

    /**
     * @param circles candidates per circle, in beam order (most probable first)
     * @param size    M, the number of items wanted
     * @param alpha   quota sharpness (1 = proportional to probability, 0 = equal quotas)
     */
    public static List<Hit> merge(List<CircleCandidates> circles, int size, double alpha) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
        }
        int n = circles.size();
        if (n == 0 || size == 0) {
            return List.of();
        }
        double[] weight = weights(circles.stream().mapToDouble(CircleCandidates::probability).toArray(), alpha);

        int[] quota = new int[n];   // slots granted so far
        int[] taken = new int[n];   // items actually placed
        int[] cursor = new int[n];  // next position to look at in each list
        boolean[] exhausted = new boolean[n];
        Set<String> seen = new HashSet<>();
        List<List<int[]>> placed = new ArrayList<>(n); // per circle: {rank}
        for (int i = 0; i < n; i++) {
            placed.add(new ArrayList<>());
        }

        int remaining = size;
        while (remaining > 0) {
            int[] share = apportion(remaining, weight, exhausted);
            if (share == null) {
                break; // every list exhausted
            }
            int filled = 0;
            for (int i = 0; i < n; i++) {
                if (share[i] == 0) {
                    continue;
                }
                quota[i] += share[i];
                List<String> items = circles.get(i).items();
                int want = share[i];
                while (want > 0 && cursor[i] < items.size()) {
                    String item = items.get(cursor[i]);
                    int rank = cursor[i]++;
                    if (item != null && seen.add(item)) {
                        placed.get(i).add(new int[] {rank});
                        taken[i]++;
                        want--;
                        filled++;
                    }
                }
                if (cursor[i] >= items.size()) {
                    exhausted[i] = true;
                    quota[i] -= want; // give back what this circle could not use
                }
            }
            remaining -= filled;
            if (filled == 0 && allExhausted(exhausted)) {
                break;
            }
        }

        List<Hit> hits = new ArrayList<>(size - remaining);
        List<double[]> order = new ArrayList<>(size - remaining); // {fractionalRank, circle, rank, hitIndex}
        for (int i = 0; i < n; i++) {
            CircleCandidates c = circles.get(i);
            int q = Math.max(quota[i], taken[i]);
            int k = 0;
            for (int[] p : placed.get(i)) {
                order.add(new double[] {(k + 1.0) / q, i, k, hits.size()});
                hits.add(new Hit(c.items().get(p[0]), i, c.circle(), c.probability(), q, p[0]));
                k++;
            }
        }
        order.sort((a, b) -> {
            int cmp = Double.compare(a[0], b[0]);
            if (cmp == 0) {
                cmp = Double.compare(a[1], b[1]);
            }
            return cmp != 0 ? cmp : Double.compare(a[2], b[2]);
        });
        List<Hit> out = new ArrayList<>(hits.size());
        for (double[] o : order) {
            out.add(hits.get((int) o[3]));
        }
        return Collections.unmodifiableList(out);
    }

    /** Extra candidates asked of every circle beyond its quota, at least (see {@link #candidatesPerCircle}). */
    public static final int MIN_HEADROOM = 10;

    /**
     * How many candidates each circle's search should return when the caller does not fix it: the circle's quota
     * before de-duplication, plus as many again (at least {@value #MIN_HEADROOM} more), at most {@code size}. The
     * headroom covers items a circle loses to a nested circle or to an earlier search, and lets the other circles
     * absorb the quota a small circle cannot fill; asking every circle for {@code size} candidates would rarely
     * change the merged list but makes every k-NN search explore for {@code size} neighbours.
     *
     * @param probabilities the circles' beam probabilities, in beam order
     */
    public static int[] candidatesPerCircle(int size, double[] probabilities, double alpha) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        int[] q = quotas(size, weights(probabilities, alpha));
        int[] k = new int[q.length];
        for (int i = 0; i < q.length; i++) {
            k[i] = Math.min(size, q[i] + Math.max(q[i], MIN_HEADROOM));
        }
        return k;
    }

    /** {@code p^α} per circle; equal weights when α = 0 or when every probability is zero (no division by zero). */
    private static double[] weights(double[] probabilities, double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
        }
        // Relative to the most probable circle, (p / p_max)^alpha: the same quotas as p^alpha, but the largest weight is
        // 1, so a large alpha cannot underflow every weight to 0 (which fell back to equal quotas above alpha ~ 1,600).
        double max = Arrays.stream(probabilities).max().orElse(0);
        double[] weight = new double[probabilities.length];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = alpha == 0 ? 1.0 : max <= 0 ? 0 : Math.pow(probabilities[i] / max, alpha);
        }
        if (Arrays.stream(weight).sum() <= 0) {
            Arrays.fill(weight, 1.0);
        }
        return weight;
    }

    /**
     * Quotas before any de-duplication: {@code total · w_i / Σ w}, floored, then the leftover slots to the largest
     * remainders (ties to the earlier circle). Exposed for explanations and tests.
     */
    public static int[] quotas(int total, double[] weights) {
        int[] q = apportion(total, weights, new boolean[weights.length]);
        return q == null ? new int[weights.length] : q;
    }

    private static int[] apportion(int total, double[] weight, boolean[] exhausted) {
        int n = weight.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (!exhausted[i]) {
                sum += weight[i];
            }
        }
        if (sum <= 0) {
            // Remaining circles have zero weight: share equally among those still open.
            int open = 0;
            for (boolean e : exhausted) {
                if (!e) {
                    open++;
                }
            }
            if (open == 0) {
                return null;
            }
            double[] equal = new double[n];
            for (int i = 0; i < n; i++) {
                equal[i] = exhausted[i] ? 0 : 1;
            }
            return apportion(total, equal, exhausted);
        }
        int[] share = new int[n];
        double[] remainder = new double[n];
        int given = 0;
        for (int i = 0; i < n; i++) {
            if (exhausted[i]) {
                remainder[i] = -1;
                continue;
            }
            double exact = total * weight[i] / sum;
            share[i] = (int) Math.floor(exact);
            remainder[i] = exact - share[i];
            given += share[i];
        }
        while (given < total) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!exhausted[i] && (best < 0 || remainder[i] > remainder[best])) {
                    best = i;
                }
            }
            share[best]++;
            remainder[best] = -0.5; // each circle gets at most one extra slot per round
            given++;
            boolean anyLeft = false;
            for (int i = 0; i < n; i++) {
                anyLeft |= !exhausted[i] && remainder[i] >= 0;
            }
            if (!anyLeft) {
                for (int i = 0; i < n; i++) {
                    if (!exhausted[i]) {
                        remainder[i] = weight[i]; // more slots than circles: keep going by weight
                    }
                }
            }
        }
        return share;
    }

    private static boolean allExhausted(boolean[] exhausted) {
        for (boolean e : exhausted) {
            if (!e) {
                return false;
            }
        }
        return true;
    }
}
