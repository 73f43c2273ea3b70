package io.rimirec.tools.cli;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.core.tree.TreeSummary;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.data.VectorJsonlReader;
import io.rimirec.tools.data.VectorSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rimirec tree build}: item vectors in, {@code .rtree} out, summary printed. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = "Build a circle tree from item vectors by hierarchical k-means (HimiRec Algorithm 1): "
        + "split all items into k clusters, then split again every cluster with more than c items."
)
public final class TreeBuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "<items.jsonl>",
        description = "Item vectors, one JSON object per line: {\"id\": \"...\", \"vector\": [...]}.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "<tree.rtree>", description = "Where to write the tree.")
    Path output;

    @Option(names = "--k", defaultValue = "8", description = "Clusters per split, >= 2 (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--c", defaultValue = "1000", description = "Leaf capacity: a cluster with more items is split again, >= 1 (default: ${DEFAULT-VALUE}).")
    int c;

    @Option(names = "--metric", defaultValue = "cosine", converter = CliSupport.MetricConverter.class,
        description = "cosine, inner_product or l2 (default: ${DEFAULT-VALUE}).")
    Metric metric;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed gives the same tree (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--balance-ratio", defaultValue = "0", paramLabel = "<R>",
        description = "0 for plain k-means, or the largest allowed size ratio between sibling clusters (>= 1, best effort).")
    float balanceRatio;

    @Option(names = "--threads", paramLabel = "<N>", description = "Worker threads (default: available cores). The tree does not depend on it.")
    Integer threads;

    @Option(names = "--max-iterations", defaultValue = "25", description = "Lloyd iterations per split at most (default: ${DEFAULT-VALUE}).")
    int maxIterations;

    @Option(names = "--summary-sample", defaultValue = "2000", description = "Items sampled for the silhouette score; 0 skips it (default: ${DEFAULT-VALUE}).")
    int summarySample;

    @Option(names = "--no-progress", description = "Do not show progress on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--k", k, 2);
        CliSupport.atLeast(spec, "--c", c, 1);
        CliSupport.atLeast(spec, "--max-iterations", maxIterations, 1);
        CliSupport.atLeast(spec, "--summary-sample", summarySample, 0);
        CliSupport.balanceRatio(spec, balanceRatio);
        int workers = CliSupport.threads(spec, threads);
        CliSupport.existingFile(spec, "--input", input);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        long t0 = System.nanoTime();
        VectorSet items = VectorJsonlReader.readAll(input);
        if (items.size() == 0) {
            throw new IllegalArgumentException("--input file [" + input + "] holds no items");
        }
        err.printf(Locale.ROOT, "read %,d items of dimension %d from %s in %s%n", items.size(), items.dimension(), input,
            CliSupport.seconds(System.nanoTime() - t0));
        err.flush();

        TreeOptions options = new TreeOptions(metric, k, c, balanceRatio, seed, workers, maxIterations);
        HierarchicalKMeans builder = new HierarchicalKMeans(options)
            .info("source", input.getFileName().toString())
            .info("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ProgressListener progress = noProgress ? ProgressListener.NONE : ProgressBar.on(err);
        long t1 = System.nanoTime();
        HierarchicalKMeans.Result result = builder.fit(items.vectors(), progress);
        long buildNanos = System.nanoTime() - t1;
        CircleTree tree = result.tree();
        TreeFormat.write(tree, output);
        err.printf(Locale.ROOT, "built in %s, wrote %s%n", CliSupport.seconds(buildNanos), output);
        err.flush();

        TreeSummary summary = TreeSummary.of(tree, items.vectors(), result.leafNode(), summarySample, seed);
        out.println("circle tree " + output);
        out.print(TreeReport.header(tree));
        out.println(summary.format());
        out.flush();
        return 0;
    }
}
