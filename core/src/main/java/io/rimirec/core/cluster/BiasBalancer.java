package io.rimirec.core.cluster;

import java.util.Arrays;

/**
 * Evens out cluster sizes by adjusting one additive bias per cluster while keeping the assignment rule
 * "argmax of similarity + bias, ties to the lowest index" (the rule {@code CircleTree} descends by).
 *
 * <p>The biases play the role of the dual variables of a capacity-constrained assignment. For every cluster outside
 * the size bounds, an update finds the bias change that alone would move the wanted number of vectors in (raise)
 * or out (lower): the margins are sorted out by selection and the change lands midway between the last vector to
 * move and the first to stay. All violating clusters then move together by a damped share of their change
 * (smaller when an update does not help). The best state seen is kept, so balancing never leaves the result worse
 * than its input.
 *
 * <p>Best effort: vectors with identical similarity rows (duplicates) always land in the same cluster, so bounds
 * can be impossible; the balancer then stops at the least violating state it found.
 */
final class BiasBalancer {

    private BiasBalancer() {}

    /** Smallest and largest allowed size for {@code n} vectors in {@code k} clusters with max/min ratio {@code ratio}. */
    static int[] bounds(int n, int k, float ratio) {
        // Symmetric around n/k in the ratio sense: lo = 2n / (k(1+R)), hi = R * lo.
        double lo = 2.0 * n / (k * (1.0 + ratio));
        double hi = ratio * lo;
        return new int[] {(int) Math.floor(lo + 1e-9), (int) Math.min(n, Math.ceil(hi - 1e-9))};
    }

    /** How many vectors are outside the bounds in total. */
    static long violation(int[] sizes, int lo, int hi) {
        long v = 0;
        for (int s : sizes) {
            v += Math.max(0, lo - s) + Math.max(0, s - hi);
        }
        return v;
    }

    /**
     * Assigns every row of {@code scores} ({@code n × k}, row-major raw similarities) by the bias rule, adjusting
     * {@code bias} in place for at most {@code maxUpdates} updates. Fills {@code assignment} and {@code sizes}.
     */
    static void balance(float[] scores, int n, int k, float[] bias, int lo, int hi, int maxUpdates,
                        int[] assignment, int[] sizes, Parallel par) {
        assignAll(scores, n, k, bias, assignment, sizes, par);
        long best = violation(sizes, lo, hi);
        if (best == 0 || k < 2) {
            return;
        }
        float[] bestBias = bias.clone();
        float[] gaps = new float[n];
        float[] step = new float[k];
        boolean[] canGive = new boolean[k];
        boolean[] canTake = new boolean[k];
        double mean = (double) n / k;
        // A small cluster aims halfway between the bound and the mean, a big one likewise, so that later updates
        // have room to settle; clusters beyond those targets are the ones that give or take items.
        int pullTarget = (int) Math.min(n, Math.ceil((lo + mean) / 2));
        int pushTarget = (int) Math.max(0, Math.floor((hi + mean) / 2));
        double damping = 0.5;
        long previous = best;
        int sinceImprovement = 0;
        for (int update = 0; update < maxUpdates && sinceImprovement < 4 * k; update++) {
            boolean any = false;
            for (int j = 0; j < k; j++) {
                canGive[j] = sizes[j] > pullTarget;
                canTake[j] = sizes[j] < pushTarget;
            }
            for (int j = 0; j < k; j++) {
                step[j] = 0f;
                if (sizes[j] < lo) {
                    int need = pullTarget - sizes[j];
                    int m = 0;
                    for (int i = 0; i < n; i++) {
                        int a = assignment[i];
                        if (canGive[a]) { // only from clusters with items to spare, not from other small ones
                            gaps[m++] = (scores[i * k + a] + bias[a]) - (scores[i * k + j] + bias[j]);
                        }
                    }
                    if (need > 0 && need <= m) {
                        step[j] = step(gaps, m, need, bias[j]);
                        any = true;
                    }
                } else if (sizes[j] > hi) {
                    int excess = sizes[j] - pushTarget;
                    int m = 0;
                    for (int i = 0; i < n; i++) {
                        if (assignment[i] == j) {
                            float own = scores[i * k + j] + bias[j];
                            float other = Float.NEGATIVE_INFINITY;
                            for (int l = 0; l < k; l++) {
                                if (canTake[l]) { // only to clusters with room, not to other big ones
                                    other = Math.max(other, scores[i * k + l] + bias[l]);
                                }
                            }
                            gaps[m++] = own - other;
                        }
                    }
                    if (excess > 0 && excess <= m) {
                        step[j] = -step(gaps, m, excess, bias[j]);
                        any = true;
                    }
                }
            }
            if (!any) {
                break;
            }
            // All violating clusters move at once, each by a damped share of its own step. One cluster at a time
            // can stall: a big cluster pushes its surplus to a near-identical twin, which pushes it straight back,
            // and small neighbours trade the same few items. So a big cluster measures its margins only against
            // clusters with room and a small one only against clusters with items to spare, and the damping keeps
            // a big and a small neighbour from overshooting past each other.
            for (int j = 0; j < k; j++) {
                if (step[j] != 0f) {
                    float moved = bias[j] + (float) (damping * step[j]);
                    bias[j] = moved != bias[j] ? moved : bias[j] + Math.signum(step[j]) * Math.ulp(bias[j]) * 4;
                }
            }
            assignAll(scores, n, k, bias, assignment, sizes, par);
            long v = violation(sizes, lo, hi);
            if (v < best) {
                best = v;
                System.arraycopy(bias, 0, bestBias, 0, k);
                sinceImprovement = 0;
                if (v == 0) {
                    return;
                }
            } else {
                sinceImprovement++;
            }
            // Overshooting or stuck: smaller steps; making progress: back towards half steps.
            damping = v >= previous ? Math.max(0.05, damping * 0.7) : Math.min(0.5, damping * 1.2);
            previous = v;
        }
        if (!Arrays.equals(bias, bestBias)) {
            System.arraycopy(bestBias, 0, bias, 0, k);
            assignAll(scores, n, k, bias, assignment, sizes, par);
        }
    }

    /**
     * The bias change that moves the {@code count} vectors with the smallest gaps: midway between the
     * {@code count}-th and the next gap, or just past the {@code count}-th when they tie or there is no next.
     */
    private static float step(float[] gaps, int m, int count, float currentBias) {
        float last = Select.kthSmallest(gaps, m, count - 1);
        float next = Float.POSITIVE_INFINITY;
        for (int i = count; i < m; i++) {
            next = Math.min(next, gaps[i]);
        }
        if (next > last && next != Float.POSITIVE_INFINITY) {
            return last + (next - last) / 2;
        }
        // Past a tie: a few ulps of the bias itself, so the addition really changes the float sum.
        float nudge = 4 * Math.max(Math.ulp(Math.abs(currentBias)), Math.ulp(Math.max(Math.abs(last), 1e-3f)));
        return last + nudge;
    }

    /** The assignment rule: highest {@code score + bias}, ties to the lowest index (strictly greater wins). */
    static void assignAll(float[] scores, int n, int k, float[] bias, int[] assignment, int[] sizes, Parallel par) {
        int chunks = Parallel.chunkCount(n);
        int[][] counts = new int[chunks][];
        par.forEachChunk(n, (chunk, from, to) -> {
            int[] c = new int[k];
            for (int i = from; i < to; i++) {
                int off = i * k;
                int best = 0;
                float bestScore = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    float s = scores[off + j] + bias[j];
                    if (s > bestScore) {
                        bestScore = s;
                        best = j;
                    }
                }
                assignment[i] = best;
                c[best]++;
            }
            counts[chunk] = c;
        });
        Arrays.fill(sizes, 0, k, 0);
        for (int[] c : counts) {
            for (int j = 0; j < k; j++) {
                sizes[j] += c[j];
            }
        }
    }
}
