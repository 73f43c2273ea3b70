package io.rimirec.tools.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep of left-behind session folders must never take one whose owner is alive: liveness comes from a lock the
 * owner holds for its whole life (dropped by the operating system when it dies), not from a pid that another user or
 * pid namespace may not see.
 */
class SessionSweepTest {

    @TempDir
    Path base;

    /** Holds an exclusive lock on {@code args[0]} until its standard input closes. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.lock();
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the parent closes our input or kills us
                }
            }
        }
    }

    @Test
    void aFolderWhoseOwnerHoldsItsLockIsLiveEvenWithAnOwnerFileNamingNoVisibleProcessAndIsSweptOnceTheOwnerDies()
        throws Exception {
        Path live = Files.createDirectories(base.resolve(Session.PREFIX + "999999-live"));
        // An owner pid this process cannot see (another pid namespace, say): the pid check alone would sweep it.
        Files.writeString(live.resolve("owner"), "999999999 1\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process owner = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
            live.resolve("owner.lock").toString()).redirectErrorStream(true).start();
        try {
            String first = new String(owner.getInputStream().readNBytes(6));
            assertTrue(first.startsWith("locked"), first);
            assertFalse(Session.isStale(live), "its owner holds the lock");
            Session.sweepStale(base, line -> { });
            assertTrue(Files.isDirectory(live), "a live session is never swept");
        } finally {
            owner.destroyForcibly();
            owner.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(Session.isStale(live), "the owner is gone, so is its lock");
        Session.sweepStale(base, line -> { });
        assertFalse(Files.exists(live));
    }

    @Test
    void thisJvmsOwnSessionIsNeverStaleAndAFolderWithoutLockOrOwnerIsLeftForAnHour() throws Exception {
        Session mine = Session.under(base, line -> { });
        assertFalse(Session.isStale(mine.dir()));
        Path fresh = Files.createDirectories(base.resolve(Session.PREFIX + "1-fresh"));
        Session.sweepStale(base, line -> { });
        assertTrue(Files.isDirectory(fresh), "just created by someone who has not written its owner file yet");
        assertTrue(Files.isDirectory(mine.dir()), "this JVM's own session stays");
    }
}
