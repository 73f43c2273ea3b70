package io.rimirec.plugin.settings;

import io.rimirec.core.onnx.OnnxSessionFactory;

import org.junit.jupiter.api.Test;
import org.opensearch.common.settings.Settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RimirecSettingsTests {

    @Test
    void onnxRunsOnOneCpuThreadByDefault() {
        assertEquals(new OnnxSessionFactory.Options(1, false, 0), RimirecSettings.onnxOptions(Settings.EMPTY));
    }

    @Test
    void cudaDeviceAndThreadsAreRead() {
        Settings s = Settings.builder()
            .put("plugins.rimirec.onnx.execution_provider", "cuda")
            .put("plugins.rimirec.onnx.cuda_device_id", 2)
            .put("plugins.rimirec.onnx.intra_op_threads", 0)
            .build();
        assertEquals(new OnnxSessionFactory.Options(0, true, 2), RimirecSettings.onnxOptions(s));
    }

    @Test
    void anUnknownProviderIsRefusedWithTheSettingNamed() {
        Settings s = Settings.builder().put("plugins.rimirec.onnx.execution_provider", "gpu").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RimirecSettings.onnxOptions(s));
        assertTrue(e.getMessage().contains("[plugins.rimirec.onnx.execution_provider] is [gpu]: expected cpu or cuda"), e.getMessage());
    }

    @Test
    void negativeDeviceOrThreadsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RimirecSettings.onnxOptions(
            Settings.builder().put("plugins.rimirec.onnx.cuda_device_id", -1).build()));
        assertThrows(IllegalArgumentException.class, () -> RimirecSettings.onnxOptions(
            Settings.builder().put("plugins.rimirec.onnx.intra_op_threads", -1).build()));
    }
}
