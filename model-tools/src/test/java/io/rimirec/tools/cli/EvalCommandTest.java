package io.rimirec.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rimirec.tools.RimirecCli;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.eval.Synthetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class EvalCommandTest {

    @TempDir
    Path dir;

    /** Runs the CLI in-process; returns {exit code, stdout}. */
    static Object[] run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int rc = RimirecCli.commandLine().execute(args);
            return new Object[] {rc, buf.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
        }
    }

    static Path writeSequences(Path folder, SequenceDataset d) throws Exception {
        Files.createDirectories(folder);
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < d.numUsers(); u++) {
            sb.append(d.userId(u).substring(1));
            for (int i : d.sequence(u)) {
                sb.append(' ').append(d.itemId(i).substring(1));
            }
            sb.append('\n');
        }
        Files.writeString(folder.resolve("sequences.txt"), sb.toString());
        return folder;
    }

    @Test
    void protocolsAAndBWriteStampedTablesOnSyntheticData() throws Exception {
        Path data = writeSequences(dir.resolve("genres"), Synthetic.genres(250, 5, 30, 24, 2));
        Path out = dir.resolve("out");
        Object[] a = run("eval", "--data", data.toString(), "--protocol", "A", "--methods", "pop,itemknn,ease,ease-rw",
            "--quick", "--seed", "7", "--out", out.toString(), "--threads", "2");
        assertEquals(0, a[0], (String) a[1]);
        JsonNode json = new ObjectMapper().readTree(out.resolve("genres-protocolA-quick.json").toFile());
        assertEquals(7, json.at("/stamp/seed").asInt());
        assertTrue(json.at("/stamp/command").asText().contains("--protocol A"));
        assertTrue(json.at("/stamp/data").asText().contains("sha256"));
        JsonNode results = json.get("results");
        assertEquals(4, results.size());
        double pop = results.get(0).at("/metrics/Recall@20").asDouble();
        double ease = results.get(2).at("/metrics/Recall@20").asDouble();
        assertTrue(ease > 90 && pop < 40, "ease " + ease + " vs pop " + pop + " on genre data");
        assertEquals(2, results.get(1).get("grid").size(), "itemknn was tuned on the quick grid");
        assertNotNull(results.get(1).at("/settings/neighbours"));
        BufferedImage png = ImageIO.read(out.resolve("genres-protocolA-quick.png").toFile());
        assertTrue(png.getWidth() >= 720);
        List<String> csv = Files.readAllLines(out.resolve("genres-protocolA-quick.csv"));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("method,status,Recall@20,HitRate@20")));
        assertTrue(((String) a[1]).contains("Recall@50_unmasked"));

        Object[] b = run("eval", "--data", data.toString(), "--protocol", "B", "--methods", "pop,ease", "--quick",
            "--out", out.toString());
        assertEquals(0, b[0], (String) b[1]);
        JsonNode jb = new ObjectMapper().readTree(out.resolve("genres-protocolB-quick.json").toFile());
        assertTrue(jb.at("/results/1/metrics/NDCG@10").asDouble() > jb.at("/results/0/metrics/NDCG@10").asDouble());
    }

    /** A user's CSV export of the same interactions gives the same data set and the same table as the MovieLens folder. */
    @Test
    void aCsvOfTheSameInteractionsGivesTheSameTable() throws Exception {
        SequenceDataset d = Synthetic.genres(200, 4, 30, 20, 5);
        Path folder = writeSequences(dir.resolve("genres"), d);
        StringBuilder csv = new StringBuilder("customer,product,when\n");
        for (int u = 0; u < d.numUsers(); u++) {
            int[] s = d.sequence(u);
            for (int i = 0; i < s.length; i++) {
                csv.append(d.userId(u).substring(1)).append(',').append(d.itemId(s[i]).substring(1)).append(",2024-01-01T00:00:")
                    .append(String.format("%02d", i)).append("Z\n");
            }
        }
        Path file = dir.resolve("export.csv");
        Files.writeString(file, csv);
        Path out = dir.resolve("out");
        Object[] a = run("eval", "--data", folder.toString(), "--methods", "pop,itemknn", "--quick", "--out", out.resolve("a").toString());
        Object[] b = run("eval", "--data", file.toString(), "--user-column", "customer", "--item-column", "product", "--time-column", "when",
            "--methods", "pop,itemknn", "--quick", "--out", out.resolve("b").toString());
        assertEquals(0, a[0], (String) a[1]);
        assertEquals(0, b[0], (String) b[1]);
        JsonNode ja = new ObjectMapper().readTree(out.resolve("a/genres-protocolA-quick.json").toFile());
        JsonNode jb = new ObjectMapper().readTree(out.resolve("b/export-protocolA-quick.json").toFile());
        assertEquals(ja.at("/stamp/data").asText().replaceAll("^\\S+", ""), jb.at("/stamp/data").asText().replaceAll("^\\S+", ""),
            "same users, items, sequences and sha256");
        assertEquals(ja.at("/results/1/metrics"), jb.at("/results/1/metrics"));
    }

    @Test
    void unknownMethodIsAnError() throws Exception {
        Path data = writeSequences(dir.resolve("tiny"), Synthetic.genres(30, 2, 20, 15, 2));
        Object[] r = run("eval", "--data", data.toString(), "--methods", "pop,nope", "--out", dir.toString());
        assertTrue((int) r[0] != 0);
    }

    /** The quick mode on the real ML-1M files: what the test suite runs to check the whole path end to end. */
    @Test
    void quickRunOnMl1m() throws Exception {
        Path ml1m = io.rimirec.tools.data.movielens.SharedMl1mTest.locate();
        assumeTrue(ml1m != null, "skipped: ../shared/data/ml-1m is not on this machine");
        Path out = dir.resolve("ml");
        // One EASE lambda: the 3706 x 3706 inversion is what costs time here, and tuning is covered above.
        Object[] r = run("eval", "--data", ml1m.toString(), "--quick", "--methods", "pop,itemknn,ease-rw",
            "--set", "ease-rw.lambda=300", "--out", out.toString());
        assertEquals(0, r[0], (String) r[1]);
        JsonNode json = new ObjectMapper().readTree(out.resolve("ml-1m-protocolA-quick.json").toFile());
        double pop = json.at("/results/0/metrics/Recall@50").asDouble();
        double ease = json.at("/results/2/metrics/Recall@50").asDouble();
        assertTrue(pop > 5 && ease > pop + 5, "pop " + pop + ", ease-rw " + ease);
    }
}
