package io.rimirec.tools.cluster;

import io.rimirec.tools.util.MoreFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Everything one JVM keeps under one base dir: {@code <base>/rimirec-local-<pid>-<rand>/} with an {@code owner}
 * file, {@code templates/} (a distribution unpacked once with the plugins installed, reused by every cluster of
 * this JVM) and {@code clusters/<name>/nodes/<node>}. The whole folder goes when the JVM exits; if the JVM is
 * killed, the node watchdogs remove what they can and the next session sweeps what is left.
 */
final class Session {

    static final String PREFIX = "rimirec-local-";
    private static final String OWNER_FILE = "owner";
    /**
     * Held (an exclusive lock) by the owning JVM for its whole life; the operating system drops it when that process
     * ends, however it ends. Another process that can take a shared lock on it knows the owner is gone. Unlike a pid
     * check this holds across users and pid namespaces (containers sharing a folder), where another process's pid
     * may be invisible or mean someone else.
     */
    private static final String LOCK_FILE = "owner.lock";
    /** This JVM's locks on its own sessions' lock files, held until it exits. */
    private static final List<FileChannel> HELD = new ArrayList<>();
    private static final String WATCHDOG = "node-watchdog.sh";
    /** A folder without an owner file is left alone this long: its owner may be writing it right now. */
    private static final Duration UNOWNED_GRACE = Duration.ofHours(1);

    private static final Map<Path, Session> SESSIONS = new HashMap<>();

    private final Path dir;
    private final Map<String, Path> templates = new HashMap<>();
    private final AtomicInteger clusterCounter = new AtomicInteger();

    private Session(Path dir) {
        this.dir = dir;
    }

    /** This JVM's session under {@code baseDir}, created (and stale sessions swept) on first use. */
    static synchronized Session under(Path baseDir, Consumer<String> log) throws IOException {
        Path base = baseDir.toAbsolutePath().normalize();
        Session s = SESSIONS.get(base);
        if (s != null && Files.isDirectory(s.dir)) {
            return s;
        }
        Files.createDirectories(base);
        sweepStale(base, log);
        ProcessHandle me = ProcessHandle.current();
        Path dir = base.resolve(PREFIX + me.pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
        Files.createDirectory(dir);
        // The node user must be able to walk into it; the node homes below are what it owns.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        FileChannel lock = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ);
        lock.lock();
        HELD.add(lock);
        Files.writeString(dir.resolve(OWNER_FILE), me.pid() + " " + startMillis(me) + "\n");
        try (InputStream in = Session.class.getResourceAsStream(WATCHDOG)) {
            if (in == null) {
                throw new IllegalStateException("resource " + WATCHDOG + " is missing from the jar");
            }
            Files.copy(in, dir.resolve(WATCHDOG));
        }
        Files.createDirectory(dir.resolve("templates"));
        Files.createDirectory(dir.resolve("clusters"));
        s = new Session(dir);
        SESSIONS.put(base, s);
        LocalCluster.registerShutdownHook();
        return s;
    }

    /** Deletes every session folder of this JVM (the shutdown hook calls it once all clusters are closed). */
    static synchronized void deleteAll() {
        for (FileChannel lock : HELD) {
            try {
                lock.close(); // releases the lock
            } catch (IOException e) {
                // going away anyway
            }
        }
        HELD.clear();
        for (Session s : SESSIONS.values()) {
            try {
                MoreFiles.deleteRecursively(s.dir);
            } catch (IOException | UncheckedIOException e) {
                System.err.println("[local-cluster] could not delete " + s.dir + ": " + e);
            }
        }
        SESSIONS.clear();
    }

    Path dir() {
        return dir;
    }

    Path watchdog() {
        return dir.resolve(WATCHDOG);
    }

    /** A fresh, empty folder for one cluster. */
    Path newClusterDir(String clusterName) throws IOException {
        Path d = dir.resolve("clusters").resolve(clusterName + "-" + clusterCounter.incrementAndGet());
        Files.createDirectories(d.resolve("nodes"));
        return d;
    }

    /**
     * An OpenSearch home with the given plugins installed (in order), made once per JVM for each combination of
     * zips and reused: unpacking 160 MB and installing plugins costs several seconds per cluster otherwise.
     */
    synchronized Path template(Path distribution, List<Path> plugins, Path javaHome, Consumer<String> log)
        throws IOException {
        String key = fingerprint(distribution, plugins);
        Path home = templates.get(key);
        if (home != null && Files.isDirectory(home)) {
            return home;
        }
        long started = System.nanoTime();
        Path root = dir.resolve("templates").resolve(key);
        Files.createDirectories(root);
        home = unpack(distribution, root);
        makeReadableByOthers(home);
        if (!plugins.isEmpty()) {
            installPlugins(home, plugins, javaHome);
        }
        log.accept("prepared OpenSearch template " + home.getFileName() + " with "
            + plugins.stream().map(p -> p.getFileName().toString()).toList() + " in "
            + seconds(System.nanoTime() - started));
        templates.put(key, home);
        return home;
    }

    private static Path unpack(Path zip, Path into) throws IOException {
        // zipfs with POSIX attributes keeps bin/ executable; java.util.zip would drop the modes.
        try (FileSystem zfs = FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"))) {
            Path zroot = zfs.getPath("/");
            List<Path> top = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(zroot)) {
                s.forEach(top::add);
            }
            if (top.size() != 1 || !Files.isDirectory(top.get(0))) {
                throw new IOException(zip + " is not an OpenSearch distribution: expected one top-level folder, found "
                    + top);
            }
            Files.walkFileTree(zroot, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(into.resolve(zroot.relativize(d).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Path target = into.resolve(zroot.relativize(f).toString());
                    Files.copy(f, target);
                    Set<PosixFilePermission> perms;
                    try {
                        perms = EnumSet.copyOf(Files.getPosixFilePermissions(f));
                    } catch (UnsupportedOperationException | IllegalArgumentException e) {
                        perms = EnumSet.noneOf(PosixFilePermission.class);
                    }
                    perms.add(PosixFilePermission.OWNER_READ);
                    perms.add(PosixFilePermission.OWNER_WRITE);
                    if (zroot.relativize(f).toString().matches("[^/]+/bin/[^/]+")) {
                        perms.add(PosixFilePermission.OWNER_EXECUTE); // in case the zip recorded no modes
                    }
                    Files.setPosixFilePermissions(target, perms);
                    return FileVisitResult.CONTINUE;
                }
            });
            return into.resolve(top.get(0).getFileName().toString().replace("/", ""));
        }
    }

    /** The node user reads the shared, root-owned parts of a node home (lib/, modules/, plugins/ ...). */
    private static void makeReadableByOthers(Path home) throws IOException {
        Files.walkFileTree(home, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                add(d, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                add(f, false);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p, boolean dir) throws IOException {
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                perms.add(PosixFilePermission.GROUP_READ);
                perms.add(PosixFilePermission.OTHERS_READ);
                if (dir || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(p, perms);
            }
        });
    }

    private static void installPlugins(Path home, List<Path> plugins, Path javaHome) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/opensearch-plugin").toString(), "install", "--batch"));
        for (Path p : plugins) {
            cmd.add(p.toAbsolutePath().toUri().toString());
        }
        Path out = home.getParent().resolve("plugin-install.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile());
        LocalCluster.cleanEnvironment(pb.environment(), javaHome);
        Process p = pb.start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("installing plugins timed out after 5 minutes: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while installing plugins", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("installing plugins failed (exit code " + p.exitValue() + "): " + String.join(" ", cmd)
                + "\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
    }

    /** Removes session folders under {@code base} whose owning JVM is gone. */
    static void sweepStale(Path base, Consumer<String> log) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path d : dirs) {
                if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && isStale(d)) {
                    log.accept("removing " + d + " left behind by a JVM that is gone");
                    try {
                        MoreFiles.deleteRecursively(d);
                    } catch (IOException | UncheckedIOException e) {
                        log.accept("could not remove " + d + ": " + e);
                    }
                }
            }
        } catch (IOException e) {
            log.accept("could not look for stale local clusters in " + base + ": " + e);
        }
    }

    static boolean isStale(Path d) throws IOException {
        for (Session own : SESSIONS.values()) {
            if (own.dir.equals(d)) {
                return false;
            }
        }
        Path lockFile = d.resolve(LOCK_FILE);
        if (Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            return ownerIsGone(lockFile);
        }
        // A folder from before lock files: judge by the owner's pid and start time.
        Path owner = d.resolve(OWNER_FILE);
        if (!Files.isRegularFile(owner)) {
            FileTime modified = Files.getLastModifiedTime(d);
            return modified.toInstant().isBefore(Instant.now().minus(UNOWNED_GRACE));
        }
        String[] parts = Files.readString(owner).trim().split("\\s+");
        try {
            long pid = Long.parseLong(parts[0]);
            long start = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
            // Compare start times too: the pid may belong to an unrelated process by now.
            // A process whose start time cannot be read (another user's, say) is taken to be the owner, alive.
            return ProcessHandle.of(pid).map(h -> start >= 0 && startMillis(h) >= 0 && startMillis(h) != start).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** True when a shared lock on the owner's lock file can be taken: the owner, which holds it exclusively, is gone. */
    private static boolean ownerIsGone(Path lockFile) {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ)) {
            FileLock shared = ch.tryLock(0, Long.MAX_VALUE, true);
            if (shared == null) {
                return false;
            }
            shared.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // this JVM holds it
        } catch (IOException e) {
            return false; // cannot tell (no permission, no lock support): leave it alone
        }
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    /**
     * Copies an OpenSearch home for one node. The big read-only parts are hard links (fast, no disk); config/ is a
     * real copy, because each node gets its own opensearch.yml and keystore and the node user must own it.
     */
    static void copyHome(Path template, Path target) throws IOException {
        Files.walkFileTree(template, new SimpleFileVisitor<>() {
            boolean linksWork = true;

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target.resolve(template.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                String rel = template.relativize(f).toString();
                Path to = target.resolve(rel);
                boolean link = linksWork && !rel.startsWith("config/") && !rel.startsWith("logs/");
                if (link) {
                    try {
                        Files.createLink(to, f);
                        return FileVisitResult.CONTINUE;
                    } catch (IOException | UnsupportedOperationException e) {
                        linksWork = false; // another file system, or no hard links here: copy from now on
                    }
                }
                Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String fingerprint(Path distribution, List<Path> plugins) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> all = new ArrayList<>();
            all.add(distribution);
            all.addAll(plugins);
            for (Path p : all) {
                Path real = p.toRealPath();
                md.update((real + "|" + Files.size(real) + "|" + Files.getLastModifiedTime(real).toMillis() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
