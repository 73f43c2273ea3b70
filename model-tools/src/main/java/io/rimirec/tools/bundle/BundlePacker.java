package io.rimirec.tools.bundle;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.recall.ModelParts;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.tools.util.MoreFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Packs a circle tree and optional model parts into a bundle zip, then reads it back with the checks the plugin runs on
 * upload, so a bundle that packs is a bundle the cluster accepts. Used by {@code rimirec model pack}, the demo and tests.
 */
public final class BundlePacker {

    private final CircleTree tree;
    private final byte[] treeBytes;
    private Path generator;
    private Path userTower;
    private Path codebook;
    private Path interestModel;
    private String name = "";
    private String description = "";
    private BundleManifest.Fields fields = BundleManifest.Fields.DEFAULT;
    private BundleManifest.Serving serving = BundleManifest.Serving.NONE;

    private BundlePacker(CircleTree tree, byte[] treeBytes) {
        this.tree = tree;
        this.treeBytes = treeBytes;
    }

    /** Starts from a {@code .rtree} file. */
    public static BundlePacker ofTreeFile(Path treeFile) throws IOException {
        return new BundlePacker(TreeFormat.read(treeFile), Files.readAllBytes(treeFile));
    }

    /** Starts from a tree in memory. */
    public static BundlePacker ofTree(CircleTree tree) throws IOException {
        Path tmp = Files.createTempFile("rimirec-tree", ".rtree");
        try {
            TreeFormat.write(tree, tmp);
            return new BundlePacker(tree, Files.readAllBytes(tmp));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public CircleTree tree() {
        return tree;
    }

    /** The interest generator artifact directory (generator.json + ONNX files); null for none. */
    public BundlePacker generator(Path dir) {
        this.generator = dir;
        return this;
    }

    /** The user tower artifact directory; null for none. */
    public BundlePacker userTower(Path dir) {
        this.userTower = dir;
        return this;
    }

    /** The HyMiRec interest model artifact directory (interest_model.json + ONNX graph); null for none. */
    public BundlePacker interestModel(Path dir) {
        this.interestModel = dir;
        return this;
    }

    /** The residual codebook file ({@code .rcodebook}); null for none. */
    public BundlePacker codebook(Path file) {
        this.codebook = file;
        return this;
    }

    public BundlePacker name(String name) {
        this.name = name == null ? "" : name;
        return this;
    }

    public BundlePacker description(String description) {
        this.description = description == null ? "" : description;
        return this;
    }

    /** Item index fields the bundle's processor and query use. */
    public BundlePacker fields(BundleManifest.Fields fields) {
        this.fields = fields;
        return this;
    }

    /** How a query serves the model when it does not say (strategy, beams, history split); NONE = the query's defaults. */
    public BundlePacker serving(BundleManifest.Serving serving) {
        this.serving = serving;
        return this;
    }

    /** The verified bundle zip. */
    public byte[] pack() throws IOException {
        Path staging = Files.createTempDirectory("rimirec-bundle");
        try {
            Map<String, String> parts = new LinkedHashMap<>();
            Files.write(staging.resolve("tree.rtree"), treeBytes);
            parts.put(BundleManifest.PART_TREE, "tree.rtree");
            if (generator != null) {
                copyDir(generator, staging.resolve(BundleManifest.PART_GENERATOR), "generator");
                parts.put(BundleManifest.PART_GENERATOR, BundleManifest.PART_GENERATOR);
            }
            if (userTower != null) {
                copyDir(userTower, staging.resolve(BundleManifest.PART_USER_TOWER), "user tower");
                parts.put(BundleManifest.PART_USER_TOWER, BundleManifest.PART_USER_TOWER);
            }
            if (interestModel != null) {
                copyDir(interestModel, staging.resolve(BundleManifest.PART_INTEREST_MODEL), "interest model");
                parts.put(BundleManifest.PART_INTEREST_MODEL, BundleManifest.PART_INTEREST_MODEL);
            }
            if (codebook != null) {
                if (!Files.isRegularFile(codebook)) {
                    throw new IllegalArgumentException("codebook [" + codebook + "] is not a file");
                }
                Files.copy(codebook, staging.resolve("codebook.rcodebook"));
                parts.put(BundleManifest.PART_CODEBOOK, "codebook.rcodebook");
            }
            BundleManifest manifest = new BundleManifest(name, description, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                "rimirec " + version(), tree.dimension(), tree.metric(), fields, tree.contentHash(), parts, List.of(), serving);
            byte[] zip = BundleArchive.pack(staging, manifest);
            ModelBundle verified = BundleArchive.read(zip, Long.MAX_VALUE); // the same checks the plugin runs on upload
            checkParts(verified);
            return zip;
        } finally {
            MoreFiles.deleteRecursively(staging);
        }
    }

    /**
     * Opens the generator and the user tower from the packed bundle the way the plugin will (tree hash, manifest,
     * dimensions, ONNX graphs), so a part trained on another tree, of the wrong dimension or with a corrupt ONNX file
     * fails here rather than at upload or query time.
     */
    private void checkParts(ModelBundle bundle) {
        try {
            ModelParts.check(bundle, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)));
        } catch (IllegalArgumentException e) {
            String which = e.getMessage().startsWith("part [" + BundleManifest.PART_USER_TOWER) ? "user tower [" + userTower + "]"
                : e.getMessage().startsWith("part [" + BundleManifest.PART_INTEREST_MODEL) ? "interest model [" + interestModel + "]"
                : "generator [" + generator + "]";
            throw new IllegalArgumentException(which + " cannot be used with this tree: " + e.getMessage(), e);
        }
    }

    /** The tools' version from the jar manifest, or "dev" when run from classes. */
    /**
     * The same bundle under another name: the same tree and parts, another content hash, so the model store takes it
     * as a new version (the benchmarks upload versions this way).
     */
    public static byte[] renamed(byte[] zip, String suffix) throws IOException {
        ModelBundle bundle = BundleArchive.read(zip, Long.MAX_VALUE);
        Path dir = Files.createTempDirectory("rimirec-renamed-bundle");
        try {
            BundleArchive.extract(bundle, dir);
            Files.delete(dir.resolve(BundleManifest.FILE_NAME));
            BundleManifest m = bundle.manifest();
            return BundleArchive.pack(dir, new BundleManifest(m.name() + " " + suffix, m.description(), m.createdAt(), m.createdBy(),
                m.dimension(), m.metric(), m.fields(), m.treeHash(), m.parts(), List.of(), m.serving()));
        } finally {
            MoreFiles.deleteRecursively(dir);
        }
    }

    public static String version() {
        String v = BundlePacker.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static void copyDir(Path from, Path to, String what) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IllegalArgumentException(what + " [" + from + "] is not a directory");
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
}
