package io.rimirec.tools.data.movielens;

import java.util.Locale;

/**
 * What {@link MovieLens#load} does to the raw interactions, in this order:
 * <ol>
 *   <li>{@code minRating}: keep only ratings {@code >= minRating} (needs a ratings file; {@code NaN} = off).</li>
 *   <li>Chronological order per user: by timestamp, equal timestamps by line number in the file (a stable
 *       sort, so the order is the file's order within a second). A {@code sequences.txt} is already ordered
 *       and is read as it is.</li>
 *   <li>{@code kCore}: repeatedly drop users with fewer than k interactions and items with fewer than k
 *       interactions until none is left to drop ({@code 0} or {@code 1} = off).</li>
 *   <li>Dense ids: users and items are numbered in ascending order of their original ids (numerically when
 *       every id is a number); the original ids are kept in the dataset for output.</li>
 * </ol>
 * Repeated (user, item) pairs are kept as they are; ML-1M has none.
 */
public record Preprocessing(double minRating, int kCore) {

    /** Everything as it is: no rating filter, no k-core. */
    public static final Preprocessing NONE = new Preprocessing(Double.NaN, 0);

    public Preprocessing {
        if (kCore < 0) {
            throw new IllegalArgumentException("kCore must be >= 0, got " + kCore);
        }
    }

    public boolean filtersRatings() {
        return !Double.isNaN(minRating);
    }

    public String describe() {
        return String.format(Locale.ROOT, "min_rating=%s, k_core=%d",
            filtersRatings() ? minRating : "off", kCore);
    }
}
