package io.rimirec.tools.train.tower;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.core.tower.TowerInput;
import io.rimirec.core.tower.UserTowerManifest;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.onnx.OnnxGraphBuilder;
import io.rimirec.tools.onnx.UserTowerOnnxExporter;
import io.rimirec.tools.onnx.UserTowerParity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the user tower artifact: {@code user_tower.onnx} and {@code user_tower.json} (docs/formats.md). */
public final class UserTowerArtifact {

    public static final String DIRECTORY = "user_tower";
    public static final String MODEL = "user_tower.onnx";
    /** The largest DJL-vs-ONNX Runtime difference an export may show. */
    public static final double PARITY_LIMIT = 1e-4;

    private UserTowerArtifact() {}

    /** The trained tower, the item vectors it was trained with (what the index must hold) and the training record. */
    public record Trained(float[][] itemVectors, Map<String, Object> info) {}

    /**
     * The one train path of the CLI, the evaluation and the demo: trains the tower on {@code users} against the frozen
     * item vectors of the trainer's tree, exports it to ONNX, checks DJL-vs-ONNX Runtime parity (fails above
     * {@value #PARITY_LIMIT}), and writes the artifact to {@code dir}.
     *
     * @param init parameters of a pretrained tower (matched by name and size), or null
     */
    public static Trained trainAndWrite(UserTowerTrainer trainer, int[] users, Map<String, float[]> init, CircleTree tree, Path dir,
                                        ProgressListener progress) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            UserTowerTrainer.Result result = trainer.train(users, manager, init, false, progress);
            try (UserTowerNetwork net = result.network()) {
                Map<String, Object> info = new LinkedHashMap<>(result.info());
                info.put("onnx_parity_max_abs_diff", write(net, trainer, result, tree, dir, info));
                return new Trained(result.itemVectors(), info);
            }
        }
    }

    /** Exports, checks parity on validation slices (several lengths, empty slices, the root), writes the manifest. */
    static double write(UserTowerNetwork net, UserTowerTrainer trainer, UserTowerTrainer.Result result, CircleTree tree, Path dir,
                        Map<String, Object> training) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(MODEL);
        new UserTowerOnnxExporter(net).write(file);
        List<TowerInput> inputs = new ArrayList<>();
        List<UserTowerTrainer.Sample> val = result.validation();
        for (int i = 0; i + 4 <= Math.min(val.size(), 16); i += 4) {
            inputs.add(trainer.input(val.subList(i, i + 4), result.itemVectors()));
        }
        UserTowerConfig c = net.config();
        CircleVocabulary vocab = c.vocabulary();
        CirclePath deepest = tree.leaves().get(0);
        float[] any = null;
        for (float[] v : result.itemVectors()) {
            if (v != null) {
                any = v;
                break;
            }
        }
        inputs.add(TowerInput.of(List.of(new TowerInput.Row(deepest, List.of()), new TowerInput.Row(CirclePath.ROOT, List.of())), vocab, c.vectorDimension(), c.maxSlice()));
        if (any != null) {
            inputs.add(TowerInput.of(List.of(new TowerInput.Row(deepest, List.of()), new TowerInput.Row(deepest.prefix(1), List.of(any, any, any))),
                vocab, c.vectorDimension(), c.maxSlice()));
        }
        UserTowerParity.Report parity = UserTowerParity.check(net, file, inputs);
        System.err.printf(Locale.ROOT, "user tower parity DJL vs ONNX Runtime: max |diff| %.3g over %d batches%n", parity.maxAbsDiff(), parity.checks());
        if (!(parity.maxAbsDiff() <= PARITY_LIMIT)) {
            throw new IllegalStateException("exported user tower differs from the trained one by " + parity.maxAbsDiff() + " (limit " + PARITY_LIMIT + ")");
        }
        Map<String, Object> t = new LinkedHashMap<>(training);
        t.put("onnx_parity_max_abs_diff", parity.maxAbsDiff());
        writeManifest(dir, manifest(c, tree, t));
        return parity.maxAbsDiff();
    }

    public static Map<String, Object> manifest(UserTowerConfig config, CircleTree tree, Map<String, Object> training) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", UserTowerManifest.FORMAT);
        m.put("format_version", UserTowerManifest.FORMAT_VERSION);
        m.put("files", Map.of("model", MODEL));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("content_hash", tree.contentHash());
        t.put("depth", tree.maxDepth());
        t.put("fan_out", tree.maxFanOut());
        t.put("dimension", tree.dimension());
        t.put("metric", tree.metric().id());
        m.put("tree", t);
        CircleVocabulary vocab = config.vocabulary();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("layout", "0 PAD, circle t(level, index) = 3 + level * fan_out + index (level 0 is below the root); the root circle is all PAD");
        v.put("pad", CircleVocabulary.PAD);
        v.put("first_circle", CircleVocabulary.FIRST_CIRCLE);
        v.put("levels", vocab.levels());
        v.put("fan_out", vocab.fanOut());
        m.put("vocabulary", v);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("vector_dimension", config.vectorDimension());
        f.put("max_slice", config.maxSlice());
        f.put("order", "oldest first; a longer slice keeps its newest max_slice items");
        f.put("positions", "distance from the slice's newest item, 0 = newest");
        f.put("empty_slice", "allowed (all-zero mask): the output is the circle's own vector");
        m.put("features", f);
        m.put("output", Map.of("dimension", config.vectorDimension(), "metric", tree.metric().id()));
        m.put("model", config.toMap());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("opset", OnnxGraphBuilder.OPSET);
        o.put("ir_version", OnnxGraphBuilder.IR_VERSION);
        o.put("inputs", List.of("item_vectors float[batch,slice,vector_dimension]", "item_positions int64[batch,slice]", "item_mask float[batch,slice]",
            "circle int64[batch,levels]"));
        o.put("outputs", List.of("user_vector float[batch,vector_dimension]"));
        m.put("onnx", o);
        m.put("training", training);
        return m;
    }

    public static void writeManifest(Path dir, Map<String, Object> manifest) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(UserTowerManifest.FILE_NAME).toFile(), manifest);
    }
}
