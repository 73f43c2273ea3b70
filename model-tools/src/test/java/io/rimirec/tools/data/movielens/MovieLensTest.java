package io.rimirec.tools.data.movielens;

import io.rimirec.tools.data.SequenceDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MovieLensTest {

    @TempDir
    Path dir;

    /** User 10 rated 3 movies in the same second: file order must survive (stable tie-break). */
    private static final String RATINGS = String.join("\n",
        "10::300::5::1000",
        "10::100::2::900",
        "10::200::4::1000",
        "10::50::4::1000",
        "2::100::3::5",
        "2::300::1::7",
        "2::200::5::6",
        "") ;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.ISO_8859_1);
        return p;
    }

    private static List<String> items(SequenceDataset d, int user) {
        return d.itemIds(d.sequence(user));
    }

    @Test
    void ratingsAreOrderedByTimeWithFileOrderBreakingTies() throws Exception {
        write("ratings.dat", RATINGS);
        SequenceDataset d = MovieLens.load(dir, Preprocessing.NONE);
        assertEquals(2, d.numUsers());
        assertEquals(4, d.numItems());
        assertEquals(7, d.numInteractions());
        // users numbered by ascending numeric id: "2" before "10"
        assertEquals("2", d.userId(0));
        assertEquals("10", d.userId(1));
        assertEquals(List.of("100", "200", "300"), items(d, 0));
        assertEquals(List.of("100", "300", "200", "50"), items(d, 1));
        // items numbered by ascending numeric id
        assertEquals(List.of("50", "100", "200", "300"), d.itemIds(new int[] {0, 1, 2, 3}));
        assertEquals(2, d.itemIndex("200"));
        assertEquals(-1, d.itemIndex("999"));
    }

    @Test
    void minRatingDropsLowRatingsBeforeOrdering() throws Exception {
        Path f = write("ratings.dat", RATINGS);
        SequenceDataset d = MovieLens.load(f, new Preprocessing(4, 0));
        assertEquals(List.of("200"), items(d, 0));
        assertEquals(List.of("300", "200", "50"), items(d, 1));
        assertEquals(3, d.numItems());
    }

    @Test
    void kCoreIteratesUntilStable() {
        // Item c is only in u3; dropping it leaves u3 with one item, so u3 goes, which leaves item d with
        // one user, so d goes too, and u1 falls under 2 items.
        Map<String, List<String>> byUser = new java.util.LinkedHashMap<>();
        byUser.put("u1", List.of("a", "d"));
        byUser.put("u2", List.of("a", "b"));
        byUser.put("u3", List.of("c", "d"));
        byUser.put("u4", List.of("a", "b"));
        Map<String, List<String>> core = MovieLens.kCore(byUser, 2);
        assertEquals(Map.of("u2", List.of("a", "b"), "u4", List.of("a", "b")), core);
    }

    @Test
    void sequencesFileKeepsItsOrderAndFolderPrefersRatings() throws Exception {
        write("sequences.txt", "7 30 10 20\n3 20 30\n");
        SequenceDataset seq = MovieLens.load(dir, Preprocessing.NONE);
        assertEquals("3", seq.userId(0));
        assertEquals(List.of("30", "10", "20"), items(seq, 1));
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir, new Preprocessing(4, 0)));

        write("ratings.dat", RATINGS);
        assertEquals(7, MovieLens.load(dir, Preprocessing.NONE).numInteractions(), "ratings.dat wins over sequences.txt");
    }

    @Test
    void moviesAreReadAsLatin1() throws Exception {
        Path f = write("movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Misérables, Les (1995)::Drama\n");
        Map<String, Movie> m = MovieLens.readMovies(f);
        assertEquals("Misérables, Les (1995)", m.get("2").title());
        assertEquals(List.of("Animation", "Children's", "Comedy"), m.get("1").genres());
    }

    @Test
    void malformedLinesNameFileAndLine() throws Exception {
        Path f = write("ratings.dat", "1::2::3\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MovieLens.readRatings(f));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MovieLens.load(dir.resolve("missing"), Preprocessing.NONE));
    }

    @Test
    void fingerprintChangesWithOrder() throws Exception {
        write("sequences.txt", "1 10 20\n");
        String a = MovieLens.load(dir, Preprocessing.NONE).fingerprint();
        write("sequences.txt", "1 20 10\n");
        String b = MovieLens.load(dir, Preprocessing.NONE).fingerprint();
        assertTrue(!a.equals(b));
        assertArrayEquals(new int[] {1, 0}, MovieLens.load(dir, Preprocessing.NONE).sequence(0));
    }
}
