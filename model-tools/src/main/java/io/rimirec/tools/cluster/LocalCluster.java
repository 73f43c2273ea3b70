package io.rimirec.tools.cluster;

import io.rimirec.tools.util.MoreFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.RestClient;

/**
 * Real OpenSearch nodes on this machine, started from the distribution zip with plugins installed: the README demo,
 * the benchmarks and the integration tests all run against one of these.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().withDefaultZips().nodes(3).start()) {
 *     Response r = cluster.restClient().performRequest(new Request("GET", "/_cat/nodes"));
 *     cluster.writeConfigFile("rimirec/models/ml1m.bin", bytes);   // into every node's config dir
 * }
 * }</pre>
 *
 * <p>What it does: unpacks the distribution once per JVM into a template home and installs the plugins there (k-NN
 * first, then rimirec); gives every node a copy; when this JVM runs as root, runs the nodes as an unprivileged user
 * (OpenSearch refuses root); binds them to 127.0.0.1 on free ports; forms a real cluster when there are 3 or more
 * nodes; and waits until the cluster is green or yellow with all nodes in it.
 *
 * <p>It always tears down: {@link #close()} stops the nodes (SIGTERM, then SIGKILL of the whole process tree after a
 * timeout) and deletes their folders; a JVM shutdown hook does the same on Ctrl-C or SIGTERM; and each node runs
 * under a small watchdog script that kills it (and deletes its folder) when the JVM that started it is gone, even
 * after {@code kill -9}.
 */
public final class LocalCluster implements AutoCloseable {

    /** Where progress goes unless the builder says otherwise. */
    private static final Consumer<String> STDERR = line -> System.err.println("[local-cluster] " + line);
    private static final Set<LocalCluster> LIVE = ConcurrentHashMap.newKeySet();
    private static final Object HOOK_LOCK = new Object();
    private static boolean hookRegistered;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BIND_FAILURE =
        Pattern.compile("BindTransportException|BindHttpException|Address already in use|Failed to bind");
    private static final int MAX_START_ATTEMPTS = 3;

    private final Builder config;
    private final String clusterName;
    private final Path clusterDir;
    private final NodeUser nodeUser;
    private final List<Node> nodes = new ArrayList<>();
    private final Consumer<String> log;
    private volatile RestClient restClient;
    private volatile boolean closed;
    /** Set when the nodes first start; a restarted node starts the same way. */
    private Path javaHome;
    private Session session;

    private LocalCluster(Builder config, String clusterName, Path clusterDir, NodeUser nodeUser) {
        this.config = config;
        this.clusterName = clusterName;
        this.clusterDir = clusterDir;
        this.nodeUser = nodeUser;
        this.log = config.log;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------------ accessors

    public String clusterName() {
        return clusterName;
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    /** {@code http://127.0.0.1:<port>} of every node. */
    public List<String> httpUris() {
        return nodes.stream().map(Node::httpUri).toList();
    }

    public List<HttpHost> httpHosts() {
        return nodes.stream().map(Node::httpHost).toList();
    }

    /** A low-level REST client over all nodes (round robin), closed with the cluster. */
    public RestClient restClient() {
        RestClient c = restClient;
        if (c == null) {
            synchronized (this) {
                checkOpen();
                c = restClient;
                if (c == null) {
                    c = RestClient.builder(httpHosts().toArray(new HttpHost[0])).build();
                    restClient = c;
                }
            }
        }
        return c;
    }

    /** The user the node processes run as. */
    public String nodeUser() {
        return nodeUser.name();
    }

    /** Each node's {@code config/} folder (what OpenSearch calls path.conf). */
    public List<Path> configDirs() {
        return nodes.stream().map(Node::configDir).toList();
    }

    /**
     * Writes {@code content} to {@code relativePath} under every node's config dir, e.g.
     * {@code writeConfigFile("rimirec/models/m.bin", bytes)}: parent folders are created, the file is replaced
     * atomically, and everything created is owned by the node user. Returns the files written.
     */
    public List<Path> writeConfigFile(String relativePath, byte[] content) throws IOException {
        checkOpen();
        List<Path> written = new ArrayList<>();
        for (Node n : nodes) {
            written.add(writeInto(n.configDir(), relativePath, content, nodeUser));
        }
        return written;
    }

    public List<Path> writeConfigFile(String relativePath, String content) throws IOException {
        return writeConfigFile(relativePath, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Copies a file, or a folder with everything in it, to {@code relativePath} under every node's config dir. */
    public List<Path> copyToConfig(Path source, String relativePath) throws IOException {
        checkOpen();
        List<Path> written = new ArrayList<>();
        for (Node n : nodes) {
            written.add(copyInto(n.configDir(), source, relativePath, nodeUser));
        }
        return written;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The nodes that are no longer running (a healthy cluster has none). */
    public List<Node> deadNodes() {
        return nodes.stream().filter(n -> !n.isAlive()).toList();
    }

    /** The last lines of a node's console output and server log, for error messages. */
    public String describeFailure(Node node) {
        return node.logTail(40, 80);
    }

    /**
     * Starts a node that stopped, in its own folder with its data and ports, and waits until the cluster has every node
     * again. The other nodes keep running meanwhile.
     */
    public synchronized void restart(Node node) throws IOException {
        if (closed) {
            throw new IllegalStateException("cluster " + clusterName + " is closed");
        }
        if (node.isAlive()) {
            throw new IllegalStateException(node.name + " is running");
        }
        log.accept("restarting " + node.name + " of cluster " + clusterName);
        node.start(session.watchdog(), javaHome);
        waitUntilHealthy(System.nanoTime());
    }

    /**
     * Watches the nodes until the cluster is closed (Ctrl-C, {@link #close()}). A node that stops unexpectedly is reported
     * with the last lines of its logs and started again, up to {@code maxRestarts} times; the other nodes keep running,
     * and a node that cannot be restarted is left stopped while the rest serve on.
     *
     * @return 0 once the cluster is closed, 1 when no node is left running
     */
    public int supervise(Consumer<String> report, int maxRestarts) throws InterruptedException {
        Map<Node, Integer> restarts = new HashMap<>();
        while (!closed) {
            for (Node n : deadNodes()) {
                if (closed || restarts.getOrDefault(n, 0) < 0) {
                    continue; // closing, or given up on
                }
                int attempt = restarts.merge(n, 1, Integer::sum);
                report.accept(n.name + " stopped unexpectedly (exit code " + n.exitCode() + ").\n" + describeFailure(n));
                if (attempt > maxRestarts) {
                    report.accept(n.name + " stopped " + attempt + " times; leaving it stopped. The other nodes keep running.");
                    restarts.put(n, -1);
                    continue;
                }
                try {
                    restart(n);
                    report.accept(n.name + " is running again (restart " + attempt + " of at most " + maxRestarts + "): "
                        + n.httpUri());
                } catch (IOException | RuntimeException e) {
                    report.accept("could not restart " + n.name + ": " + e.getMessage());
                }
            }
            if (!closed && nodes.stream().noneMatch(Node::isAlive) && restarts.values().stream().allMatch(r -> r < 0)) {
                return 1;
            }
            Thread.sleep(1000);
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------------ start

    private void startNodes(Path templateHome, Path javaHome, Session session) throws IOException {
        this.javaHome = javaHome;
        this.session = session;
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            nodes.clear();
            List<Integer> ports = freePorts(2 * config.nodes);
            for (int i = 0; i < config.nodes; i++) {
                nodes.add(new Node(i, "node-" + i, clusterDir.resolve("nodes").resolve("node-" + i), ports.get(2 * i),
                    ports.get(2 * i + 1)));
            }
            for (Node n : nodes) {
                prepareHome(n, templateHome);
            }
            for (Node n : nodes) {
                n.start(session.watchdog(), javaHome);
            }
            try {
                waitUntilHealthy(started);
                return;
            } catch (StartFailure e) {
                boolean bindRace = nodes.stream().anyMatch(Node::failedToBind);
                stopNodes();
                if (bindRace && attempt < MAX_START_ATTEMPTS) {
                    log.accept("a port was taken between choosing and binding it; retrying with other ports");
                    for (Node n : nodes) {
                        MoreFiles.deleteRecursively(n.dir);
                    }
                    continue;
                }
                throw e;
            }
        }
    }

    private void prepareHome(Node n, Path templateHome) throws IOException {
        Files.createDirectories(n.dir);
        Session.copyHome(templateHome, n.home);
        for (String d : List.of("data", "logs", "tmp")) {
            Files.createDirectories(n.home.resolve(d));
        }
        Files.writeString(n.configDir().resolve("opensearch.yml"), renderSettings(nodeSettings(n)));
        for (Map.Entry<String, byte[]> f : config.configFiles.entrySet()) {
            writeInto(n.configDir(), f.getKey(), f.getValue(), nodeUser);
        }
        // The node writes its keystore into config/, its data and logs: hand those (and the home itself) over.
        nodeUser.own(n.home);
        for (String d : List.of("config", "data", "logs", "tmp")) {
            nodeUser.ownRecursively(n.home.resolve(d));
        }
    }

    Map<String, Object> nodeSettings(Node n) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("cluster.name", clusterName);
        s.put("node.name", n.name);
        s.put("network.host", "127.0.0.1");
        s.put("http.port", String.valueOf(n.httpPort));
        s.put("transport.port", String.valueOf(n.transportPort));
        if (config.nodes == 1) {
            s.put("discovery.type", "single-node");
        } else {
            s.put("discovery.seed_hosts", nodes.stream().map(x -> "127.0.0.1:" + x.transportPort).toList());
            s.put("cluster.initial_cluster_manager_nodes", nodes.stream().map(x -> x.name).toList());
        }
        // Other engineers fill the shared disk; the disk watermarks must not turn a test cluster red.
        s.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        s.putAll(config.settings);
        return s;
    }

    /** opensearch.yml as flat keys with JSON values: JSON is valid YAML and needs no escaping rules of our own. */
    static String renderSettings(Map<String, Object> settings) {
        StringBuilder yml = new StringBuilder("# Written by rimirec LocalCluster.\n");
        try {
            for (Map.Entry<String, Object> e : settings.entrySet()) {
                yml.append(e.getKey()).append(": ").append(JSON.writeValueAsString(e.getValue())).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return yml.toString();
    }

    private void waitUntilHealthy(long startedNanos) throws StartFailure {
        long deadline = System.nanoTime() + config.startTimeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            waitUntilHealthy(http, deadline, startedNanos);
        }
    }

    private void waitUntilHealthy(HttpClient http, long deadline, long startedNanos) throws StartFailure {
        String expect = "green or yellow with " + config.nodes + " node" + (config.nodes == 1 ? "" : "s");
        String lastHealth = "no answer yet";
        boolean healthy = false;
        while (System.nanoTime() < deadline) {
            for (Node n : nodes) {
                if (!n.isAlive()) {
                    throw new StartFailure(n.name + " of cluster " + clusterName + " exited with code "
                        + n.exitCode() + " while starting.\n" + n.logTail(40, 80));
                }
            }
            try {
                if (!healthy) {
                    String body = get(http, nodes.get(0).httpUri() + "/_cluster/health?wait_for_nodes=" + config.nodes
                        + "&wait_for_status=yellow&timeout=2s");
                    lastHealth = body;
                    JsonNode h = JSON.readTree(body);
                    String status = h.path("status").asText();
                    healthy = h.path("number_of_nodes").asInt() == config.nodes
                        && (status.equals("green") || status.equals("yellow"));
                }
                if (healthy && everyNodeAnswers(http)) {
                    log.accept("cluster " + clusterName + " is " + expect + " after "
                        + Session.seconds(System.nanoTime() - startedNanos) + ": " + String.join(" ", httpUris()));
                    return;
                }
            } catch (ConnectException | java.net.http.HttpTimeoutException e) {
                // not listening yet
            } catch (IOException e) {
                lastHealth = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartFailure("interrupted while waiting for cluster " + clusterName);
            }
            sleep(250);
        }
        StringBuilder msg = new StringBuilder("cluster " + clusterName + " did not become " + expect + " within "
            + config.startTimeout.toSeconds() + " s (raise it with startTimeout(...)); last health: " + lastHealth);
        for (Node n : nodes) {
            msg.append("\n").append(n.logTail(20, 40));
        }
        throw new StartFailure(msg.toString());
    }

    private boolean everyNodeAnswers(HttpClient http) throws IOException, InterruptedException {
        for (Node n : nodes) {
            try {
                get(http, n.httpUri() + "/");
            } catch (ConnectException e) {
                return false; // joined the cluster, HTTP not bound yet
            }
        }
        return true;
    }

    private static String get(HttpClient http, String uri) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && r.statusCode() != 408) { // 408: health wait timed out, body still says why
            throw new IOException("GET " + uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static List<Integer> freePorts(int count) throws IOException {
        // Keep every socket open until all are chosen, so the same port is not handed out twice.
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                s.setReuseAddress(true);
                sockets.add(s);
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ stop

    /** Stops every node and deletes the cluster's folders. Safe to call more than once. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long started = System.nanoTime();
        try {
            RestClient c = restClient;
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    log.accept("closing the REST client: " + e);
                }
            }
            stopNodes();
        } finally {
            try {
                MoreFiles.deleteRecursively(clusterDir);
            } catch (IOException | UncheckedIOException e) {
                log.accept("could not delete " + clusterDir + ": " + e);
            }
            LIVE.remove(this);
        }
        log.accept("cluster " + clusterName + " stopped and removed in " + Session.seconds(System.nanoTime() - started));
    }

    private void stopNodes() {
        for (Node n : nodes) {
            n.terminate();
        }
        long deadline = System.nanoTime() + config.stopTimeout.toNanos();
        for (Node n : nodes) {
            if (!n.awaitExit(Math.max(0, deadline - System.nanoTime()))) {
                log.accept(n.name + " did not stop within " + config.stopTimeout.toSeconds() + " s; killing it");
            }
            n.kill(); // whatever is left of its process tree, and the watchdog
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cluster " + clusterName + " is closed");
        }
    }

    static void registerShutdownHook() {
        synchronized (HOOK_LOCK) {
            if (hookRegistered) {
                return;
            }
            hookRegistered = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (LocalCluster c : List.copyOf(LIVE)) {
                    c.close();
                }
                Session.deleteAll();
            }, "local-cluster-shutdown"));
        }
    }

    // ------------------------------------------------------------------------------------------------ files

    private static Path resolveInside(Path configDir, String relativePath) {
        Path rel = Path.of(relativePath);
        Path target = configDir.resolve(rel).normalize();
        if (rel.isAbsolute() || !target.startsWith(configDir) || target.equals(configDir)) {
            throw new IllegalArgumentException("config file path must be relative and stay inside the config dir, got '"
                + relativePath + "'");
        }
        return target;
    }

    private static Path writeInto(Path configDir, String relativePath, byte[] content, NodeUser owner)
        throws IOException {
        Path target = resolveInside(configDir, relativePath);
        createParentsOwned(configDir, target.getParent(), owner);
        // Write beside and move: a node reading the file never sees half of it.
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        try {
            Files.write(tmp, content, StandardOpenOption.TRUNCATE_EXISTING);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            owner.own(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private static Path copyInto(Path configDir, Path source, String relativePath, NodeUser owner) throws IOException {
        Path target = resolveInside(configDir, relativePath);
        if (!Files.isDirectory(source)) {
            return writeInto(configDir, relativePath, Files.readAllBytes(source), owner);
        }
        createParentsOwned(configDir, target, owner);
        try (var files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    String rel = configDir.relativize(target.resolve(source.relativize(f).toString())).toString();
                    writeInto(configDir, rel, Files.readAllBytes(f), owner);
                }
            }
        }
        return target;
    }

    private static void createParentsOwned(Path configDir, Path dir, NodeUser owner) throws IOException {
        List<Path> created = new ArrayList<>();
        for (Path p = dir; p != null && p.startsWith(configDir) && !Files.exists(p); p = p.getParent()) {
            created.add(0, p);
        }
        for (Path p : created) {
            Files.createDirectories(p);
            owner.own(p);
        }
    }

    // ------------------------------------------------------------------------------------------------ processes

    /** The environment a node (or the plugin installer) gets: nothing from ours that could change how it runs. */
    static void cleanEnvironment(Map<String, String> env, Path javaHome) {
        Map<String, String> keep = new LinkedHashMap<>();
        for (String k : List.of("PATH", "LANG", "LC_ALL", "TZ")) {
            String v = env.get(k);
            if (v != null) {
                keep.put(k, v);
            }
        }
        env.clear();
        env.putAll(keep);
        env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("JAVA_HOME", javaHome.toString());
    }

    /** One node of the cluster. */
    public final class Node {
        private final int index;
        private final String name;
        private final Path dir;
        private final Path home;
        private final int httpPort;
        private final int transportPort;
        private Process watchdog;
        private volatile ProcessHandle process;

        private Node(int index, String name, Path dir, int httpPort, int transportPort) {
            this.index = index;
            this.name = name;
            this.dir = dir;
            this.home = dir.resolve("home");
            this.httpPort = httpPort;
            this.transportPort = transportPort;
        }

        public int index() {
            return index;
        }

        public String name() {
            return name;
        }

        /** The node's OpenSearch home (bin/, lib/, config/, data/, logs/ ...). */
        public Path home() {
            return home;
        }

        public Path configDir() {
            return home.resolve("config");
        }

        /** The server log OpenSearch writes ({@code logs/<cluster name>.log}). */
        public Path serverLog() {
            return home.resolve("logs").resolve(clusterName + ".log");
        }

        /** The node's stdout and stderr (and the launcher scripts'). */
        public Path consoleLog() {
            return dir.resolve("console.log");
        }

        public int httpPort() {
            return httpPort;
        }

        public int transportPort() {
            return transportPort;
        }

        public HttpHost httpHost() {
            return new HttpHost("http", "127.0.0.1", httpPort);
        }

        public String httpUri() {
            return "http://127.0.0.1:" + httpPort;
        }

        /** The node's process (the JVM, once the launcher scripts have exec'd it). */
        public Optional<ProcessHandle> process() {
            return Optional.ofNullable(process);
        }

        public boolean isAlive() {
            return watchdog != null && watchdog.isAlive();
        }

        private int exitCode() {
            try {
                return watchdog.waitFor(2, TimeUnit.SECONDS) ? watchdog.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        private void start(Path watchdogScript, Path javaHome) throws IOException {
            Path pidFile = dir.resolve("node.pid");
            Files.deleteIfExists(pidFile); // a restart: the old pid is of a dead process
            List<String> cmd = new ArrayList<>(List.of("/bin/sh", watchdogScript.toString(),
                String.valueOf(ProcessHandle.current().pid()), String.valueOf(config.stopTimeout.toSeconds()),
                pidFile.toString(), dir.toString(), "--"));
            cmd.addAll(nodeUser.commandPrefix());
            cmd.add(home.resolve("bin/opensearch").toString());
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile())).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            cleanEnvironment(pb.environment(), javaHome);
            pb.environment().put("HOME", home.toString());
            pb.environment().put("OPENSEARCH_TMPDIR", home.resolve("tmp").toString());
            pb.environment().put("OPENSEARCH_JAVA_OPTS", javaOptions());
            watchdog = pb.start();
            LIVE.add(LocalCluster.this);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && watchdog.isAlive()) {
                try {
                    String pid = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "";
                    if (!pid.isEmpty()) {
                        process = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
                        return;
                    }
                } catch (IOException | NumberFormatException e) {
                    // being written
                }
                sleep(20);
            }
        }

        private String javaOptions() {
            List<String> opts = new ArrayList<>(List.of("-Xms" + config.heap, "-Xmx" + config.heap));
            if (config.fastStartup) {
                // C1 only: about half the CPU to start a node, which is what a 2-core machine is short of.
                opts.add("-XX:TieredStopAtLevel=1");
                // The launcher pre-touches the whole heap; without it a fresh node holds ~120 MB less.
                opts.add("-XX:-AlwaysPreTouch");
            }
            opts.addAll(config.jvmOptions);
            return String.join(" ", opts);
        }

        private void terminate() {
            ProcessHandle p = process;
            if (p != null && p.isAlive()) {
                p.destroy(); // SIGTERM: OpenSearch shuts down cleanly
            } else if (watchdog != null && watchdog.isAlive() && p == null) {
                watchdog.destroyForcibly();
            }
        }

        private boolean awaitExit(long nanos) {
            if (watchdog == null) {
                return true;
            }
            try {
                return watchdog.waitFor(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private void kill() {
            List<ProcessHandle> tree = new ArrayList<>();
            ProcessHandle p = process;
            if (p != null) {
                p.descendants().forEach(tree::add);
                tree.add(p);
            }
            if (watchdog != null) {
                watchdog.descendants().forEach(tree::add);
                tree.add(watchdog.toHandle());
            }
            for (ProcessHandle h : tree) {
                if (h.isAlive()) {
                    h.destroyForcibly();
                }
            }
            if (watchdog != null) {
                try {
                    watchdog.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private boolean failedToBind() {
            return BIND_FAILURE.matcher(tail(consoleLog(), 200)).find() || BIND_FAILURE.matcher(tail(serverLog(), 200)).find();
        }

        private String logTail(int consoleLines, int serverLines) {
            return "---- " + name + " console (" + consoleLog() + "), last lines:\n" + tail(consoleLog(), consoleLines)
                + "\n---- " + name + " server log (" + serverLog() + "), last lines:\n" + tail(serverLog(), serverLines);
        }

        @Override
        public String toString() {
            return name + "@" + httpUri();
        }
    }

    private static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(none)";
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A node or the cluster failed to come up; the message carries the relevant log tails. */
    public static final class StartFailure extends IOException {
        private static final long serialVersionUID = 1L;

        StartFailure(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------------------------------------ builder

    /** Configuration of a local cluster; {@link #start()} makes one. */
    public static final class Builder {
        private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]");

        private int nodes = 1;
        private String heap = "512m";
        private Path distribution;
        private final List<Path> plugins = new ArrayList<>();
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, byte[]> configFiles = new LinkedHashMap<>();
        private Path baseDir = Path.of(System.getProperty("java.io.tmpdir"));
        private String nodeUser = "rimirec-node";
        private Path javaHome;
        private String clusterName;
        private boolean fastStartup = true;
        private Duration startTimeout = Duration.ofMinutes(4);
        private Duration stopTimeout = Duration.ofSeconds(20);
        private Consumer<String> log = STDERR;

        private Builder() {}

        /**
         * The distribution and plugins from {@code model-tools/target/opensearch/} (see {@link OpenSearchZips#locate()}):
         * OpenSearch with k-NN and rimirec installed.
         */
        public Builder withDefaultZips() {
            return zips(OpenSearchZips.locate());
        }

        public Builder zips(OpenSearchZips zips) {
            distribution(zips.distribution());
            plugins.clear();
            zips.plugins().forEach(this::plugin);
            return this;
        }

        /** 1 (single-node discovery) or 3 and more (a real cluster; 2 could not survive losing either node). */
        public Builder nodes(int nodes) {
            if (nodes != 1 && nodes < 3) {
                throw new IllegalArgumentException("nodes must be 1 or at least 3 (two cluster-manager-eligible nodes "
                    + "cannot form a fault-tolerant quorum), got " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** Heap per node, as for -Xmx: e.g. {@code 512m} (the default) or {@code 1g}. */
        public Builder heap(String heap) {
            if (heap == null || !HEAP.matcher(heap).matches()) {
                throw new IllegalArgumentException("heap must look like 512m or 1g, got '" + heap + "'");
            }
            this.heap = heap;
            return this;
        }

        /** The OpenSearch distribution zip (a no-JDK zip such as the integ-test-zip). */
        public Builder distribution(Path zip) {
            this.distribution = Objects.requireNonNull(zip, "distribution");
            return this;
        }

        /** A plugin zip to install; plugins are installed in the order given (k-NN before rimirec). */
        public Builder plugin(Path zip) {
            plugins.add(Objects.requireNonNull(zip, "plugin"));
            return this;
        }

        /** An extra setting for every node's opensearch.yml; overrides the defaults LocalCluster writes. */
        public Builder setting(String key, String value) {
            settings.put(requireKey(key), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A list-valued setting, written as a YAML sequence. */
        public Builder setting(String key, List<String> values) {
            settings.put(requireKey(key), List.copyOf(values));
            return this;
        }

        /** An extra JVM option for every node (after -Xms/-Xmx). */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        /** A file placed under every node's config dir before the nodes start, e.g. {@code rimirec/x.json}. */
        public Builder configFile(String relativePath, byte[] content) {
            resolveInside(Path.of("/config"), relativePath); // validate early
            configFiles.put(relativePath, content.clone());
            return this;
        }

        /** Where the cluster folders go (default {@code java.io.tmpdir}); the node user must be able to reach it. */
        public Builder baseDir(Path dir) {
            this.baseDir = Objects.requireNonNull(dir, "baseDir");
            return this;
        }

        /** The user nodes run as when this JVM is root (default {@code rimirec-node}, created if missing). */
        public Builder nodeUser(String user) {
            this.nodeUser = Objects.requireNonNull(user, "nodeUser");
            return this;
        }

        /** The Java the nodes run on (default: this JVM's when it is 21+, else the newest one found). */
        public Builder javaHome(Path home) {
            this.javaHome = home;
            return this;
        }

        public Builder clusterName(String name) {
            if (name == null || !name.matches("[a-z0-9][a-z0-9_-]*")) {
                throw new IllegalArgumentException("cluster name must be lower case letters, digits, - and _, got '"
                    + name + "'");
            }
            this.clusterName = name;
            return this;
        }

        /**
         * Lean JVM flags for tests and demos (default on): the C1 JIT only, so nodes start with about half the CPU,
         * and no heap pre-touch, so they hold less memory. Hot code runs slower: benchmarks that measure query speed
         * must turn this off to get the distribution's own flags.
         */
        public Builder fastStartup(boolean fast) {
            this.fastStartup = fast;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "startTimeout");
            return this;
        }

        /** How long a node may take to stop after SIGTERM before it is killed. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout, "stopTimeout");
            return this;
        }

        /** Where progress lines go (default: stderr). */
        public Builder log(Consumer<String> log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * Starts the nodes and returns once the cluster is green or yellow with every node in it; on failure
         * everything started is stopped and removed again, and the exception carries the nodes' log tails.
         */
        public LocalCluster start() throws IOException {
            if (distribution == null) {
                throw new IllegalStateException("no distribution zip: call withDefaultZips() or distribution(...)");
            }
            for (Path p : concat(List.of(distribution), plugins)) {
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("no such zip: " + p.toAbsolutePath());
                }
            }
            Path java = javaHome != null ? JavaHomes.check(javaHome) : JavaHomes.find();
            NodeUser user = NodeUser.forNodes(nodeUser, log);
            Session session = Session.under(baseDir, log);
            user.checkCanReach(session.dir());
            Path template = session.template(distribution, plugins, java, log);
            String name = clusterName != null ? clusterName
                : "rimirec-local-" + String.format(Locale.ROOT, "%06x", ThreadLocalRandom.current().nextInt(1 << 24));
            Path dir = session.newClusterDir(name);
            log.accept("starting " + nodes + " node" + (nodes == 1 ? "" : "s") + " of cluster " + name + " (heap "
                + heap + ", Java " + JavaHomes.majorVersion(java).orElse(0) + ", as user " + user.name() + ") in " + dir);
            LocalCluster cluster = new LocalCluster(this, name, dir, user);
            try {
                cluster.startNodes(template, java, session);
                LIVE.add(cluster);
                return cluster;
            } catch (IOException | RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }

        private static String requireKey(String key) {
            if (key == null || !key.matches("[A-Za-z0-9_.\\-\\[\\]]+")) {
                throw new IllegalArgumentException("setting key must be a dotted OpenSearch setting name, got '" + key
                    + "'");
            }
            return key;
        }

        private static List<Path> concat(List<Path> a, List<Path> b) {
            return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
        }
    }
}
