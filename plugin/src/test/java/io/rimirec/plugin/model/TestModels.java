package io.rimirec.plugin.model;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Real bundles built from small trees, and a provider that serves them from a map (what the cache does after a load). */
public final class TestModels {

    private TestModels() {}

    public static byte[] bundleZip(CircleTree tree, Path workDir) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve("bundle-" + tree.contentHash().substring(0, 8)));
        TreeFormat.write(tree, dir.resolve("tree.rtree"));
        BundleManifest m = new BundleManifest("test", "", "", "test", tree.dimension(), tree.metric(), BundleManifest.Fields.DEFAULT,
            tree.contentHash(), Map.of(BundleManifest.PART_TREE, "tree.rtree"), List.of());
        return BundleArchive.pack(dir, m);
    }

    /** A bundle with a tree and a residual codebook of the same dimension. */
    public static LoadedModel loaded(String id, CircleTree tree, Codebook codebook, Path workDir) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve("bundle-" + codebook.contentHash().substring(0, 8)));
        TreeFormat.write(tree, dir.resolve("tree.rtree"));
        CodebookFormat.write(codebook, dir.resolve("codebook.rcodebook"));
        BundleManifest m = new BundleManifest("test", "", "", "test", tree.dimension(), tree.metric(), BundleManifest.Fields.DEFAULT,
            tree.contentHash(), Map.of(BundleManifest.PART_TREE, "tree.rtree", BundleManifest.PART_CODEBOOK, "codebook.rcodebook"), List.of());
        byte[] zip = BundleArchive.pack(dir, m);
        return new LoadedModel(id, BundleArchive.sha256(zip), BundleArchive.read(zip, 1 << 24), System.nanoTime());
    }

    public static LoadedModel loaded(String id, CircleTree tree, Path workDir) throws IOException {
        byte[] zip = bundleZip(tree, workDir);
        ModelBundle bundle = BundleArchive.read(zip, 1 << 24);
        return new LoadedModel(id, BundleArchive.sha256(zip), bundle, System.nanoTime());
    }

    public static ModelProvider provider(Map<String, LoadedModel> models) {
        return (id, listener) -> {
            LoadedModel m = models.get(id);
            if (m == null) {
                listener.onFailure(new UnknownModelException("unknown model [{}]", id));
            } else {
                listener.onResponse(m);
            }
        };
    }

}
