package io.rimirec.tools.cli;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.RimirecCli;
import io.rimirec.tools.data.VectorJsonlReader;
import io.rimirec.tools.data.VectorSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TreeCommandsTest {

    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one CLI run. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = RimirecCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path synthetic(int items) {
        Path file = dir.resolve("items.jsonl");
        Run r = run("data", "synthetic", "--items", Integer.toString(items), "--dim", "16", "--topics", "4", "--subtopics", "3",
            "--seed", "5", "--output", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + String.format("%,d", items) + " items"), r.out());
        return file;
    }

    @Test
    void syntheticThenBuildThenInfo() throws IOException {
        Path items = synthetic(3000);
        List<String> lines = Files.readAllLines(items);
        assertEquals(3000, lines.size());
        assertTrue(lines.get(0).matches("\\{\"id\":\"i0\",\"vector\":\\[.*],\"topic\":\\d,\"subtopic\":\\d}"), lines.get(0));

        Path tree = dir.resolve("out/tree.rtree");
        Run build = run("tree", "build", "--input", items.toString(), "--output", tree.toString(), "--k", "4", "--c", "100",
            "--metric", "cosine", "--seed", "7", "--threads", "2", "--balance-ratio", "2");
        assertEquals(0, build.code(), build.err());
        assertTrue(build.err().contains("read 3,000 items of dimension 16"), build.err());
        assertTrue(build.err().contains("building circle tree: finished, 100% 3,000/3,000"), build.err());
        assertTrue(build.out().contains("branching k: 4"), build.out());
        assertTrue(build.out().contains("balance ratio: 2.0"), build.out());
        assertTrue(build.out().contains("leaf sizes: min"), build.out());
        assertTrue(build.out().contains("silhouette (cosine distance, 2,000 sampled items)"), build.out());
        assertTrue(build.out().contains("info source: items.jsonl"), build.out());

        // The file holds exactly what the API builds with the same options, and descends items as the build did.
        CircleTree written = TreeFormat.read(tree);
        VectorSet set = VectorJsonlReader.readAll(items);
        CircleTree api = new HierarchicalKMeans(new TreeOptions(Metric.COSINE, 4, 100, 2f, 7, 1, 25)).build(set.vectors());
        assertEquals(api.contentHash(), written.contentHash());
        assertTrue(build.out().contains("content hash: " + written.contentHash()));

        // Planted topics stay together at the top level (4 topics, k = 4).
        Map<Integer, Integer> circleOfTopic = new HashMap<>();
        int agree = 0;
        for (int i = 0; i < set.size(); i++) {
            int topic = Integer.parseInt(lines.get(i).replaceAll(".*\"topic\":(\\d+).*", "$1"));
            int circle = written.assign(set.vectors()[i]).index(0);
            if (circleOfTopic.computeIfAbsent(topic, t -> circle) == circle) {
                agree++;
            }
        }
        assertTrue(agree > 0.98 * set.size(), "planted topics map to top-level circles: " + agree);

        Run info = run("tree", "info", tree.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("metric: cosine"), info.out());
        assertTrue(info.out().contains("items: 3,000"), info.out());
        assertTrue(info.out().contains("content hash: " + written.contentHash()), info.out());
        assertTrue(!info.out().contains("silhouette"), "no vectors, no quality numbers");

        Run infoWithItems = run("tree", "info", tree.toString(), "--input", items.toString());
        assertEquals(0, infoWithItems.code(), infoWithItems.err());
        assertTrue(infoWithItems.out().contains("mean cosine similarity of items to their leaf centroid"), infoWithItems.out());
        // Descent in `info` and the build's own assignment give the same quality numbers.
        assertEquals(lineWith(build.out(), "silhouette"), lineWith(infoWithItems.out(), "silhouette"));
    }

    private static String lineWith(String text, String word) {
        return text.lines().filter(l -> l.contains(word)).findFirst().orElse("<none>");
    }

    @Test
    void badOptionsAreUsageErrors() throws IOException {
        Path items = synthetic(50);
        Path out = dir.resolve("t.rtree");
        String[][] cases = {
            {"--k", "1", "--k must be >= 2, got 1"},
            {"--c", "0", "--c must be >= 1, got 0"},
            {"--balance-ratio", "0.5", "--balance-ratio must be 0 (plain k-means) or >= 1"},
            {"--threads", "0", "--threads must be >= 1, got 0"},
            {"--metric", "manhattan", "unknown metric [manhattan]: expected one of cosine, inner_product, l2"},
        };
        for (String[] c : cases) {
            Run r = run("tree", "build", "--input", items.toString(), "--output", out.toString(), c[0], c[1]);
            assertEquals(2, r.code(), c[0]);
            assertTrue(r.err().contains(c[2]), r.err());
        }
        Run missing = run("tree", "build", "--input", dir.resolve("none.jsonl").toString(), "--output", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--input file [" + dir.resolve("none.jsonl") + "] does not exist"), missing.err());
        Run noOutput = run("tree", "build", "--input", items.toString());
        assertEquals(2, noOutput.code());
        assertTrue(noOutput.err().contains("Missing required option: '--output"), noOutput.err());
        Run badData = run("data", "synthetic", "--items", "0", "--output", dir.resolve("x.jsonl").toString());
        assertEquals(2, badData.code());
        assertTrue(badData.err().contains("items must be >= 1"), badData.err());
        assertTrue(!Files.exists(out), "nothing written on a usage error");
    }

    @Test
    void badFilesAreOneLineErrors() throws IOException {
        Path items = dir.resolve("bad.jsonl");
        Files.writeString(items, "{\"id\": \"a\", \"vector\": [1, 2]}\n{\"id\": \"b\", \"vector\": [1, \"x\"]}\n");
        Run r = run("tree", "build", "--input", items.toString(), "--output", dir.resolve("t.rtree").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.jsonl line 2: vector[1] is the string \"x\": expected a number"), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());

        Path notATree = dir.resolve("fake.rtree");
        Files.writeString(notATree, "hello, this is not a tree file at all, but long enough to have a header");
        Run info = run("tree", "info", notATree.toString());
        assertEquals(1, info.code());
        assertTrue(info.err().contains("fake.rtree") && info.err().contains("not a rimirec circle tree"), info.err());

        Path good = synthetic(40);
        Path tree = dir.resolve("small.rtree");
        assertEquals(0, run("tree", "build", "--input", good.toString(), "--output", tree.toString(), "--c", "10", "--no-progress").code());
        Path other = dir.resolve("other.jsonl");
        Files.writeString(other, "{\"id\": \"a\", \"vector\": [1, 2, 3]}\n");
        Run wrongDim = run("tree", "info", tree.toString(), "--input", other.toString());
        assertEquals(1, wrongDim.code());
        assertTrue(wrongDim.err().contains("dimension 3 but the tree expects 16"), wrongDim.err());
    }

    @Test
    void benchTreeReportsTimesAndTheBaselineRatio() {
        Run r = run("bench", "tree", "--items", "4000", "--dim", "16", "--k", "4", "--c", "200", "--threads", "2",
            "--warmup-items", "500", "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("baseline: one brute-force pass assigning all 4,000 items to 4 centroids"), r.out());
        assertTrue(r.out().matches("(?s).*build: \\d+\\.\\ds wall, [\\d,]+ items/s.*"), r.out());
        assertTrue(r.out().matches("(?s).*ratio: build = [\\d.]+ baseline passes.*"), r.out());
        assertTrue(r.out().contains("peak heap:"), r.out());
        assertTrue(r.out().contains("topic cohesion:"), r.out());
        assertTrue(!r.out().contains("target:"), "the target line is only for the target configuration");
    }

    @Test
    void groupsPrintTheirUsage() {
        Run r = run("tree");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("build") && r.out().contains("info"), r.out());
        Run top = run("--help");
        assertTrue(top.out().contains("tree") && top.out().contains("data") && top.out().contains("bench"), top.out());
    }
}
