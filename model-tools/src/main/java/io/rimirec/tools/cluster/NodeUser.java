package io.rimirec.tools.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The operating-system user the nodes run as. OpenSearch refuses to run as root, so a JVM running as root starts
 * its nodes as an unprivileged system user (created on first use) and hands it the node folders; any other user
 * runs the nodes itself.
 */
final class NodeUser {

    private final String name;
    private final int uid;
    private final int gid;
    private final boolean switchUser;
    private final List<String> commandPrefix;

    private NodeUser(String name, int uid, int gid, boolean switchUser, List<String> commandPrefix) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.switchUser = switchUser;
        this.commandPrefix = commandPrefix;
    }

    /** The current user when it is not root; otherwise {@code wanted}, created with useradd if missing. */
    static NodeUser forNodes(String wanted, Consumer<String> log) throws IOException {
        int me = Integer.parseInt(run(List.of("id", "-u")).trim());
        if (me != 0) {
            return new NodeUser(System.getProperty("user.name"), me, -1, false, List.of());
        }
        ensureExists(wanted, log);
        int uid = Integer.parseInt(run(List.of("id", "-u", wanted)).trim());
        int gid = Integer.parseInt(run(List.of("id", "-g", wanted)).trim());
        if (uid == 0) {
            throw new IllegalArgumentException("node user '" + wanted + "' is root; OpenSearch refuses to run as root");
        }
        List<String> prefix;
        if (onPath("setpriv")) {
            // setpriv execs in place: the node keeps the pid the watchdog knows, and no su-style parent sits between
            prefix = List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
        } else if (onPath("runuser")) {
            prefix = List.of("runuser", "-u", wanted, "--");
        } else {
            throw new IllegalStateException("running as root, but neither setpriv nor runuser is available to start "
                + "OpenSearch as the unprivileged user '" + wanted + "'; run as a non-root user instead");
        }
        return new NodeUser(wanted, uid, gid, true, prefix);
    }

    String name() {
        return name;
    }

    /** Whether nodes run as a different user than this JVM (so files we write must be handed over). */
    boolean switchesUser() {
        return switchUser;
    }

    /** Prepended to the node command to run it as this user. */
    List<String> commandPrefix() {
        return commandPrefix;
    }

    /** Hands {@code path} (not what is inside) to the node user. */
    void own(Path path) throws IOException {
        if (!switchUser) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
            LinkOption.NOFOLLOW_LINKS);
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(String.valueOf(uid));
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(String.valueOf(gid));
        view.setOwner(user);
        view.setGroup(group);
    }

    /** Hands {@code root} and everything under it to the node user. */
    void ownRecursively(Path root) throws IOException {
        if (!switchUser) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                own(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                own(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Fails clearly when the node user cannot reach {@code dir}: every folder above it must let others search it
     * ({@code /root} is often mode 700).
     */
    void checkCanReach(Path dir) throws IOException {
        if (!switchUser) {
            return;
        }
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            var perms = Files.getPosixFilePermissions(p);
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("the node user '" + name + "' cannot reach " + dir + ": " + p
                    + " is not searchable by others (mode " + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                    + "). Choose a base dir under a world-searchable folder such as /tmp (builder baseDir(...) or "
                    + "-Djava.io.tmpdir).");
            }
        }
    }

    private static void ensureExists(String user, Consumer<String> log) throws IOException {
        if (exitCode(List.of("id", "-u", user)) == 0) {
            return;
        }
        String shell = Files.isExecutable(Path.of("/usr/sbin/nologin")) ? "/usr/sbin/nologin"
            : Files.isExecutable(Path.of("/sbin/nologin")) ? "/sbin/nologin" : "/bin/false";
        String lastOutput = "";
        for (int attempt = 0; attempt < 10; attempt++) {
            log.accept("creating system user '" + user + "' to run OpenSearch (it refuses to run as root)");
            Process p = new ProcessBuilder("useradd", "--system", "--no-create-home", "--shell", shell, user)
                .redirectErrorStream(true).start();
            lastOutput = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = waitFor(p);
            // 0: created; 9: someone else created it meanwhile. Anything else (e.g. a lock held by a concurrent
            // useradd) is worth another try, as long as the user still does not exist.
            if (code == 0 || code == 9 || exitCode(List.of("id", "-u", user)) == 0) {
                return;
            }
            sleep(200L * (attempt + 1));
        }
        throw new IOException("could not create the system user '" + user + "' with useradd: " + lastOutput.trim());
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        if (path != null) {
            dirs.addAll(0, List.of(path.split(java.io.File.pathSeparator)));
        }
        return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }

    static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = waitFor(p);
        if (code != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + code + ": " + out.trim());
        }
        return out;
    }

    private static int exitCode(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return waitFor(p);
    }

    private static int waitFor(Process p) throws IOException {
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + p.info().commandLine().orElse("a helper command"));
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while waiting for a helper command", e);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
