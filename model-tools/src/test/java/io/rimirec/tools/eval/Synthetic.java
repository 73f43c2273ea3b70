package io.rimirec.tools.eval;

import io.rimirec.tools.data.SequenceDataset;

import java.util.Random;

/**
 * Tiny datasets where the right answer is known: items fall into genres, each user consumes items of one
 * genre only, so a method that learns item-item structure finds a test user's targets among the other items of
 * the genre the history shows, while popularity cannot.
 */
public final class Synthetic {

    private Synthetic() {}

    /** Item {@code i} belongs to genre {@code i % genres}. Sequences have {@code length} distinct items. */
    public static SequenceDataset genres(int users, int genres, int itemsPerGenre, int length, long seed) {
        Random rnd = new Random(seed);
        int items = genres * itemsPerGenre;
        String[] userIds = new String[users];
        String[] itemIds = new String[items];
        for (int i = 0; i < items; i++) {
            itemIds[i] = "i" + i;
        }
        int[][] seqs = new int[users][];
        for (int u = 0; u < users; u++) {
            userIds[u] = "u" + u;
            int g = rnd.nextInt(genres);
            // A random subset of the genre's items in random order, favouring low ranks a little (some popularity).
            int[] pool = new int[itemsPerGenre];
            for (int k = 0; k < itemsPerGenre; k++) {
                pool[k] = g + genres * k;
            }
            for (int k = itemsPerGenre - 1; k > 0; k--) {
                int j = rnd.nextInt(k + 1);
                int t = pool[k];
                pool[k] = pool[j];
                pool[j] = t;
            }
            seqs[u] = java.util.Arrays.copyOf(pool, Math.min(length, itemsPerGenre));
        }
        return new SequenceDataset("synthetic-genres", "synthetic: " + genres + " genres", userIds, itemIds, seqs);
    }

    /** Genre of an item of {@link #genres}. */
    public static int genreOf(int item, int genres) {
        return item % genres;
    }
}
