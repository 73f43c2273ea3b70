package io.rimirec.tools.eval;

import java.util.Arrays;
import java.util.Random;

/** Seeded user splits, written once for every protocol. */
public final class Splits {

    private Splits() {}

    /**
     * A random partition of users {@code 0..n-1}: {@code round(n * fraction)} users go to the second part.
     * A Fisher-Yates shuffle driven by {@code java.util.Random(seed)} (its sequence is fixed by the Java spec, so
     * the split is the same on every JDK). Both parts are returned in ascending order.
     *
     * @return {@code {rest, heldOut}}
     */
    public static int[][] randomUsers(int n, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + fraction);
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int held = (int) Math.round(n * fraction);
        int[] heldOut = Arrays.copyOfRange(perm, 0, held);
        int[] rest = Arrays.copyOfRange(perm, held, n);
        Arrays.sort(heldOut);
        Arrays.sort(rest);
        return new int[][] {rest, heldOut};
    }
}
