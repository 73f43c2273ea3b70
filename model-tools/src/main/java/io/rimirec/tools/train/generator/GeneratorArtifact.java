package io.rimirec.tools.train.generator;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.core.generate.GeneratorManifest;
import io.rimirec.core.generate.LengthPolicy;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.onnx.GeneratorOnnxExporter;
import io.rimirec.tools.onnx.OnnxGraphBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the generator artifact: {@code encoder.onnx}, {@code decoder.onnx}, {@code generator.json} (docs/formats.md). */
public final class GeneratorArtifact {

    public static final String ENCODER = "encoder.onnx";
    public static final String DECODER = "decoder.onnx";
    /** The folder {@code generator train} writes holds the artifact in this sub-folder ... */
    public static final String DIRECTORY = "generator";
    /** ... and the circle tree it was trained on beside it. */
    public static final String TREE_FILE = "tree.rtree";

    private GeneratorArtifact() {}

    public static void writeGraphs(Path dir, GeneratorNetwork net) throws IOException {
        Files.createDirectories(dir);
        GeneratorOnnxExporter exporter = new GeneratorOnnxExporter(net);
        exporter.writeEncoder(dir.resolve(ENCODER));
        exporter.writeDecoder(dir.resolve(DECODER));
    }

    public static Map<String, Object> manifest(GeneratorConfig config, CircleTree tree, LengthPolicy policy, Map<String, Object> targets, Map<String, Object> training) {
        CircleVocabulary vocab = new CircleVocabulary(config.levels(), config.fanOut());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", GeneratorManifest.FORMAT);
        m.put("format_version", GeneratorManifest.FORMAT_VERSION);
        m.put("files", Map.of("encoder", ENCODER, "decoder", DECODER));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("content_hash", tree.contentHash());
        t.put("depth", tree.maxDepth());
        t.put("fan_out", tree.maxFanOut());
        t.put("nodes", tree.nodeCount());
        t.put("leaves", tree.leafCount());
        t.put("dimension", tree.dimension());
        t.put("metric", tree.metric().id());
        m.put("tree", t);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("layout", "0 PAD, 1 BOS, 2 EOS, circle t(level, index) = 3 + level * fan_out + index (level 0 is below the root)");
        v.put("pad", CircleVocabulary.PAD);
        v.put("bos", CircleVocabulary.BOS);
        v.put("eos", CircleVocabulary.EOS);
        v.put("first_circle", CircleVocabulary.FIRST_CIRCLE);
        v.put("levels", vocab.levels());
        v.put("fan_out", vocab.fanOut());
        v.put("size", vocab.size());
        m.put("vocabulary", v);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("vector_dimension", config.vectorDimension());
        f.put("max_history", config.maxHistory());
        f.put("recent_history", config.recentHistory());
        f.put("history_order", "oldest first");
        f.put("truncation", "longer histories keep the recent_history newest items plus evenly spaced older items (random older items when training)");
        f.put("positions", "distance from the most recent selected item, 0 = most recent");
        m.put("features", f);
        m.put("model", config.toMap());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("opset", OnnxGraphBuilder.OPSET);
        o.put("ir_version", OnnxGraphBuilder.IR_VERSION);
        o.put("encoder_inputs", List.of("item_vectors float[batch,history,vector_dimension]", "item_circles int64[batch,history,levels]",
            "item_positions int64[batch,history]", "item_mask float[batch,history]"));
        o.put("encoder_outputs", List.of("memory float[batch,history,memory_width]"));
        o.put("memory_width", GeneratorOnnxExporter.memoryWidth(config));
        o.put("memory_layout", "cross-attention keys and values of each decoder layer, [K_0 | V_0 | K_1 | V_1 | ...] along the last axis");
        o.put("decoder_inputs", List.of("memory float[memory_batch,history,memory_width]", "memory_mask float[memory_batch,history]", "tokens int64[batch,steps]"));
        o.put("decoder_outputs", List.of("logits float[batch,vocabulary] (last position only)"));
        o.put("memory_batch", "1 (broadcast to every token row) or equal to batch");
        m.put("onnx", o);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("length_policy", policy.toString());
        s.put("eos", "not at the root, allowed at internal circles, forced at leaves");
        m.put("search", s);
        m.put("targets", targets);
        m.put("training", training);
        return m;
    }

    /**
     * Trains on every user of the trainer's data, writes the ONNX graphs and the manifest (default length policy) to
     * {@code dir}, frees the network, and returns the training record. The one path the demo, the evaluation and the
     * tests use; {@code generator train} adds a parity check and writes its own richer manifest.
     */
    public static Map<String, Object> trainAndWrite(GeneratorTrainer trainer, GeneratorConfig config, TargetBuilder targets, CircleTree tree,
                                                    Path dir, ProgressListener progress) throws IOException {
        int[] users = new int[trainer.data().users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            GeneratorTrainer.Result result = trainer.train(users, manager, progress);
            try (GeneratorNetwork net = result.network()) {
                writeGraphs(dir, net);
                writeManifest(dir, manifest(config, tree, LengthPolicy.DEFAULT, targets.describe(), result.info()));
            }
            return result.info();
        }
    }

    public static void writeManifest(Path dir, Map<String, Object> manifest) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(GeneratorManifest.FILE_NAME).toFile(), manifest);
    }
}
