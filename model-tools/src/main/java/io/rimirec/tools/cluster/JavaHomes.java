package io.rimirec.tools.cluster;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a Java runtime that can run OpenSearch 3.x (Java 21 or newer). The same search order as
 * {@code bin/find-java}: the running JVM when it is new enough, then RIMIREC_JAVA_HOME, JAVA_HOME, {@code java} on
 * the PATH, then the usual install folders (newest first).
 */
public final class JavaHomes {

    /** OpenSearch 3.x runs on Java 21+. */
    public static final int MINIMUM_MAJOR = 21;

    private static final Pattern RELEASE_VERSION = Pattern.compile("^JAVA_VERSION=\"?([0-9._]+)", Pattern.MULTILINE);

    private JavaHomes() {}

    /** A Java home with {@code bin/java} and a major version of at least {@link #MINIMUM_MAJOR}. */
    public static Path find() {
        if (Runtime.version().feature() >= MINIMUM_MAJOR) {
            Path current = Path.of(System.getProperty("java.home"));
            if (Files.isExecutable(current.resolve("bin/java"))) {
                return current;
            }
        }
        List<Path> explicit = new ArrayList<>();
        addEnv(explicit, "RIMIREC_JAVA_HOME");
        addEnv(explicit, "JAVA_HOME");
        javaOnPath().ifPresent(explicit::add);
        for (Path home : explicit) {
            if (majorVersion(home).orElse(0) >= MINIMUM_MAJOR) {
                return home;
            }
        }
        Path best = null;
        int bestMajor = 0;
        for (Path home : installed()) {
            int major = majorVersion(home).orElse(0);
            if (major >= MINIMUM_MAJOR && major > bestMajor) {
                best = home;
                bestMajor = major;
            }
        }
        if (best != null) {
            return best;
        }
        StringBuilder msg = new StringBuilder("OpenSearch needs Java " + MINIMUM_MAJOR + " or newer, and none was found.");
        for (Path home : explicit) {
            msg.append("\n  checked ").append(home).append(": Java ").append(majorVersion(home).orElse(0));
        }
        msg.append("\nInstall one (e.g. temurin-21-jdk or openjdk-21-jdk) or set RIMIREC_JAVA_HOME to it.");
        throw new IllegalStateException(msg.toString());
    }

    /** Checks a home given explicitly and says clearly what is wrong with it. */
    public static Path check(Path home) {
        int major = majorVersion(home).orElseThrow(() -> new IllegalArgumentException(
            "java home " + home + " has no executable bin/java with a readable 'release' file"));
        if (major < MINIMUM_MAJOR) {
            throw new IllegalArgumentException(
                "java home " + home + " is Java " + major + "; OpenSearch needs Java " + MINIMUM_MAJOR + " or newer");
        }
        return home;
    }

    /** The major version recorded in {@code <home>/release}, if {@code <home>/bin/java} is executable. */
    public static OptionalInt majorVersion(Path home) {
        if (home == null || !Files.isExecutable(home.resolve("bin/java"))) {
            return OptionalInt.empty();
        }
        try {
            Matcher m = RELEASE_VERSION.matcher(Files.readString(home.resolve("release")));
            if (!m.find()) {
                return OptionalInt.empty();
            }
            String v = m.group(1);
            if (v.startsWith("1.")) {
                v = v.substring(2); // 1.8.0_402 is Java 8
            }
            int end = 0;
            while (end < v.length() && Character.isDigit(v.charAt(end))) {
                end++;
            }
            return end == 0 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(v.substring(0, end)));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static void addEnv(List<Path> out, String name) {
        String v = System.getenv(name);
        if (v != null && !v.isBlank()) {
            out.add(Path.of(v));
        }
    }

    private static Optional<Path> javaOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path javaBin = Path.of(dir, "java");
            if (Files.isExecutable(javaBin)) {
                try {
                    // .../bin/java -> the home two levels up, after following alternatives links
                    Path real = javaBin.toRealPath();
                    Path bin = real.getParent();
                    if (bin != null && bin.getParent() != null) {
                        return Optional.of(bin.getParent());
                    }
                } catch (IOException ignored) {
                    // a dangling link: keep looking
                }
            }
        }
        return Optional.empty();
    }

    private static Set<Path> installed() {
        Set<Path> homes = new LinkedHashSet<>();
        String userHome = System.getProperty("user.home", "");
        for (String root : List.of("/usr/lib/jvm", "/opt/java", "/opt", userHome + "/.sdkman/candidates/java",
            userHome + "/.jdks", "/Library/Java/JavaVirtualMachines")) {
            Path dir = Path.of(root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path e : entries) {
                    homes.add(e);
                    homes.add(e.resolve("Contents/Home"));
                }
            } catch (IOException ignored) {
                // unreadable install folder: nothing to find there
            }
        }
        return homes;
    }
}
