package io.rimirec.tools.data.interactions;

import java.util.List;
import java.util.Locale;

/**
 * Which columns (CSV/TSV header names, JSON Lines fields) hold the user, the item, the time, and optionally a rating
 * and an event type. A null name is looked up among the usual spellings ({@link #USER_NAMES} and the like); the time
 * is optional (without it a user's interactions keep the file's order), so are the rating and the event type.
 */
public record InteractionColumns(String user, String item, String time, String rating, String event) {

    static final List<String> USER_NAMES = List.of("user_id", "userid", "user", "uid", "customer_id", "customerid", "visitor_id",
        "visitorid", "reviewer_id", "reviewerid", "member_id", "account_id", "session_id");
    static final List<String> ITEM_NAMES = List.of("item_id", "itemid", "item", "iid", "movie_id", "movieid", "product_id",
        "productid", "asin", "sku", "article_id", "track_id", "video_id", "doc_id");
    static final List<String> TIME_NAMES = List.of("timestamp", "time", "ts", "event_time", "datetime", "date", "created_at",
        "unix_time", "unixreviewtime", "unix_review_time");
    static final List<String> RATING_NAMES = List.of("rating", "score", "stars", "overall");
    static final List<String> EVENT_NAMES = List.of("event", "event_type", "action", "behavior", "behaviour", "type");

    /** Every column looked up by its usual names. */
    public static final InteractionColumns AUTO = new InteractionColumns(null, null, null, null, null);

    /** The resolved columns of a header or a JSON object's fields: index into {@code names}, -1 = absent. */
    public record Resolved(int user, int item, int time, int rating, int event, List<String> names) {}

    /**
     * Finds every column in {@code names} (case-insensitive). A column named explicitly must be there; the user and
     * item columns must be found one way or the other.
     */
    public Resolved resolve(List<String> names, String source) {
        int u = find(names, user, USER_NAMES, "user", "--user-column", source, true);
        int i = find(names, item, ITEM_NAMES, "item", "--item-column", source, true);
        int t = find(names, time, TIME_NAMES, "time", "--time-column", source, false);
        int r = find(names, rating, RATING_NAMES, "rating", "--rating-column", source, false);
        int e = find(names, event, EVENT_NAMES, "event type", "--event-column", source, false);
        if (u == i) {
            throw new IllegalArgumentException(source + ": the user and item columns are the same column [" + names.get(u) + "]");
        }
        return new Resolved(u, i, t, r, e, names);
    }

    private static int find(List<String> names, String given, List<String> usual, String what, String flag, String source, boolean required) {
        if (given != null) {
            for (int c = 0; c < names.size(); c++) {
                if (names.get(c).trim().equalsIgnoreCase(given)) {
                    return c;
                }
            }
            throw new IllegalArgumentException(source + ": no column [" + given + "] (" + flag + ") among " + names);
        }
        for (String candidate : usual) {
            for (int c = 0; c < names.size(); c++) {
                if (names.get(c).trim().toLowerCase(Locale.ROOT).equals(candidate)) {
                    return c;
                }
            }
        }
        if (required) {
            throw new IllegalArgumentException(source + ": cannot tell which column holds the " + what + " among " + names
                + ": name it with " + flag);
        }
        return -1;
    }
}
