package io.rimirec.tools.train.generator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shape of the interest generator network and of its inputs.
 *
 * @param vectorDimension item vector dimension (the circle tree's)
 * @param levels          circle token levels (the tree depth)
 * @param fanOut          circle tokens per level (the tree's widest node)
 * @param maxHistory      encoder positions: longer histories are windowed (see HistoryWindow)
 * @param recentHistory   most recent items always kept when windowing
 * @param width           model width d
 * @param heads           attention heads (width must be a multiple)
 * @param encoderLayers   encoder blocks
 * @param decoderLayers   decoder blocks
 * @param ffn             feed-forward inner width
 * @param dropout         dropout on embeddings and residual branches while training
 */
public record GeneratorConfig(
    int vectorDimension,
    int levels,
    int fanOut,
    int maxHistory,
    int recentHistory,
    int width,
    int heads,
    int encoderLayers,
    int decoderLayers,
    int ffn,
    float dropout
) {

    public GeneratorConfig {
        positive("vector dimension", vectorDimension);
        positive("levels", levels);
        positive("fan-out", fanOut);
        positive("max history", maxHistory);
        positive("width", width);
        positive("heads", heads);
        positive("ffn", ffn);
        if (encoderLayers < 1 || decoderLayers < 1) {
            throw new IllegalArgumentException("encoder and decoder layers must be >= 1, got " + encoderLayers + " and " + decoderLayers);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " must be a multiple of heads " + heads);
        }
        if (recentHistory < 0 || recentHistory > maxHistory) {
            throw new IllegalArgumentException("recent history must be in [0, max history " + maxHistory + "], got " + recentHistory);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    public int vocabularySize() {
        return 3 + levels * fanOut;
    }

    /** Decoder positions: BOS plus one token per level. */
    public int maxDecodeLength() {
        return levels + 1;
    }

    public int headDim() {
        return width / heads;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vector_dimension", vectorDimension);
        m.put("levels", levels);
        m.put("fan_out", fanOut);
        m.put("max_history", maxHistory);
        m.put("recent_history", recentHistory);
        m.put("width", width);
        m.put("heads", heads);
        m.put("encoder_layers", encoderLayers);
        m.put("decoder_layers", decoderLayers);
        m.put("ffn", ffn);
        m.put("dropout", dropout);
        m.put("max_decode_length", maxDecodeLength());
        m.put("layer_norm", "pre-LN, epsilon 1e-5, final LayerNorm after each stack");
        m.put("activation", "relu");
        return m;
    }
}
