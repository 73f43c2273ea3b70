package io.rimirec.plugin.model;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Reads trees from the node's config directory: {@code <config>/rimirec/models/<model>/tree.rtree}.
 *
 * <p>Loaded trees are cached. A file that changes on disk (new size or modification time) is reloaded, checked at
 * most once per {@link #RECHECK_NANOS} per model so that per-document lookups cost no system call.
 */
public final class ConfigDirCircleTreeSource implements CircleTreeSource {

    public static final String MODELS_DIR = "rimirec/models";
    public static final String TREE_FILE = "tree" + TreeFormat.FILE_EXTENSION;
    static final long RECHECK_NANOS = 1_000_000_000L;

    private final Path modelsDir;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public ConfigDirCircleTreeSource(Path configDir) {
        this(configDir, System::nanoTime);
    }

    ConfigDirCircleTreeSource(Path configDir, LongSupplier nanoClock) {
        this.modelsDir = configDir.resolve(MODELS_DIR);
        this.nanoClock = nanoClock;
    }

    public Path treeFile(String modelId) {
        return modelsDir.resolve(ModelIds.validate(modelId)).resolve(TREE_FILE);
    }

    @Override
    public CircleTree tree(String modelId) {
        long now = nanoClock.getAsLong();
        Entry cached = cache.get(modelId);
        if (cached != null && now - cached.checkedAt < RECHECK_NANOS) {
            return cached.tree;
        }
        Path file = treeFile(modelId);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            cache.remove(modelId);
            throw new UnknownModelException("unknown model [{}]: no circle tree at [{}]", modelId, file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the circle tree of model [" + modelId + "] at [" + file + "]: " + e.getMessage(), e);
        }
        long stamp = attrs.lastModifiedTime().toMillis() * 31 + attrs.size();
        if (cached != null && cached.stamp == stamp) {
            cache.put(modelId, new Entry(cached.tree, stamp, now));
            return cached.tree;
        }
        try {
            CircleTree tree = TreeFormat.read(file);
            cache.put(modelId, new Entry(tree, stamp, now));
            return tree;
        } catch (IOException e) {
            throw new IllegalStateException("cannot load the circle tree of model [" + modelId + "]: " + e.getMessage(), e);
        }
    }

    private record Entry(CircleTree tree, long stamp, long checkedAt) {}
}
