package io.rimirec.tools.cli;

import io.rimirec.tools.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rimirec cluster ...}: local OpenSearch clusters with k-NN and rimirec installed. */
@Command(
    name = "cluster",
    description = "Run a local OpenSearch cluster with the k-NN and rimirec plugins installed.",
    mixinStandardHelpOptions = true,
    subcommands = {ClusterCommand.Start.class}
)
public final class ClusterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Start OpenSearch nodes on 127.0.0.1 with k-NN and rimirec, print their URLs and keep them running until "
                + "Ctrl-C; then stop them and delete their folders.",
            "Uses the zips the build leaves in model-tools/target/opensearch/ (run ./mvnw -q package -DskipTests first)."
        }
    )
    static final class Start implements Callable<Integer> {

        @Option(names = "--nodes", defaultValue = "1", description = "1, or 3 and more for a real cluster (default: ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--heap", defaultValue = "512m", description = "Heap per node (default: ${DEFAULT-VALUE}).")
        String heap;

        @Option(names = {"-E", "--setting"}, paramLabel = "KEY=VALUE", description = "Extra node setting, e.g. -E search.max_buckets=20000.")
        Map<String, String> settings = new LinkedHashMap<>();

        @Mixin

        OpenSearchDirOption opensearch;

        @Option(names = "--base-dir", paramLabel = "DIR", description = "Where node folders go (default: the temp dir).")
        Path baseDir;

        @Option(names = "--fast-startup", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "C1 JIT only: starts in about half the CPU time, runs hot code slower; turn off for benchmarks (default: ${DEFAULT-VALUE}).")
        boolean fastStartup;

        /** Restarts of one node before it is left stopped (a node that keeps dying has a reason the log shows). */
        static final int MAX_RESTARTS = 3;

        @Override
        public Integer call() throws Exception {
            LocalCluster.Builder b = LocalCluster.builder()
                .zips(opensearch.zips())
                .nodes(nodes)
                .heap(heap)
                .fastStartup(fastStartup);
            if (baseDir != null) {
                b.baseDir(baseDir);
            }
            settings.forEach(b::setting);
            // The cluster's own shutdown hook stops it on Ctrl-C; the loop below only watches for dying nodes.
            try (LocalCluster cluster = b.start()) {
                System.out.println("OpenSearch cluster '" + cluster.clusterName() + "' is up with " + nodes + " node"
                    + (nodes == 1 ? "" : "s") + " (k-NN and rimirec installed):");
                for (LocalCluster.Node n : cluster.nodes()) {
                    System.out.println("  " + n.name() + "  " + n.httpUri() + "   config: " + n.configDir());
                }
                System.out.println("Try: curl " + cluster.httpUris().get(0) + "/_cat/plugins");
                System.out.println("Press Ctrl-C to stop it; its folders are deleted then.");
                System.out.flush();
                // A node that dies is reported and restarted; the others keep serving meanwhile.
                return cluster.supervise(System.err::println, MAX_RESTARTS);
            }
        }
    }
}
