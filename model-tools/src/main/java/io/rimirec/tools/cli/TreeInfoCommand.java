package io.rimirec.tools.cli;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.core.tree.TreeSummary;
import io.rimirec.tools.data.VectorJsonlReader;
import io.rimirec.tools.data.VectorSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rimirec tree info}: header and summary of a {@code .rtree} file. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Print a circle tree's header and summary. With --input, also how well the items fit their leaves."
)
public final class TreeInfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<tree.rtree>", description = "The tree file.")
    Path treeFile;

    @Option(names = "--input", paramLabel = "<items.jsonl>",
        description = "Item vectors to measure the tree with (mean leaf cosine, silhouette); each is placed by descent.")
    Path input;

    @Option(names = "--summary-sample", defaultValue = "2000", description = "Items sampled for the silhouette score (default: ${DEFAULT-VALUE}).")
    int summarySample;

    @Option(names = "--seed", description = "Seed of the silhouette sample (default: the tree's seed, as `tree build` uses).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        CliSupport.existingFile(spec, "tree", treeFile);
        CliSupport.atLeast(spec, "--summary-sample", summarySample, 0);
        if (input != null) {
            CliSupport.existingFile(spec, "--input", input);
        }
        CircleTree tree = TreeFormat.read(treeFile);
        TreeSummary summary;
        if (input == null) {
            summary = TreeSummary.of(tree);
        } else {
            VectorSet items = VectorJsonlReader.readAll(input);
            if (items.size() == 0) {
                throw new IllegalArgumentException("--input file [" + input + "] holds no items");
            }
            if (items.dimension() != tree.dimension()) {
                throw new IllegalArgumentException("--input vectors have dimension " + items.dimension()
                    + " but the tree expects " + tree.dimension());
            }
            summary = TreeSummary.of(tree, items.vectors(), summarySample, seed == null ? tree.seed() : seed);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "circle tree %s (%,d bytes)%n", treeFile, Files.size(treeFile));
        out.print(TreeReport.header(tree));
        out.println(summary.format());
        out.flush();
        return 0;
    }
}
