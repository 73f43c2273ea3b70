package io.rimirec.tools.data.movielens;

import io.rimirec.tools.data.SequenceDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Checks the readers against the real ML-1M files in ../shared/data (skipped where they are absent). */
public class SharedMl1mTest {

    static final Path ML1M = locate();

    public static Path locate() {
        for (Path p : List.of(Path.of("../shared/data/ml-1m"), Path.of("../../shared/data/ml-1m"), Path.of("/work/shared/data/ml-1m"))) {
            if (Files.isRegularFile(p.resolve(MovieLens.SEQUENCES_FILE))) {
                return p;
            }
        }
        return null;
    }

    @BeforeAll
    static void needData() {
        assumeTrue(ML1M != null, "skipped: ../shared/data/ml-1m (sequences.txt) is not on this machine");
    }

    @Test
    void sequencesMatchTheReadme() {
        SequenceDataset d = MovieLens.load(ML1M, Preprocessing.NONE);
        assertEquals(6040, d.numUsers());
        assertEquals(3706, d.numItems());
        assertEquals(1_000_209, d.numInteractions());
        assertEquals(20, d.minLength());
        assertEquals(2314, d.maxLength());
        assertEquals("1", d.userId(0));
        assertEquals("3186", d.itemId(d.sequence(0)[0]));
        assertEquals(3883, MovieLens.readMovies(ML1M.resolve(MovieLens.MOVIES_FILE)).size());
    }

    /** The partial ratings give the same per-user sets as sequences.txt, and their timestamps never decrease along it. */
    @Test
    void partialRatingsAgreeWithSequences() {
        SequenceDataset seq = MovieLens.load(ML1M, Preprocessing.NONE);
        Path partial = ML1M.resolve("ratings_partial_users1-2998.dat");
        assumeTrue(Files.isRegularFile(partial), "skipped: " + partial + " is absent");
        List<Rating> ratings = MovieLens.readRatings(partial);
        assertEquals(487_515, ratings.size());
        Map<String, Long> time = new HashMap<>();
        ratings.forEach(r -> time.put(r.userId() + ":" + r.itemId(), r.timestamp()));
        SequenceDataset rated = MovieLens.load(partial, Preprocessing.NONE);
        assertEquals(2998, rated.numUsers());
        int tieOrderDiffers = 0;
        for (int u = 0; u < rated.numUsers(); u++) {
            String user = rated.userId(u);
            assertEquals(user, seq.userId(u), "users 1..2998 come first in both");
            List<String> a = seq.itemIds(seq.sequence(u));
            List<String> b = rated.itemIds(rated.sequence(u));
            String[] sa = a.toArray(String[]::new);
            String[] sb = b.toArray(String[]::new);
            Arrays.sort(sa);
            Arrays.sort(sb);
            assertTrue(Arrays.equals(sa, sb), "same items for user " + user);
            long last = Long.MIN_VALUE;
            for (String item : a) {
                long t = time.get(user + ":" + item);
                assertTrue(t >= last, "sequences.txt goes back in time for user " + user);
                last = t;
            }
            tieOrderDiffers += a.equals(b) ? 0 : 1;
        }
        // The README: within-second order is the source's own; 2,989 users differ from a stable sort.
        assertEquals(2989, tieOrderDiffers, "users whose tie order differs from (timestamp, file line)");
        // min rating filtering works on the real file
        SequenceDataset liked = MovieLens.load(partial, new Preprocessing(4, 0));
        assertEquals(170_551 + 108_535, liked.numInteractions());
    }
}
