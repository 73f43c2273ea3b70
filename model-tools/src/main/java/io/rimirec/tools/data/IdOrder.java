package io.rimirec.tools.data;

import java.util.Collection;
import java.util.Comparator;

/**
 * The order data sets number their users and items in: ascending original id, numerically when every id is a number
 * (so {@code 2} comes before {@code 10}). Every reader numbers the same way, so the same interactions read from any
 * format give the same data set and the same evaluation splits.
 */
public final class IdOrder {

    private IdOrder() {}

    /** Numeric when every id of every collection is an integer (at most 18 digits), else by text. */
    @SafeVarargs
    public static Comparator<String> of(Collection<String>... ids) {
        for (Collection<String> c : ids) {
            for (String id : c) {
                if (!isLong(id)) {
                    return Comparator.naturalOrder();
                }
            }
        }
        return Comparator.comparingLong(Long::parseLong);
    }

    static boolean isLong(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && !(i == 0 && c == '-' && s.length() > 1)) {
                return false;
            }
        }
        return true;
    }
}
