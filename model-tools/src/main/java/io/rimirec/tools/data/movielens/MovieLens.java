package io.rimirec.tools.data.movielens;

import io.rimirec.tools.data.IdOrder;
import io.rimirec.tools.data.SequenceDataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Readers for the MovieLens {@code .dat} format and for the chronological {@code sequences.txt} kept beside it
 * in {@code ../shared/data/ml-1m} (one line per user: {@code userId itemId itemId ...}, oldest first).
 *
 * <p>{@link #load} accepts a folder or a file:
 * <ul>
 *   <li>a folder with {@code ratings.dat} (preferred: it has timestamps and ratings) or else {@code sequences.txt};</li>
 *   <li>a {@code .dat} file in the ratings format (e.g. {@code ratings_partial_users1-2998.dat});</li>
 *   <li>any other file, read as sequences.</li>
 * </ul>
 */
public final class MovieLens {

    /** MovieLens {@code .dat} files are ISO-8859-1 (movie titles have accented letters). */
    public static final Charset DAT_CHARSET = StandardCharsets.ISO_8859_1;
    public static final String RATINGS_FILE = "ratings.dat";
    public static final String SEQUENCES_FILE = "sequences.txt";
    public static final String MOVIES_FILE = "movies.dat";

    private MovieLens() {}

    /** Reads, preprocesses and numbers a MovieLens folder or file (see the class comment and {@link Preprocessing}). */
    public static SequenceDataset load(Path path, Preprocessing prep) {
        Path file = resolve(path);
        boolean ratings = isRatingsFile(file);
        Map<String, List<String>> byUser;
        String source;
        if (ratings) {
            List<Rating> all = readRatings(file);
            if (prep.filtersRatings()) {
                all = all.stream().filter(r -> r.rating() >= prep.minRating()).toList();
            }
            byUser = chronological(all);
            source = "ratings " + file;
        } else {
            if (prep.filtersRatings()) {
                throw new IllegalArgumentException("min rating " + prep.minRating() + " needs rating values, but "
                    + file + " is a sequences file without them: point the data path at a ratings .dat file");
            }
            byUser = readSequences(file);
            source = "sequences " + file;
        }
        if (prep.kCore() > 1) {
            byUser = kCore(byUser, prep.kCore());
        }
        String name = Files.isDirectory(path) ? path.toAbsolutePath().normalize().getFileName().toString()
            : stripExtension(file.getFileName().toString());
        String order = ratings ? "ties=timestamp then file line" : "order=as in the file";
        return number(name, source + " (" + prep.describe() + ", " + order + ")", byUser);
    }

    /** The file {@link #load} reads for a path. */
    public static Path resolve(Path path) {
        if (Files.isRegularFile(path)) {
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("data path " + path + " does not exist");
        }
        for (String name : List.of(RATINGS_FILE, SEQUENCES_FILE)) {
            Path f = path.resolve(name);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalArgumentException("data folder " + path + " has neither " + RATINGS_FILE + " nor "
            + SEQUENCES_FILE + "; point the data path at one of them or at a ratings .dat file");
    }

    static boolean isRatingsFile(Path file) {
        return file.getFileName().toString().endsWith(".dat");
    }

    /** All lines of a {@code UserID::MovieID::Rating::Timestamp} file, in file order. */
    public static List<Rating> readRatings(Path file) {
        List<Rating> out = new ArrayList<>();
        forEachLine(file, DAT_CHARSET, (line, no) -> {
            String[] f = line.split("::", -1);
            if (f.length != 4) {
                throw new IllegalArgumentException(file + " line " + (no + 1)
                    + ": expected UserID::MovieID::Rating::Timestamp, got [" + line + "]");
            }
            try {
                out.add(new Rating(f[0].trim(), f[1].trim(), Float.parseFloat(f[2].trim()), Long.parseLong(f[3].trim()), no));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (no + 1) + ": rating and timestamp must be numbers, got ["
                    + line + "]", e);
            }
        });
        return out;
    }

    /** {@code userId item item ...} per line, in file order; the items keep their order. */
    public static Map<String, List<String>> readSequences(Path file) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        forEachLine(file, StandardCharsets.UTF_8, (line, no) -> {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2) {
                throw new IllegalArgumentException(file + " line " + (no + 1)
                    + ": expected a user id followed by at least one item id, got [" + line + "]");
            }
            if (out.put(f[0], List.of(Arrays.copyOfRange(f, 1, f.length))) != null) {
                throw new IllegalArgumentException(file + " line " + (no + 1) + ": user " + f[0] + " appears twice");
            }
        });
        return out;
    }

    /** {@code MovieID::Title::Genres} per line, keyed by movie id. */
    public static Map<String, Movie> readMovies(Path file) {
        Map<String, Movie> out = new LinkedHashMap<>();
        forEachLine(file, DAT_CHARSET, (line, no) -> {
            String[] f = line.split("::", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException(file + " line " + (no + 1) + ": expected MovieID::Title::Genres, got ["
                    + line + "]");
            }
            out.put(f[0].trim(), new Movie(f[0].trim(), f[1], f[2].isEmpty() ? List.of() : List.of(f[2].split("\\|"))));
        });
        return out;
    }

    /**
     * Groups ratings by user, each user's items oldest first; equal timestamps keep file order (stable tie-break
     * on the line number), so the result does not depend on the sort algorithm.
     */
    public static Map<String, List<String>> chronological(List<Rating> ratings) {
        Map<String, List<Rating>> grouped = new LinkedHashMap<>();
        for (Rating r : ratings) {
            grouped.computeIfAbsent(r.userId(), k -> new ArrayList<>()).add(r);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        Comparator<Rating> order = Comparator.comparingLong(Rating::timestamp).thenComparingLong(Rating::line);
        grouped.forEach((user, rs) -> {
            rs.sort(order);
            out.put(user, rs.stream().map(Rating::itemId).toList());
        });
        return out;
    }

    /** Iterative k-core: drops users and items with fewer than k interactions until every one left has k. */
    public static Map<String, List<String>> kCore(Map<String, List<String>> byUser, int k) {
        Map<String, List<String>> cur = byUser;
        while (true) {
            Map<String, Integer> itemCount = new HashMap<>();
            cur.values().forEach(items -> items.forEach(i -> itemCount.merge(i, 1, Integer::sum)));
            Predicate<String> keepItem = i -> itemCount.get(i) >= k;
            Map<String, List<String>> next = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, List<String>> e : cur.entrySet()) {
                List<String> kept = e.getValue().stream().filter(keepItem).toList();
                changed |= kept.size() != e.getValue().size();
                if (kept.size() >= k) {
                    next.put(e.getKey(), kept);
                } else {
                    changed = true;
                }
            }
            if (!changed) {
                return next;
            }
            cur = next;
        }
    }

    /** The k-core of a data set (see {@link #kCore(Map, int)}), renumbered; its name and description say it was filtered. */
    public static SequenceDataset kCore(SequenceDataset data, int k) {
        Map<String, List<String>> byUser = new LinkedHashMap<>();
        for (int u = 0; u < data.numUsers(); u++) {
            byUser.put(data.userId(u), data.itemIds(data.sequence(u)));
        }
        return number(data.name(), data.description() + "; k_core=" + k, kCore(byUser, k));
    }

    /** Dense numbering in ascending original-id order (numeric when every id is a number). */
    static SequenceDataset number(String name, String description, Map<String, List<String>> byUser) {
        Comparator<String> idOrder = idOrder(byUser);
        TreeSet<String> items = new TreeSet<>(idOrder);
        byUser.values().forEach(items::addAll);
        String[] itemIds = items.toArray(String[]::new);
        Map<String, Integer> itemIndex = new HashMap<>(itemIds.length * 2);
        for (int i = 0; i < itemIds.length; i++) {
            itemIndex.put(itemIds[i], i);
        }
        String[] userIds = byUser.keySet().stream().sorted(idOrder).toArray(String[]::new);
        int[][] sequences = new int[userIds.length][];
        for (int u = 0; u < userIds.length; u++) {
            sequences[u] = byUser.get(userIds[u]).stream().mapToInt(itemIndex::get).toArray();
        }
        return new SequenceDataset(name, description, userIds, itemIds, sequences);
    }

    private static Comparator<String> idOrder(Map<String, List<String>> byUser) {
        List<String> items = new ArrayList<>();
        byUser.values().forEach(items::addAll);
        return IdOrder.of(byUser.keySet(), items);
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private interface LineHandler {
        void accept(String line, long lineNo);
    }

    private static void forEachLine(Path file, Charset charset, LineHandler handler) {
        try (BufferedReader r = Files.newBufferedReader(file, charset)) {
            String line;
            long no = 0;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    handler.accept(line, no);
                }
                no++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
