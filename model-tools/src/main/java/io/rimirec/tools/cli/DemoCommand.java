package io.rimirec.tools.cli;

import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.demo.Demo;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.opensearch.JsonHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rimirec demo}: the whole flow on a local node and the built-in synthetic catalogue. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
    "Start a local OpenSearch node with k-NN and rimirec, generate the built-in synthetic catalogue (planted topics and "
        + "sub-topics) and users, build the circle tree, train the interest generator, upload both as model 'demo', install "
        + "index-templates/, index the catalogue through the rimirec-items pipeline, and answer two new users with a plain "
        + "k-NN query and with the rimirec query. The node is stopped and deleted at the end unless --keep-running."})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--items", defaultValue = "20000", description = "Catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--leaf-capacity", defaultValue = "500", description = "Tree leaf capacity c (default: ${DEFAULT-VALUE}).")
    int leafCapacity;

    @Option(names = "--users", defaultValue = "2000", description = "Synthetic users the generator trains on (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--epochs", defaultValue = "4", description = "Generator training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--nodes", defaultValue = "1", description = "Nodes of the local cluster (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--keep-running", description = "Leave the node running after the demo, until Ctrl-C.")
    boolean keepRunning;

    @Mixin

    OpenSearchDirOption opensearch;

    @Option(names = "--no-progress", description = "Do not show progress on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--items", items, 100);
        CliSupport.atLeast(spec, "--leaf-capacity", leafCapacity, 1);
        CliSupport.atLeast(spec, "--nodes", nodes, 1);
        CliSupport.atLeast(spec, "--users", users, 50);
        CliSupport.atLeast(spec, "--epochs", epochs, 1);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalCluster.Builder builder = LocalCluster.builder()
            .zips(opensearch.zips())
            .nodes(nodes);
        try (LocalCluster cluster = builder.start()) {
            JsonHttp http = new JsonHttp(cluster.restClient());
            Demo.Options options = Demo.Options.defaults().withItems(items).withLeafCapacity(leafCapacity)
                .withTraining(users, epochs);
            Demo.Report report = new Demo(http, options, err, noProgress ? ProgressListener.NONE
                : ProgressBar.on(err)).run();
            Demo.print(report, out);
            if (keepRunning) {
                out.println();
                out.println("The node keeps running: " + String.join(" ", cluster.httpUris()) + "  (index [" + options.index()
                    + "], model [" + options.modelId() + "]). Press Ctrl-C to stop it.");
                out.flush();
                if (cluster.supervise(line -> {
                    err.println(line);
                    err.flush();
                }, ClusterCommand.Start.MAX_RESTARTS) != 0) {
                    return 1;
                }
            }
            return report.failures().isEmpty() ? 0 : 1;
        }
    }
}
