package io.rimirec.plugin.model;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.plugin.settings.RimirecSettings;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.threadpool.ThreadPool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * This node's loaded models, keyed by id, least recently used dropped beyond {@code max_models}.
 *
 * <ul>
 *   <li>A miss loads the model from the {@link ModelStore} once, however many requests wait for it.</li>
 *   <li>{@link #invalidate} (called on every node when a model is updated or deleted) drops the entry and makes any
 *       load that started before it discard its result, so a stale version never re-enters the cache.</li>
 *   <li>A hit older than the revalidation interval is served and re-checked against the store in the background,
 *       which catches an eviction this node missed.</li>
 *   <li>Dropped models are closed at once: their ONNX sessions close when the last request running them finishes
 *       ({@link LoadedModel}), so requests still using them finish undisturbed and no version outlives its use.</li>
 * </ul>
 */
public final class ModelCache implements ModelProvider {

    private static final Logger logger = LogManager.getLogger(ModelCache.class);

    private final ModelStore store;
    private final ThreadPool threadPool;
    private final String executor;
    private final LongSupplier nanoClock;
    private volatile int maxModels;
    private volatile long maxBundleBytes;
    private volatile long revalidateNanos;

    private final LinkedHashMap<String, LoadedModel> models = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, List<ActionListener<LoadedModel>>> loading = new HashMap<>();
    private final Map<String, Long> generations = new HashMap<>();
    private final Map<String, Boolean> revalidating = new HashMap<>();

    public ModelCache(ModelStore store, ThreadPool threadPool, String executor, int maxModels, long maxBundleBytes, TimeValue revalidate) {
        this.store = store;
        this.threadPool = threadPool;
        this.executor = executor;
        this.nanoClock = System::nanoTime;
        setMaxModels(maxModels);
        setMaxBundleBytes(maxBundleBytes);
        setRevalidateInterval(revalidate);
    }

    public void setMaxModels(int maxModels) {
        this.maxModels = maxModels;
        List<LoadedModel> dropped;
        synchronized (this) {
            dropped = evictOverflow();
        }
        dropped.forEach(LoadedModel::close);
    }

    public void setMaxBundleBytes(long bytes) {
        this.maxBundleBytes = bytes;
    }

    public void setRevalidateInterval(TimeValue interval) {
        this.revalidateNanos = interval.nanos();
    }

    /**
     * The largest bundle (unpacked) this node reads: the setting, but never more than an eighth of the heap. Reading a
     * bundle holds the zip, its files and, while checking, copies of them; a limit above the heap took a 512 MB node
     * down with one 255 KB upload.
     */
    public long maxBundleBytes() {
        return Math.min(maxBundleBytes, Runtime.getRuntime().maxMemory() / 8);
    }

    /** Where {@link #maxBundleBytes()} comes from, for error messages. */
    public String bundleLimitName() {
        return maxBundleBytes() < maxBundleBytes
            ? "an eighth of this node's heap, below [" + RimirecSettings.MAX_BUNDLE_SIZE.getKey() + "]"
            : "[" + RimirecSettings.MAX_BUNDLE_SIZE.getKey() + "]";
    }

    @Override
    public void getModel(String modelId, ActionListener<LoadedModel> listener) {
        try {
            ModelIds.validate(modelId);
        } catch (IllegalArgumentException e) {
            listener.onFailure(e);
            return;
        }
        LoadedModel hit;
        long generation;
        boolean startLoad = false;
        synchronized (this) {
            hit = models.get(modelId);
            if (hit == null) {
                List<ActionListener<LoadedModel>> waiting = loading.get(modelId);
                if (waiting == null) {
                    waiting = new ArrayList<>();
                    loading.put(modelId, waiting);
                    startLoad = true;
                }
                waiting.add(listener);
            }
            generation = generations.getOrDefault(modelId, 0L);
        }
        if (hit != null) {
            maybeRevalidate(hit);
            listener.onResponse(hit);
        } else if (startLoad) {
            load(modelId, generation);
        }
    }

    private void load(String modelId, long generation) {
        store.getMeta(modelId, ActionListener.wrap(meta -> {
            if (meta == null) {
                finishLoad(modelId, generation, null, new UnknownModelException(
                    "unknown model [{}]: upload it with PUT /_plugins/rimirec/models/{}", modelId, modelId));
                return;
            }
            store.readBundle(meta, ActionListener.wrap(bytes -> threadPool.executor(executor).execute(() -> {
                try {
                    ModelBundle bundle = BundleArchive.read(bytes, maxBundleBytes(), bundleLimitName());
                    finishLoad(modelId, generation, new LoadedModel(modelId, meta.hash(), bundle, nanoClock.getAsLong()), null);
                } catch (Exception e) {
                    finishLoad(modelId, generation, null, new IllegalStateException("model [" + modelId + "] cannot be loaded: " + e.getMessage(), e));
                }
            }), e -> finishLoad(modelId, generation, null, e)));
        }, e -> finishLoad(modelId, generation, null, e)));
    }

    private void finishLoad(String modelId, long generation, LoadedModel model, Exception failure) {
        List<ActionListener<LoadedModel>> waiting;
        List<LoadedModel> dropped = List.of();
        boolean stale;
        synchronized (this) {
            waiting = loading.remove(modelId);
            stale = generations.getOrDefault(modelId, 0L) != generation;
            if (model != null && !stale) {
                models.put(modelId, model);
                dropped = evictOverflow();
            }
        }
        dropped.forEach(LoadedModel::close);
        if (waiting == null) {
            return;
        }
        if (model != null && stale) {
            // Invalidated while loading: what we read may already be outdated. Load again for the waiters.
            model.close();
            for (ActionListener<LoadedModel> l : waiting) {
                getModel(modelId, l);
            }
            return;
        }
        for (ActionListener<LoadedModel> l : waiting) {
            if (model != null) {
                l.onResponse(model);
            } else {
                l.onFailure(failure);
            }
        }
    }

    private void maybeRevalidate(LoadedModel model) {
        long now = nanoClock.getAsLong();
        if (now - model.validatedAtNanos() < revalidateNanos) {
            return;
        }
        synchronized (this) {
            if (revalidating.putIfAbsent(model.id(), Boolean.TRUE) != null) {
                return;
            }
        }
        store.getMeta(model.id(), ActionListener.wrap(meta -> {
            synchronized (this) {
                revalidating.remove(model.id());
            }
            if (meta == null || !meta.hash().equals(model.hash())) {
                logger.info("model [{}] changed in the store without this node being told; dropping the cached version", model.id());
                invalidate(model.id());
            } else {
                model.markValidated(now);
            }
        }, e -> {
            synchronized (this) {
                revalidating.remove(model.id());
            }
            logger.debug("revalidating model [{}] failed; keeping the cached version", model.id(), e);
        }));
    }

    /** Drops {@code modelId} from this node; any load already under way will not be cached. */
    public void invalidate(String modelId) {
        LoadedModel removed;
        synchronized (this) {
            generations.merge(modelId, 1L, Long::sum);
            removed = models.remove(modelId);
        }
        if (removed != null) {
            removed.close();
        }
    }

    /** Ids and hashes of the models loaded on this node (for stats). */
    public synchronized Map<String, String> loaded() {
        Map<String, String> out = new LinkedHashMap<>();
        models.forEach((id, m) -> out.put(id, m.hash()));
        return out;
    }

    private List<LoadedModel> evictOverflow() {
        List<LoadedModel> dropped = new ArrayList<>();
        Iterator<Map.Entry<String, LoadedModel>> it = models.entrySet().iterator();
        while (models.size() > maxModels && it.hasNext()) {
            dropped.add(it.next().getValue());
            it.remove();
        }
        return dropped;
    }

    /** Closes every model now (node shutdown). */
    public void close() {
        List<LoadedModel> all;
        synchronized (this) {
            all = new ArrayList<>(models.values());
            models.clear();
        }
        all.forEach(LoadedModel::close);
    }
}
