package io.rimirec.tools.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Users' chronological behaviour sequences over a dense item vocabulary: what every evaluation and training
 * step reads. Users and items are dense indexes {@code 0..n-1}; the original ids are kept for output (item
 * ids are what a cluster's documents and a {@code rimirec} query's history are keyed by).
 *
 * <p>Immutable. Sequences are shared, not copied, by {@link #sequence(int)}: callers must not modify them.
 */
public final class SequenceDataset {

    private final String name;
    private final String description;
    private final String[] userIds;
    private final String[] itemIds;
    private final int[][] sequences;
    private final Map<String, Integer> itemIndex;
    private final long interactions;

    /**
     * @param name        short label used in reports (e.g. {@code ml-1m})
     * @param description where it came from and how it was preprocessed, for result stamps
     * @param userIds     original user id of each user index
     * @param itemIds     original item id of each item index (distinct)
     * @param sequences   per user index, item indexes oldest first
     */
    public SequenceDataset(String name, String description, String[] userIds, String[] itemIds, int[][] sequences) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        if (userIds.length != sequences.length) {
            throw new IllegalArgumentException(
                "userIds has " + userIds.length + " entries but there are " + sequences.length + " sequences");
        }
        this.userIds = userIds.clone();
        this.itemIds = itemIds.clone();
        this.sequences = sequences;
        this.itemIndex = new HashMap<>(itemIds.length * 2);
        for (int i = 0; i < itemIds.length; i++) {
            if (itemIndex.put(itemIds[i], i) != null) {
                throw new IllegalArgumentException("item id [" + itemIds[i] + "] appears twice in itemIds");
            }
        }
        long n = 0;
        for (int u = 0; u < sequences.length; u++) {
            for (int item : sequences[u]) {
                if (item < 0 || item >= itemIds.length) {
                    throw new IllegalArgumentException(
                        "user " + userIds[u] + " has item index " + item + " outside [0, " + itemIds.length + ")");
                }
            }
            n += sequences[u].length;
        }
        this.interactions = n;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public int numUsers() {
        return sequences.length;
    }

    public int numItems() {
        return itemIds.length;
    }

    public long numInteractions() {
        return interactions;
    }

    /** The user's item indexes, oldest first. Shared: do not modify. */
    public int[] sequence(int user) {
        return sequences[user];
    }

    public String userId(int user) {
        return userIds[user];
    }

    public String itemId(int item) {
        return itemIds[item];
    }

    /** Dense index of an original item id, or -1 when the dataset does not have it. */
    public int itemIndex(String itemId) {
        Integer i = itemIndex.get(itemId);
        return i == null ? -1 : i;
    }

    /** Original ids of the given item indexes, in order. */
    public List<String> itemIds(int[] items) {
        return Arrays.stream(items).mapToObj(i -> itemIds[i]).toList();
    }

    /**
     * The given users only (dataset indexes, kept in the order given), with the full item vocabulary so item
     * indexes stay valid.
     */
    public SequenceDataset subset(int[] users, String why) {
        String[] uid = new String[users.length];
        int[][] seq = new int[users.length][];
        for (int i = 0; i < users.length; i++) {
            uid[i] = userIds[users[i]];
            seq[i] = sequences[users[i]];
        }
        return new SequenceDataset(name, description + "; " + why, uid, itemIds, seq);
    }

    public int minLength() {
        return Arrays.stream(sequences).mapToInt(s -> s.length).min().orElse(0);
    }

    public int maxLength() {
        return Arrays.stream(sequences).mapToInt(s -> s.length).max().orElse(0);
    }

    /**
     * SHA-256 (first 16 hex digits) over the original ids and sequences: stamped on results so a table can be
     * traced to the exact data it was computed on.
     */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int u = 0; u < sequences.length; u++) {
                md.update(userIds[u].getBytes(StandardCharsets.UTF_8));
                md.update((byte) ':');
                for (int item : sequences[u]) {
                    md.update(itemIds[item].getBytes(StandardCharsets.UTF_8));
                    md.update((byte) ' ');
                }
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** One line for logs and result stamps. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%s: %d users, %d items, %d interactions, length %d..%d, sha256 %s",
            name, numUsers(), numItems(), numInteractions(), minLength(), maxLength(), fingerprint());
    }

    @Override
    public String toString() {
        return summary();
    }
}
