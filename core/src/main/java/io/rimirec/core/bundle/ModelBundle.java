package io.rimirec.core.bundle;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An unpacked, verified model bundle: its manifest, its circle tree (always loaded: the ingest processor needs
 * it), and the directory holding the model parts, which their own loaders open on demand.
 */
public final class ModelBundle {

    private final Path dir;
    private final BundleManifest manifest;
    private final CircleTree tree;

    private ModelBundle(Path dir, BundleManifest manifest, CircleTree tree) {
        this.dir = dir;
        this.manifest = manifest;
        this.tree = tree;
    }

    /** Opens a bundle directory (as {@link BundleArchive#unpack} leaves it) and checks its parts agree. */
    public static ModelBundle open(Path dir) throws IOException {
        BundleManifest manifest;
        try {
            manifest = BundleManifest.parse(Files.readAllBytes(dir.resolve(BundleManifest.FILE_NAME)));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BundleArchive.InvalidBundleException("no " + BundleManifest.FILE_NAME + " in [" + dir + "]");
        }
        CircleTree tree;
        try {
            tree = TreeFormat.read(dir.resolve(manifest.part(BundleManifest.PART_TREE)));
        } catch (IOException e) {
            throw new BundleArchive.InvalidBundleException("part [tree]: " + e.getMessage(), e);
        }
        if (!tree.contentHash().equals(manifest.treeHash())) {
            throw new BundleArchive.InvalidBundleException(
                BundleManifest.FILE_NAME + " says tree_hash " + manifest.treeHash() + " but the tree file's content hash is " + tree.contentHash()
            );
        }
        if (tree.dimension() != manifest.dimension()) {
            throw new BundleArchive.InvalidBundleException(
                BundleManifest.FILE_NAME + " says dimension " + manifest.dimension() + " but the tree has dimension " + tree.dimension()
            );
        }
        if (tree.metric() != manifest.metric()) {
            throw new BundleArchive.InvalidBundleException(
                BundleManifest.FILE_NAME + " says metric " + manifest.metric().id() + " but the tree was built with " + tree.metric().id()
            );
        }
        return new ModelBundle(dir, manifest, tree);
    }

    public Path dir() {
        return dir;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public CircleTree tree() {
        return tree;
    }

    /** The directory or file of a part inside the bundle. */
    public Path partPath(String part) {
        return dir.resolve(manifest.part(part));
    }
}
