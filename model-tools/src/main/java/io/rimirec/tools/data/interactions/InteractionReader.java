package io.rimirec.tools.data.interactions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rimirec.core.util.Abbreviate;
import io.rimirec.tools.data.IdOrder;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.TextFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads users' interactions from the files users have — CSV/TSV with a header, JSON Lines, {@code sequences.txt},
 * MovieLens {@code ratings.dat} and {@code u.data}, each optionally gzip-compressed — into chronological sequences
 * with the users' and items' own ids ({@link SequenceDataset}).
 *
 * <p>Each user's interactions are ordered by time, equal times (or no time column) by their order in the file. Ids are
 * numbered in ascending order of the original ids (numerically when every id is a number), as {@code MovieLens.load}
 * numbers them, so the same data read from another format gives the same data set and the same evaluation splits.
 *
 * <p>Bad lines (wrong column count, empty id, a time or rating that is not a number or date) are skipped and reported
 * with their line; reading stops when more than {@link Options#maxBadShare()} of the lines are bad (checked from the
 * 1,000th line on and at the end), because then the file or the column names are wrong, not a few lines.
 */
public final class InteractionReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EARLY_CHECK_LINES = 1000;

    /**
     * @param format      null = from the file name
     * @param minRating   keep only interactions rated at least this (NaN = all; needs a rating column)
     * @param events      keep only these event types (empty = all; needs an event column)
     * @param maxBadShare the share of bad lines above which reading stops
     */
    public record Options(InteractionFormat format, InteractionColumns columns, double minRating, Set<String> events, double maxBadShare) {

        public static final double DEFAULT_MAX_BAD_SHARE = 0.01;

        public static Options defaults() {
            return new Options(null, InteractionColumns.AUTO, Double.NaN, Set.of(), DEFAULT_MAX_BAD_SHARE);
        }

        public Options {
            columns = columns == null ? InteractionColumns.AUTO : columns;
            events = events == null ? Set.of() : Set.copyOf(events);
            if (!(maxBadShare >= 0 && maxBadShare <= 1)) {
                throw new IllegalArgumentException("the share of bad lines allowed must be within [0, 1], got " + maxBadShare);
            }
        }
    }

    /** The sequences and what reading them did. */
    public record Result(SequenceDataset data, ReadReport report) {}

    /** Thrown when a file cannot be used at all (too many bad lines, no such column); names the file and the fix. */
    public static final class InteractionFileException extends IllegalArgumentException {
        public InteractionFileException(String message) {
            super(message);
        }
    }

    private final Options options;
    private final Map<String, Integer> userIndex = new HashMap<>();
    private final List<String> userIds = new ArrayList<>();
    private final Map<String, Integer> itemIndex = new HashMap<>();
    private final List<String> itemIds = new ArrayList<>();
    private int[] users = new int[1024];
    private int[] items = new int[1024];
    private double[] times = new double[1024];
    private int size;
    private boolean timed;

    private InteractionReader(Options options) {
        this.options = options;
    }

    public static Result read(Path file, Options options) throws IOException {
        return new InteractionReader(options).readFile(file);
    }

    /**
     * Interactions from somewhere other than a file (an index of events): the caller adds records one by one, with
     * the same checks, filters and bad-record policy as a file's lines, then {@link #finish}es.
     */
    public static final class Collector {
        private final InteractionReader reader;
        private final ReadReport report;
        private final String name;
        private final String description;

        /** @param timed whether records carry a time (else their order is kept) */
        public Collector(Options options, String source, String name, String description, boolean timed, String columns) {
            this.reader = new InteractionReader(options);
            this.report = new ReadReport(source, "index");
            this.name = name;
            this.description = description;
            reader.timed = timed;
            report.note("columns", columns);
        }

        /** One record; null time, rating or event when the source has none. A missing user or item is an empty string. */
        public void add(String where, String user, String item, String time, String rating, String event) {
            report.line();
            reader.accept(report, where, user, item, time, rating == null ? "" : rating, event == null ? "" : event);
            reader.checkBadShare(report, false);
        }

        public Result finish() {
            reader.checkBadShare(report, true);
            if (reader.size == 0) {
                throw new InteractionFileException(report.source() + ": no interaction was read (" + report.lines() + " records, skipped "
                    + report.skippedByReason() + ")");
            }
            report.note("order", reader.timed ? "by time, equal times in the order read" : "the order read (no time field)");
            return new Result(reader.build(name, description), report);
        }
    }

    private Result readFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "interaction file does not exist");
        }
        InteractionFormat format = options.format() != null ? options.format() : InteractionFormat.of(file);
        String source = file.toString();
        ReadReport report = new ReadReport(source, format.id());
        if (!Double.isNaN(options.minRating()) && (format == InteractionFormat.SEQUENCES)) {
            throw new InteractionFileException(source + ": --min-rating needs ratings, but a sequences file has none");
        }
        Charset charset = format == InteractionFormat.MOVIELENS_DAT ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
        try (BufferedReader r = TextFiles.open(file, charset)) {
            switch (format) {
                case CSV, TSV -> readDelimited(r, format == InteractionFormat.CSV ? ',' : '\t', source, report);
                case JSONL -> readJsonLines(r, source, report);
                case SEQUENCES -> readSequences(r, source, report);
                case MOVIELENS_DAT -> readFixed(r, "::", source, report, "user::item::rating::timestamp");
                case UDATA -> readFixed(r, "\t", source, report, "user<TAB>item<TAB>rating<TAB>timestamp");
            }
        }
        checkBadShare(report, true);
        if (size == 0) {
            throw new InteractionFileException(source + ": no interaction was read (" + report.lines() + " lines, skipped "
                + report.skippedByReason() + ")");
        }
        report.note("order", timed ? "by time, equal times in file order" : "file order (no time column)");
        String name = file.getFileName().toString().replaceAll("\\.gz$", "").replaceAll("\\.[A-Za-z]+$", "");
        return new Result(build(name, format.id() + " " + file + (timed ? " (by time, ties in file order)" : " (file order)")), report);
    }

    // ---- formats -------------------------------------------------------------------------------------------------

    private void readDelimited(BufferedReader r, char delimiter, String source, ReadReport report) throws IOException {
        String header = r.readLine();
        if (header == null) {
            throw new InteractionFileException(source + ": the file is empty (expected a header line naming the columns)");
        }
        if (!header.isEmpty() && header.charAt(0) == '\uFEFF') {
            header = header.substring(1); // a byte-order mark some spreadsheet tools write
        }
        List<String> names = split(header, delimiter);
        InteractionColumns.Resolved cols = options.columns().resolve(names, source);
        checkFilters(cols, source);
        timed = cols.time() >= 0;
        report.note("columns", describe(cols));
        String line;
        long no = 1;
        while ((line = r.readLine()) != null) {
            no++;
            if (line.isBlank()) {
                continue;
            }
            report.line();
            List<String> f = split(line, delimiter);
            if (f.size() != names.size()) {
                report.bad("line " + no, "wrong column count", f.size() + " columns where the header has " + names.size());
            } else {
                accept(report, "line " + no, f.get(cols.user()), f.get(cols.item()), cols.time() < 0 ? null : f.get(cols.time()),
                    cols.rating() < 0 ? null : f.get(cols.rating()), cols.event() < 0 ? null : f.get(cols.event()));
            }
            checkBadShare(report, false);
        }
    }

    private void readJsonLines(BufferedReader r, String source, ReadReport report) throws IOException {
        InteractionColumns.Resolved cols = null;
        String line;
        long no = 0;
        while ((line = r.readLine()) != null) {
            no++;
            if (line.isBlank()) {
                continue;
            }
            report.line();
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                report.bad("line " + no, "malformed JSON", Abbreviate.text(e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("")));
                checkBadShare(report, false);
                continue;
            }
            if (node == null || !node.isObject()) {
                report.bad("line " + no, "not a JSON object", Abbreviate.text(line));
                checkBadShare(report, false);
                continue;
            }
            if (cols == null) {
                // The first object's fields name the columns; later objects are read by those names.
                List<String> names = new ArrayList<>();
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    names.add(it.next());
                }
                cols = options.columns().resolve(names, source + " line " + no);
                checkFilters(cols, source);
                timed = cols.time() >= 0;
                report.note("columns", describe(cols));
            }
            accept(report, "line " + no, text(node, cols, cols.user()), text(node, cols, cols.item()), text(node, cols, cols.time()),
                text(node, cols, cols.rating()), text(node, cols, cols.event()));
            checkBadShare(report, false);
        }
    }

    private static String text(JsonNode node, InteractionColumns.Resolved cols, int column) {
        if (column < 0) {
            return null;
        }
        JsonNode v = node.get(cols.names().get(column));
        return v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
    }

    private void readSequences(BufferedReader r, String source, ReadReport report) throws IOException {
        report.note("columns", "user id, then item ids oldest first");
        String line;
        long no = 0;
        while ((line = r.readLine()) != null) {
            no++;
            if (line.isBlank()) {
                continue;
            }
            report.line();
            String[] f = line.trim().split("\\s+");
            if (f.length < 2) {
                report.bad("line " + no, "no item after the user id", Abbreviate.text(line));
            } else if (userIndex.containsKey(f[0])) {
                report.bad("line " + no, "user on more than one line", "user " + f[0]);
            } else {
                for (int i = 1; i < f.length; i++) {
                    add(f[0], f[i], 0);
                    report.kept();
                }
            }
            checkBadShare(report, false);
        }
    }

    private void readFixed(BufferedReader r, String delimiter, String source, ReadReport report, String layout) throws IOException {
        report.note("columns", layout);
        timed = true;
        checkFilters(new InteractionColumns.Resolved(0, 1, 3, 2, -1, List.of("user", "item", "rating", "timestamp")), source);
        String line;
        long no = 0;
        while ((line = r.readLine()) != null) {
            no++;
            if (line.isBlank()) {
                continue;
            }
            report.line();
            String[] f = line.split(delimiter.equals("\t") ? "\t" : "::", -1);
            if (f.length != 4) {
                report.bad("line " + no, "wrong column count", f.length + " fields where " + layout + " has 4");
            } else {
                accept(report, "line " + no, f[0], f[1], f[3], f[2], null);
            }
            checkBadShare(report, false);
        }
    }

    // ---- one interaction -----------------------------------------------------------------------------------------

    private void accept(ReadReport report, String where, String user, String item, String time, String rating, String event) {
        user = user.trim();
        item = item.trim();
        if (user.isEmpty()) {
            report.bad(where, "empty user id", "");
            return;
        }
        if (item.isEmpty()) {
            report.bad(where, "empty item id", "user " + user);
            return;
        }
        double t = 0;
        if (time != null) {
            t = parseTime(time.trim());
            if (Double.isNaN(t)) {
                report.bad(where, "time is not a number or an ISO-8601 date", "[" + Abbreviate.text(time) + "]");
                return;
            }
        }
        if (!Double.isNaN(options.minRating())) {
            double value;
            try {
                value = Double.parseDouble(rating.trim());
            } catch (NumberFormatException e) {
                report.bad(where, "rating is not a number", "[" + Abbreviate.text(rating) + "]");
                return;
            }
            if (value < options.minRating()) {
                report.filtered("rated below --min-rating " + options.minRating());
                return;
            }
        }
        if (!options.events().isEmpty() && !options.events().contains(event.trim())) {
            report.filtered("event type not in --events");
            return;
        }
        add(user, item, t);
        report.kept();
    }

    /** Epoch seconds (a number as it is; ISO-8601 date-times and dates as UTC seconds); NaN when it is neither. */
    static double parseTime(String s) {
        if (s.isEmpty()) {
            return Double.NaN;
        }
        char c = s.charAt(0);
        if ((c >= '0' && c <= '9' || c == '-' || c == '.') && s.indexOf(':') < 0 && s.lastIndexOf('-') <= 0) {
            try {
                double v = Double.parseDouble(s);
                return Double.isFinite(v) ? v : Double.NaN;
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        try {
            Instant instant = Instant.parse(s);
            return instant.getEpochSecond() + instant.getNano() / 1e9;
        } catch (DateTimeParseException ignored) {
            // not an instant with a zone; try the other ISO shapes
        }
        try {
            return OffsetDateTime.parse(s).toEpochSecond();
        } catch (DateTimeParseException ignored) {
            // no offset
        }
        try {
            return LocalDateTime.parse(s.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(s).toEpochDay() * 86400.0;
        } catch (DateTimeParseException ignored) {
            return Double.NaN;
        }
    }

    private void add(String user, String item, double time) {
        if (size == users.length) {
            int n = size * 2;
            users = Arrays.copyOf(users, n);
            items = Arrays.copyOf(items, n);
            times = Arrays.copyOf(times, n);
        }
        users[size] = intern(user, userIndex, userIds);
        items[size] = intern(item, itemIndex, itemIds);
        times[size] = time;
        size++;
    }

    private static int intern(String id, Map<String, Integer> index, List<String> ids) {
        Integer i = index.get(id);
        if (i == null) {
            i = ids.size();
            index.put(id, i);
            ids.add(id);
        }
        return i;
    }

    private void checkFilters(InteractionColumns.Resolved cols, String source) {
        if (!Double.isNaN(options.minRating()) && cols.rating() < 0) {
            throw new InteractionFileException(source + ": --min-rating needs a rating column, none among " + cols.names()
                + ": name it with --rating-column");
        }
        if (!options.events().isEmpty() && cols.event() < 0) {
            throw new InteractionFileException(source + ": --events needs an event type column, none among " + cols.names()
                + ": name it with --event-column");
        }
    }

    private void checkBadShare(ReadReport report, boolean atEnd) {
        long lines = report.lines();
        if (atEnd || (lines >= EARLY_CHECK_LINES && lines % EARLY_CHECK_LINES == 0)) {
            TextFiles.checkBadShare(report.source(), report.badRecords(), lines, options.maxBadShare(), report.skippedByReason(), report.examples());
        }
    }

    static String describe(InteractionColumns.Resolved c) {
        StringBuilder b = new StringBuilder("user=" + c.names().get(c.user()) + ", item=" + c.names().get(c.item()));
        b.append(", time=").append(c.time() < 0 ? "(none: file order)" : c.names().get(c.time()));
        if (c.rating() >= 0) {
            b.append(", rating=").append(c.names().get(c.rating()));
        }
        if (c.event() >= 0) {
            b.append(", event=").append(c.names().get(c.event()));
        }
        return b.toString();
    }

    /** Splits one delimited line; a field in double quotes may hold the delimiter, {@code ""} is a quote inside one. */
    static List<String> split(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"' && cur.isEmpty()) {
                quoted = true;
            } else if (ch == delimiter) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    // ---- numbering -----------------------------------------------------------------------------------------------

    private SequenceDataset build(String name, String description) {
        int nUsers = userIds.size();
        int nItems = itemIds.size();
        // Dense ids in ascending original-id order (numeric when every id is a number).
        Comparator<String> order = IdOrder.of(userIds, itemIds);
        Integer[] userOrder = sortedIndexes(userIds, order);
        Integer[] itemOrder = sortedIndexes(itemIds, order);
        int[] userRank = new int[nUsers];
        for (int r = 0; r < nUsers; r++) {
            userRank[userOrder[r]] = r;
        }
        int[] itemRank = new int[nItems];
        for (int r = 0; r < nItems; r++) {
            itemRank[itemOrder[r]] = r;
        }
        // Group by user (counting sort keeps file order within a user), then a stable sort by time.
        int[] start = new int[nUsers + 1];
        for (int i = 0; i < size; i++) {
            start[userRank[users[i]] + 1]++;
        }
        for (int u = 0; u < nUsers; u++) {
            start[u + 1] += start[u];
        }
        int[] fill = Arrays.copyOf(start, nUsers);
        int[] byUser = new int[size];
        for (int i = 0; i < size; i++) {
            byUser[fill[userRank[users[i]]]++] = i;
        }
        int[][] sequences = new int[nUsers][];
        for (int u = 0; u < nUsers; u++) {
            int from = start[u];
            int to = start[u + 1];
            int[] idx = Arrays.copyOfRange(byUser, from, to);
            if (timed) {
                idx = Arrays.stream(idx).boxed().sorted(Comparator.comparingDouble((Integer i) -> times[i]).thenComparingInt(i -> i))
                    .mapToInt(Integer::intValue).toArray();
            }
            int[] seq = new int[idx.length];
            for (int j = 0; j < idx.length; j++) {
                seq[j] = itemRank[items[idx[j]]];
            }
            sequences[u] = seq;
        }
        String[] uid = new String[nUsers];
        for (int r = 0; r < nUsers; r++) {
            uid[r] = userIds.get(userOrder[r]);
        }
        String[] iid = new String[nItems];
        for (int r = 0; r < nItems; r++) {
            iid[r] = itemIds.get(itemOrder[r]);
        }
        return new SequenceDataset(name, description, uid, iid, sequences);
    }

    private static Integer[] sortedIndexes(List<String> ids, Comparator<String> order) {
        Integer[] idx = new Integer[ids.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> order.compare(ids.get(a), ids.get(b)));
        return idx;
    }
}
