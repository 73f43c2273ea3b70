package io.rimirec.tools.cli;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

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

    @Option(names = "--output", required = true, paramLabel = "<bundle.zip>", description = "Where to write the bundle.")
    Path output;

    @Override
    public Integer call() throws IOException {
        CliSupport.existingFile(spec, "--tree", tree);
        CircleTree t = TreeFormat.read(tree);
        Path staging = Files.createTempDirectory("rimirec-bundle");
        try {
            Map<String, String> parts = new LinkedHashMap<>();
            Files.copy(tree, staging.resolve("tree.rtree"));
            parts.put(BundleManifest.PART_TREE, "tree.rtree");
            if (generator != null) {
                copyDir(generator, staging.resolve(BundleManifest.PART_GENERATOR), "--generator");
                parts.put(BundleManifest.PART_GENERATOR, BundleManifest.PART_GENERATOR);
            }
            if (userTower != null) {
                copyDir(userTower, staging.resolve(BundleManifest.PART_USER_TOWER), "--user-tower");
                parts.put(BundleManifest.PART_USER_TOWER, BundleManifest.PART_USER_TOWER);
            }
            BundleManifest manifest = new BundleManifest(name, description, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                "rimirec " + versionOrDev(), t.dimension(), t.metric(), new BundleManifest.Fields(vectorField, circlesField, leafField),
                t.contentHash(), parts, List.of());
            byte[] zip = BundleArchive.pack(staging, manifest);
            ModelBundle verified = BundleArchive.read(zip, Long.MAX_VALUE); // the same checks the plugin runs on upload
            if (verified.hasPart(BundleManifest.PART_GENERATOR)) {
                checkGenerator(verified);
            }
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(output, zip);
            spec.commandLine().getOut().printf("wrote %s: %d bytes, %d files, parts %s, tree %s (%d leaves, dimension %d, %s)%n",
                output, zip.length, verified.manifest().files().size(), parts.keySet(), t.contentHash().substring(0, 12), t.leafCount(),
                t.dimension(), t.metric().id());
            return 0;
        } finally {
            deleteRecursively(staging);
        }
    }

    /**
     * Opens the generator from the packed bundle the way the plugin will (tree hash, manifest, both ONNX graphs),
     * so a generator trained on another tree or a corrupt ONNX file fails here rather than at query time.
     */
    private void checkGenerator(ModelBundle bundle) throws IOException {
        try (InterestGenerator g = InterestGenerator.load(bundle, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            // opened and checked: nothing else to do
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--generator [" + generator + "] cannot be used with --tree [" + tree + "]: " + e.getMessage(), e);
        }
    }

    private void copyDir(Path from, Path to, String option) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IllegalArgumentException(option + " [" + from + "] is not a directory");
        }
        try (Stream<Path> walk = Files.walk(from)) {
            walk.forEach(p -> {
                try {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String versionOrDev() {
        String v = ModelPackCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
