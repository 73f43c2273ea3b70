package io.rimirec.tools.cli;

import io.rimirec.tools.RimirecCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rimirec train}'s command line: its help renders, and wrong input stops with a message that names the fix. */
class TrainCommandTest {

    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RimirecCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute(args);
        return new String[] {Integer.toString(rc), out.toString(), err.toString()};
    }

    @Test
    void helpRendersEveryOption() {
        String[] r = run("train", "--help");
        assertEquals("0", r[0]);
        assertFalse((r[1] + r[2]).contains("picocli WARN"), r[2]);
        assertTrue(r[1].contains("--[no-]hymirec"), r[1]);
        assertTrue(r[1].contains("--events-index") && r[1].contains("--item-vectors") && r[1].contains("90%") && !r[1].contains("90%%"), r[1]);
    }

    @Test
    void wrongInputStopsWithTheFixNamed() throws Exception {
        String[] neither = run("train", "--out", tmp.resolve("o").toString());
        assertNotEquals("0", neither[0]);
        assertTrue(neither[2].contains("give --interactions <file> or --events-index <index>"), neither[2]);
        Path csv = tmp.resolve("c.csv");
        Files.writeString(csv, "user_id,item_id\nu,a\nu,b\n");
        String[] mode = run("train", "--interactions", csv.toString(), "--item-vectors", "magic", "--out", tmp.resolve("o").toString());
        assertNotEquals("0", mode[0]);
        assertTrue(mode[2].contains("--item-vectors must be auto, given or learned"), mode[2]);
        String[] given = run("train", "--interactions", csv.toString(), "--item-vectors", "given", "--out", tmp.resolve("o").toString());
        assertTrue(given[2].contains("--item-vectors given needs --items"), given[2]);
        String[] set = run("train", "--interactions", csv.toString(), "--set", "leafs=3", "--out", tmp.resolve("o").toString());
        assertTrue(set[2].contains("setting [leafs=3]: unknown setting"), set[2]);
        String[] hymirec = run("train", "--interactions", csv.toString(), "--set", "hymirec.leafs=3", "--out", tmp.resolve("o").toString());
        assertTrue(hymirec[2].contains("unknown HyMiRec setting [leafs]"), hymirec[2]);
        String[] without = run("train", "--interactions", csv.toString(), "--no-hymirec", "--set", "hymirec.epochs=3", "--out",
            tmp.resolve("o").toString());
        assertTrue(without[2].contains("--no-hymirec leaves out"), without[2]);
    }
}
