package io.rimirec.plugin.settings;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.unit.ByteSizeUnit;
import org.opensearch.core.common.unit.ByteSizeValue;

import java.util.List;

/** Every setting of the plugin, in one place. All are node-scoped; dynamic ones can change at run time. */
public final class RimirecSettings {

    private RimirecSettings() {}

    /** The largest bundle accepted by upload, measured uncompressed. */
    public static final Setting<ByteSizeValue> MAX_BUNDLE_SIZE = Setting.byteSizeSetting(
        "plugins.rimirec.model_store.max_bundle_size",
        new ByteSizeValue(256, ByteSizeUnit.MB),
        new ByteSizeValue(1, ByteSizeUnit.KB),
        new ByteSizeValue(2, ByteSizeUnit.GB),
        Setting.Property.NodeScope,
        Setting.Property.Dynamic
    );

    /** How many models a node keeps loaded; the least recently used one is dropped beyond this. */
    public static final Setting<Integer> MODEL_CACHE_MAX_MODELS = Setting.intSetting(
        "plugins.rimirec.model_cache.max_models",
        8,
        1,
        Setting.Property.NodeScope,
        Setting.Property.Dynamic
    );

    /**
     * How often a cached model's stored hash is checked again. Updates and deletes evict caches on every node at
     * once; this re-check catches a node that missed the eviction (e.g. it was disconnected at the time).
     */
    public static final Setting<TimeValue> MODEL_CACHE_REVALIDATE = Setting.timeSetting(
        "plugins.rimirec.model_cache.revalidate_interval",
        TimeValue.timeValueMinutes(1),
        TimeValue.timeValueSeconds(1),
        Setting.Property.NodeScope,
        Setting.Property.Dynamic
    );

    public static List<Setting<?>> all() {
        return List.of(MAX_BUNDLE_SIZE, MODEL_CACHE_MAX_MODELS, MODEL_CACHE_REVALIDATE);
    }
}
