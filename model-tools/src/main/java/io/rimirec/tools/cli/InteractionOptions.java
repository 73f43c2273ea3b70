package io.rimirec.tools.cli;

import io.rimirec.tools.data.interactions.InteractionColumns;
import io.rimirec.tools.data.interactions.InteractionFormat;
import io.rimirec.tools.data.interactions.InteractionReader;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** How to read an interactions file: its format, which columns hold what, the filters and the bad-line policy. */
public final class InteractionOptions {

    @Option(names = "--format", description = "csv, tsv, jsonl, sequences, movielens (ratings.dat) or udata (u.data); default: from the file name")
    String format;

    @Option(names = "--user-column", description = "column (or JSON field) with the user id; default: the first of user_id, userid, user, "
        + "uid, customer_id, visitor_id, reviewer_id, session_id, ... in the header")
    String userColumn;

    @Option(names = "--item-column", description = "column with the item id; default: the first of item_id, itemid, item, movie_id, "
        + "product_id, asin, sku, ... in the header")
    String itemColumn;

    @Option(names = "--time-column", description = "column with the time (epoch seconds or milliseconds, or ISO-8601); default: timestamp, "
        + "time, ts, event_time, date, ... when present, else the file's order")
    String timeColumn;

    @Option(names = "--rating-column", description = "column with a rating (for --min-rating); default: rating, score, stars, overall")
    String ratingColumn;

    @Option(names = "--event-column", description = "column with an event type (for --events); default: event, event_type, action, type")
    String eventColumn;

    @Option(names = "--min-rating", description = "keep only interactions rated at least this")
    Double minRating;

    @Option(names = "--events", split = ",", description = "keep only these event types (comma-separated)")
    String[] events;

    @Option(names = "--max-bad-share", defaultValue = "0.01", description = "bad lines are skipped and reported; more than this share of "
        + "them stops the run (default: ${DEFAULT-VALUE})")
    double maxBadShare;

    public InteractionReader.Options toOptions() {
        Set<String> ev = events == null ? Set.of() : new HashSet<>(Arrays.asList(events));
        return new InteractionReader.Options(format == null ? null : InteractionFormat.parse(format),
            new InteractionColumns(userColumn, itemColumn, timeColumn, ratingColumn, eventColumn),
            minRating == null ? Double.NaN : minRating, ev, maxBadShare);
    }
}
