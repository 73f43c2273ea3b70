package io.rimirec.core.cluster;

/** Order statistics on float arrays without sorting. */
final class Select {

    private Select() {}

    /**
     * The {@code kth} smallest (0-based) of {@code a[0, n)}. Reorders {@code a} so that every element after
     * position {@code kth} is {@code >=} the result and every element before it is {@code <=}.
     */
    static float kthSmallest(float[] a, int n, int kth) {
        if (kth < 0 || kth >= n) {
            throw new IllegalArgumentException("kth " + kth + " outside [0, " + n + ")");
        }
        int lo = 0, hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            float pivot = median(a[lo], a[mid], a[hi]);
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (kth <= j) {
                hi = j;
            } else if (kth >= i) {
                lo = i;
            } else {
                return a[kth];
            }
        }
        return a[kth];
    }

    private static float median(float x, float y, float z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }
}
