package io.rimirec.plugin.settings;

import io.rimirec.core.onnx.OnnxSessionFactory;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
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

    /**
     * Where ONNX Runtime runs the models (interest generator, user tower, interest model): {@code cpu}, or
     * {@code cuda}, which uses the GPU when the plugin was built with ONNX Runtime's GPU jar and the node has the
     * CUDA libraries and a device, and otherwise falls back to the CPU with a warning in the node's log (the query
     * profile says which one runs). Static: read at node start.
     */
    public static final Setting<String> ONNX_EXECUTION_PROVIDER = Setting.simpleString(
        "plugins.rimirec.onnx.execution_provider",
        "cpu",
        value -> {
            if (!value.equals("cpu") && !value.equals("cuda")) {
                throw new IllegalArgumentException("[plugins.rimirec.onnx.execution_provider] is [" + value + "]: expected cpu or cuda");
            }
        },
        Setting.Property.NodeScope
    );

    /** The CUDA device ONNX Runtime uses when {@link #ONNX_EXECUTION_PROVIDER} is {@code cuda}. */
    public static final Setting<Integer> ONNX_CUDA_DEVICE = Setting.intSetting(
        "plugins.rimirec.onnx.cuda_device_id",
        0,
        0,
        Setting.Property.NodeScope
    );

    /**
     * Threads ONNX Runtime may use inside one operator of one query. 1 suits a node that runs many queries at once
     * (each query runs on a thread of the rimirec pool); 0 lets ONNX Runtime use every core for each query.
     */
    public static final Setting<Integer> ONNX_INTRA_OP_THREADS = Setting.intSetting(
        "plugins.rimirec.onnx.intra_op_threads",
        1,
        0,
        Setting.Property.NodeScope
    );

    public static List<Setting<?>> all() {
        return List.of(MAX_BUNDLE_SIZE, MODEL_CACHE_MAX_MODELS, MODEL_CACHE_REVALIDATE, ONNX_EXECUTION_PROVIDER, ONNX_CUDA_DEVICE,
            ONNX_INTRA_OP_THREADS);
    }

    /** The ONNX Runtime options these settings ask for. */
    public static OnnxSessionFactory.Options onnxOptions(Settings settings) {
        return new OnnxSessionFactory.Options(ONNX_INTRA_OP_THREADS.get(settings), ONNX_EXECUTION_PROVIDER.get(settings).equals("cuda"),
            ONNX_CUDA_DEVICE.get(settings));
    }
}
