package io.rimirec.tools.cli;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.tools.bundle.BundlePacker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rimirec model pack}: tree (+ model parts) in, verified bundle zip out. */
@Command(name = "pack", mixinStandardHelpOptions = true,
    description = "Pack a circle tree and its model parts into a bundle zip that the plugin accepts (docs/formats.md).")
public final class ModelPackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tree", required = true, paramLabel = "<tree.rtree>", description = "The circle tree.")
    Path tree;

    @Option(names = "--generator", paramLabel = "<dir>", description = "Interest generator artifact directory (generator.json + ONNX files).")
    Path generator;

    @Option(names = "--user-tower", paramLabel = "<dir>", description = "User tower artifact directory.")
    Path userTower;

    @Option(names = "--interest-model", paramLabel = "<dir>", description = "HyMiRec interest model directory (interest_model.json + ONNX graph, "
        + "docs/formats.md): serves \"strategy\": \"hymirec\". A model that reads the long history through a codebook needs --codebook too.")
    Path interestModel;

    @Option(names = "--codebook", paramLabel = "<codebook.rcodebook>", description = "Residual codebook (rimirec codebook train): items get codes at ingest.")
    Path codebook;

    @Option(names = "--name", defaultValue = "", description = "A name for people (the cluster id is chosen at upload).")
    String name;

    @Option(names = "--description", defaultValue = "", description = "Free text shown by GET /_plugins/rimirec/models/{id}.")
    String description;

    @Option(names = "--vector-field", defaultValue = "item_vector", description = "Item index field holding the item vector (default: ${DEFAULT-VALUE}).")
    String vectorField;

    @Option(names = "--circles-field", defaultValue = "circles", description = "Keyword field holding every circle prefix (default: ${DEFAULT-VALUE}).")
    String circlesField;

    @Option(names = "--leaf-field", defaultValue = "circle_leaf", description = "Keyword field holding the leaf circle (default: ${DEFAULT-VALUE}).")
    String leafField;

    @Option(names = "--tree-field", defaultValue = "circle_tree",
        description = "Keyword field holding the stamp of the tree each item was stamped with (default: ${DEFAULT-VALUE}).")
    String treeField;

    @Option(names = "--output", required = true, paramLabel = "<bundle.zip>", description = "Where to write the bundle.")
    Path output;

    @Override
    public Integer call() throws IOException {
        CliSupport.existingFile(spec, "--tree", tree);
        BundlePacker packer = BundlePacker.ofTreeFile(tree)
            .generator(generator)
            .userTower(userTower)
            .codebook(codebook)
            .interestModel(interestModel)
            .name(name)
            .description(description)
            .fields(new BundleManifest.Fields(vectorField, circlesField, leafField, treeField));
        byte[] zip = packer.pack();
        ModelBundle verified = BundleArchive.read(zip, Long.MAX_VALUE);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(output, zip);
        CircleTree t = packer.tree();
        spec.commandLine().getOut().printf("wrote %s: %d bytes, %d files, parts %s, tree %s (%d leaves, dimension %d, %s)%n",
            output, zip.length, verified.manifest().files().size(), verified.manifest().parts().keySet(), t.contentHash().substring(0, 12),
            t.leafCount(), t.dimension(), t.metric().id());
        return 0;
    }
}
