package io.rimirec.tools.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaHomesTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheMajorVersionFromTheReleaseFile() throws Exception {
        assertEquals(OptionalInt.of(25), JavaHomes.majorVersion(fakeHome("jdk25", "25.0.1")));
        assertEquals(OptionalInt.of(21), JavaHomes.majorVersion(fakeHome("jdk21", "21")));
        assertEquals(OptionalInt.of(8), JavaHomes.majorVersion(fakeHome("jdk8", "1.8.0_402")));
    }

    @Test
    void aHomeWithoutAnExecutableJavaHasNoVersion() throws Exception {
        Path home = fakeHome("broken", "25.0.1");
        Files.setPosixFilePermissions(home.resolve("bin/java"), PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(JavaHomes.majorVersion(home).isEmpty());
    }

    @Test
    void rejectsAnExplicitHomeThatIsTooOld() throws Exception {
        Path old = fakeHome("jdk17", "17.0.15");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JavaHomes.check(old));
        assertTrue(e.getMessage().contains("Java 17") && e.getMessage().contains("21"), e.getMessage());
    }

    @Test
    void findsTheRunningJvmWhenItIsNewEnough() {
        // The build runs on 21+ (enforcer), so the running JVM is the answer.
        assertEquals(Path.of(System.getProperty("java.home")), JavaHomes.find());
    }

    private Path fakeHome(String name, String version) throws Exception {
        Path home = tmp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
