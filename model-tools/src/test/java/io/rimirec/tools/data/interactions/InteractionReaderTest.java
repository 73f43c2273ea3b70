package io.rimirec.tools.data.interactions;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.movielens.MovieLens;
import io.rimirec.tools.data.movielens.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InteractionReaderTest {

    @TempDir
    Path dir;

    /** The same interactions as MovieLensTest's ratings: user 10 has three in one second (file order breaks the tie). */
    private static final String DAT = String.join("\n", "10::300::5::1000", "10::100::2::900", "10::200::4::1000", "10::50::4::1000",
        "2::100::3::5", "2::300::1::7", "2::200::5::6", "");

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static List<String> items(SequenceDataset d, String user) {
        for (int u = 0; u < d.numUsers(); u++) {
            if (d.userId(u).equals(user)) {
                return d.itemIds(d.sequence(u));
            }
        }
        throw new AssertionError("no user " + user);
    }

    private static InteractionReader.Result read(Path file) throws Exception {
        return InteractionReader.read(file, InteractionReader.Options.defaults());
    }

    @Test
    void everyFormatReadsTheSameDataSetAsMovieLensLoad() throws Exception {
        Path dat = write("ratings.dat", DAT);
        SequenceDataset expected = MovieLens.load(dat, Preprocessing.NONE);
        String csv = "user_id,item_id,rating,timestamp\n" + DAT.replace("::", ",");
        String tsv = "userId\tmovieId\trating\ttimestamp\n" + DAT.replace("::", "\t");
        StringBuilder jsonl = new StringBuilder();
        for (String line : DAT.split("\n")) {
            String[] f = line.split("::");
            jsonl.append(String.format("{\"user\": \"%s\", \"item\": %s, \"rating\": %s, \"ts\": %s}%n", f[0], f[1], f[2], f[3]));
        }
        List<Path> files = List.of(dat, write("r.csv", csv), write("r.tsv", tsv), write("r.jsonl", jsonl.toString()),
            write("u.data", DAT.replace("::", "\t")), gzip("r.csv.gz", csv));
        for (Path f : files) {
            SequenceDataset d = read(f).data();
            assertEquals(expected.fingerprint(), d.fingerprint(), f.getFileName() + ": " + d.summary() + " vs " + expected.summary());
        }
        assertEquals(List.of("100", "300", "200", "50"), items(read(files.get(1)).data(), "10"), "by time, ties in file order");
    }

    @Test
    void sequencesKeepTheFileOrderAndAgreeWithMovieLens() throws Exception {
        Path seq = write("sequences.txt", "2 100 200 300\n10 100 300 200 50\n");
        SequenceDataset d = read(seq).data();
        assertEquals(MovieLens.load(seq, Preprocessing.NONE).fingerprint(), d.fingerprint());
        assertEquals(List.of("100", "300", "200", "50"), items(d, "10"));
    }

    @Test
    void isoDatesAndMillisecondsOrderAsTime() throws Exception {
        Path csv = write("events.csv", String.join("\n", "customer_id,sku,event_time",
            "a,x,2024-03-02T10:00:00Z", "a,y,2024-03-01", "a,z,2024-03-01 12:00:00", "b,x,1700000000500", "b,y,1700000000400", ""));
        SequenceDataset d = read(csv).data();
        assertEquals(List.of("y", "z", "x"), items(d, "a"));
        assertEquals(List.of("y", "x"), items(d, "b"));
        assertEquals(1.0 * 86400 * 19783, InteractionReader.parseTime("2024-03-01"), 1e-6);
        assertTrue(Double.isNaN(InteractionReader.parseTime("yesterday")));
    }

    @Test
    void withoutATimeColumnTheFileOrderIsKept() throws Exception {
        InteractionReader.Result r = read(write("clicks.csv", "user,item\nu1,b\nu1,a\nu2,c\nu1,c\n"));
        assertEquals(List.of("b", "a", "c"), items(r.data(), "u1"));
        assertTrue(r.report().toMap().get("order").toString().contains("file order"));
    }

    @Test
    void quotedFieldsHoldTheDelimiter() throws Exception {
        SequenceDataset d = read(write("q.csv", "user_id,item_id,timestamp\n\"u, 1\",\"say \"\"hi\"\"\",1\n\"u, 1\",b,2\n")).data();
        assertEquals(List.of("say \"hi\"", "b"), items(d, "u, 1"));
    }

    @Test
    void badLinesAreSkippedAndReportedWithTheirLine() throws Exception {
        StringBuilder csv = new StringBuilder("user_id,item_id,timestamp\n");
        for (int i = 0; i < 300; i++) {
            csv.append("u").append(i % 30).append(",i").append(i % 50).append(',').append(i).append('\n');
        }
        csv.append("u1,i2\n");           // line 302: two columns
        csv.append("u1,i3,soon\n");      // line 303: not a time
        csv.append(",i4,5\n");           // line 304: no user
        InteractionReader.Result r = InteractionReader.read(write("bad.csv", csv.toString()),
            new InteractionReader.Options(null, InteractionColumns.AUTO, Double.NaN, Set.of(), 0.05));
        assertEquals(300, r.report().keptInteractions());
        assertEquals(3, r.report().skippedLines());
        assertEquals(1L, r.report().skippedByReason().get("wrong column count"));
        List<String> examples = r.report().examples();
        assertTrue(examples.get(0).endsWith("bad.csv line 302: wrong column count (2 columns where the header has 3)"), examples.toString());
        assertTrue(examples.get(1).contains("line 303: time is not a number or an ISO-8601 date ([soon])"), examples.toString());
        assertTrue(examples.get(2).contains("line 304: empty user id"), examples.toString());
    }

    @Test
    void tooManyBadLinesStopWithTheFixNamed() throws Exception {
        Path f = write("wrong.csv", "user_id,item_id,timestamp\nu1,i1,1\nu1,i2,x\nu2,i3,y\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(f));
        assertTrue(e.getMessage().contains("2 of the first 3 records are bad") && e.getMessage().contains("--max-bad-share"), e.getMessage());
    }

    @Test
    void columnsAreFoundOrNamed() throws Exception {
        Path f = write("odd.csv", "who,what,when\na,x,1\na,y,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(f));
        assertTrue(e.getMessage().contains("cannot tell which column holds the user among [who, what, when]: name it with --user-column"),
            e.getMessage());
        SequenceDataset d = InteractionReader.read(f, new InteractionReader.Options(null, new InteractionColumns("who", "what", "when", null, null),
            Double.NaN, Set.of(), 0.01)).data();
        assertEquals(List.of("x", "y"), items(d, "a"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> InteractionReader.read(f,
            new InteractionReader.Options(null, new InteractionColumns("who", "what", "time", null, null), Double.NaN, Set.of(), 0.01)));
        assertTrue(missing.getMessage().contains("no column [time] (--time-column) among [who, what, when]"), missing.getMessage());
    }

    @Test
    void ratingAndEventFiltersAreCounted() throws Exception {
        Path f = write("e.csv", "user_id,item_id,timestamp,rating,event\nu,a,1,5,view\nu,b,2,2,view\nu,c,3,4,buy\nu,d,4,4,view\n");
        InteractionReader.Result r = InteractionReader.read(f, new InteractionReader.Options(null, InteractionColumns.AUTO, 4.0, Set.of("view"), 0.01));
        assertEquals(List.of("a", "d"), items(r.data(), "u"));
        assertEquals(1L, r.report().skippedByReason().get("rated below --min-rating 4.0"));
        assertEquals(1L, r.report().skippedByReason().get("event type not in --events"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InteractionReader.read(write("n.csv", "user,item\nu,a\n"),
            new InteractionReader.Options(null, InteractionColumns.AUTO, 4.0, Set.of(), 0.01)));
        assertTrue(e.getMessage().contains("--min-rating needs a rating column"), e.getMessage());
    }

    @Test
    void unknownNamesAndMissingFilesAreClear() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(write("data.parquet", "x")));
        assertTrue(e.getMessage().contains("--format"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> read(dir.resolve("none.csv")));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> read(write("empty.csv", "")));
        assertTrue(empty.getMessage().contains("header"), empty.getMessage());
    }

    private Path gzip(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }
}
