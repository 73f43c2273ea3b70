package io.rimirec.tools.eval;

import java.util.BitSet;
import java.util.Objects;

/**
 * One recommendation request: a user's history (item indexes, oldest first) and the items that must not be
 * returned (empty for "history not excluded").
 */
public record Query(int[] history, BitSet exclude) {

    private static final BitSet NONE = new BitSet(0);

    public Query {
        Objects.requireNonNull(history, "history");
        exclude = exclude == null ? NONE : exclude;
    }

    /** A query that excludes nothing. */
    public static Query of(int[] history) {
        return new Query(history, NONE);
    }

    /** A query that excludes the history's own items. */
    public static Query excludingHistory(int[] history) {
        BitSet ex = new BitSet();
        for (int item : history) {
            ex.set(item);
        }
        return new Query(history, ex);
    }
}
