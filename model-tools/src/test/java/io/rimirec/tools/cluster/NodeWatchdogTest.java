package io.rimirec.tools.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell watchdog every node runs under, exercised with a stand-in "node" (sleep) instead of OpenSearch. */
class NodeWatchdogTest {

    @TempDir
    Path tmp;

    /** Stand-in nodes to kill if a test fails before the watchdog did. */
    private final List<ProcessHandle> started = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void killLeftovers() {
        started.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void killsTheNodeAndRemovesItsFoldersWhenTheOwnerIsKilledHard() throws Exception {
        Path script = watchdogScript();
        Path session = tmp.resolve("session");
        Path nodeDir = session.resolve("clusters/c1/nodes/node-0");
        Files.createDirectories(nodeDir.resolve("home/data"));
        Files.createDirectories(session.resolve("templates/t"));
        Path pidFile = nodeDir.resolve("node.pid");
        // A stand-in owner: a shell that starts the watchdog (its child, as the JVM is for real nodes) and waits.
        Process owner = new ProcessBuilder("/bin/sh", "-c",
            "/bin/sh '" + script + "' $$ 2 '" + pidFile + "' '" + nodeDir + "' -- sleep 300 & wait")
            .redirectErrorStream(true).redirectOutput(tmp.resolve("owner.log").toFile()).start();
        long nodePid = awaitPid(pidFile);
        ProcessHandle node = ProcessHandle.of(nodePid).orElseThrow();
        started.add(node);
        assertTrue(node.isAlive());

        owner.destroyForcibly(); // SIGKILL: no hook of the owner runs
        owner.waitFor();

        assertTrue(awaitGone(node, Duration.ofSeconds(15)), "the node must die once its owner is gone");
        assertTrue(awaitMissing(session, Duration.ofSeconds(10)),
            "the last node's watchdog removes the session folder: " + listing(tmp));
    }

    @Test
    void leavesFoldersAloneAndReportsTheExitCodeWhileTheOwnerLives() throws Exception {
        Path script = watchdogScript();
        Path nodeDir = tmp.resolve("session/clusters/c1/nodes/node-0");
        Files.createDirectories(nodeDir);
        Process watchdog = new ProcessBuilder(List.of("/bin/sh", script.toString(),
            String.valueOf(ProcessHandle.current().pid()), "2", nodeDir.resolve("node.pid").toString(),
            nodeDir.toString(), "--", "/bin/sh", "-c", "exit 7")).start();
        assertTrue(watchdog.waitFor(10, TimeUnit.SECONDS));
        assertEquals(7, watchdog.exitValue());
        assertTrue(Files.isDirectory(nodeDir), "the JVM that owns the node cleans up, not the watchdog");
    }

    @Test
    void keepsTheSessionWhileAnotherNodeIsStillThere() throws Exception {
        Path script = watchdogScript();
        Path session = tmp.resolve("session");
        Path nodeDir = session.resolve("clusters/c1/nodes/node-0");
        Path otherNode = session.resolve("clusters/c1/nodes/node-1");
        Files.createDirectories(nodeDir);
        Files.createDirectories(otherNode);
        Path pidFile = nodeDir.resolve("node.pid");
        Process owner = new ProcessBuilder("/bin/sh", "-c",
            "/bin/sh '" + script + "' $$ 2 '" + pidFile + "' '" + nodeDir + "' -- sleep 300 & wait").start();
        ProcessHandle node = ProcessHandle.of(awaitPid(pidFile)).orElseThrow();
        started.add(node);
        owner.destroyForcibly();
        owner.waitFor();
        assertTrue(awaitGone(node, Duration.ofSeconds(15)));
        assertTrue(awaitMissing(nodeDir, Duration.ofSeconds(10)), "its own folder goes");
        assertTrue(Files.isDirectory(otherNode), "the other node's folder stays until its own watchdog is done");
        assertFalse(Files.notExists(session));
    }

    private Path watchdogScript() throws Exception {
        Path script = tmp.resolve("node-watchdog.sh");
        try (InputStream in = Session.class.getResourceAsStream("node-watchdog.sh")) {
            Files.copy(in, script);
        }
        return script;
    }

    private static long awaitPid(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                String s = Files.readString(pidFile).trim();
                if (!s.isEmpty()) {
                    return Long.parseLong(s);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the watchdog never wrote " + pidFile);
    }

    private static boolean awaitGone(ProcessHandle p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static boolean awaitMissing(Path path, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.notExists(path)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static String listing(Path root) throws Exception {
        try (var s = Files.walk(root)) {
            return s.map(Path::toString).toList().toString();
        }
    }
}
