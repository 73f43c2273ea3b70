package io.rimirec.tools.train.generator;

import ai.djl.ndarray.NDManager;
import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.core.generate.EncoderInput;
import io.rimirec.core.generate.Interest;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.generate.LengthPolicy;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.tools.onnx.GeneratorParity;
import org.bytedeco.onnx.global.onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trains a tiny generator on the planted set once (seconds), then checks learning, the ONNX export (checker and
 * parity), serving through ONNX Runtime, and every bad-input path.
 */
class GeneratorEndToEndTest {

    @TempDir
    static Path tmp;

    static PlantedInterests planted;
    static GeneratorConfig config;
    static GeneratorTrainer trainer;
    static GeneratorTrainer.Result result;
    static NDManager manager;
    static Path artifact;

    @BeforeAll
    static void train() throws IOException {
        planted = PlantedInterests.generate(300, 3, 3, 3, 6, 8, 0.65, 0.30, 20, 40, 11);
        CircleTree tree = planted.data.tree();
        config = new GeneratorConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), 24, 8, 16, 2, 1, 1, 32, 0.0f);
        TargetBuilder tb = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        trainer = new GeneratorTrainer(planted.data, config, tb, new GeneratorTrainer.Options(5, 32, 2, 0.15, 5e-3f, 2, 10, 3, 0));
        int[] users = new int[planted.data.users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        manager = NDManager.newBaseManager();
        result = trainer.train(users, manager);
        artifact = tmp.resolve("gen");
        GeneratorArtifact.writeGraphs(artifact, result.network());
        GeneratorArtifact.writeManifest(artifact, GeneratorArtifact.manifest(config, tree, LengthPolicy.DEFAULT, tb.describe(), result.info()));
    }

    @AfterAll
    static void close() {
        result.network().close();
        manager.close();
    }

    @Test
    void validationLossIsWellBelowTheCirclePriors() {
        double val = ((Number) result.info().get("best_validation_loss")).doubleValue();
        double step = ((Number) result.info().get("prior_validation_loss_per_step")).doubleValue();
        double trie = ((Number) result.info().get("prior_validation_loss_per_circle")).doubleValue();
        assertTrue(val < 0.9 * Math.min(step, trie), "validation " + val + " vs priors " + step + " / " + trie);
    }

    @Test
    void theTimeLimitHoldsInsideAnEpoch() {
        CircleTree tree = planted.data.tree();
        TargetBuilder tb = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        // A limit already passed after the first batch: one batch of the first epoch, validated, then stop.
        GeneratorTrainer limited = new GeneratorTrainer(planted.data, config, tb, new GeneratorTrainer.Options(5, 32, 2, 0.15, 5e-3f, 2, 10, 3, 1e-9));
        int[] users = new int[planted.data.users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        GeneratorTrainer.Result r = limited.train(users, manager);
        try (GeneratorNetwork net = r.network()) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> epochs = (List<Map<String, Object>>) r.info().get("epochs");
            assertEquals(1, epochs.size(), epochs.toString());
            assertTrue(String.valueOf(epochs.get(0).get("batches")).startsWith("1 of "), epochs.toString());
            assertTrue(String.valueOf(r.info().get("stop")).startsWith("time limit"), String.valueOf(r.info().get("stop")));
            assertEquals(1, r.info().get("best_epoch"));
        }
    }

    @Test
    void exportedGraphsPassTheOnnxChecker() {
        for (String f : List.of(GeneratorArtifact.ENCODER, GeneratorArtifact.DECODER)) {
            onnx.check_model(artifact.resolve(f).toString(), true, false, false); // full check: with shape inference
        }
    }

    @Test
    void theCheckerRejectsABrokenGraph() throws IOException {
        // A graph whose node reads an input nobody defines: proves the checker test above can fail.
        var g = new io.rimirec.tools.onnx.OnnxGraphBuilder("broken");
        g.input("x", io.rimirec.tools.onnx.proto.Onnx.TensorProto.DataType.FLOAT, "n");
        g.opInto("y", "Add", new String[] {"x", "undefined"});
        g.output("y", io.rimirec.tools.onnx.proto.Onnx.TensorProto.DataType.FLOAT, "n");
        Path bad = tmp.resolve("broken.onnx");
        g.write(bad, "broken");
        assertThrows(RuntimeException.class, () -> onnx.check_model(bad.toString(), true, false, false));
    }

    @Test
    void djlAndOnnxRuntimeAgreeOnRealAndRandomInputs() throws IOException {
        List<EncoderInput> inputs = new ArrayList<>();
        List<TrainingSamples.Sample> val = result.validation();
        inputs.add(trainer.encoderInput(val.subList(0, 4)));
        inputs.add(trainer.encoderInput(val.subList(4, 5)));
        inputs.add(trainer.encoderInput(List.of(trainer.samples().at(0, 1, new Random(1)))));
        // Random vectors and random leaves at several lengths, including the maximum.
        Random r = new Random(5);
        CircleTree tree = planted.data.tree();
        List<CirclePath> leaves = tree.leaves();
        for (int len : new int[] {2, 9, config.maxHistory()}) {
            List<EncoderInput.History> hs = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                List<float[]> v = new ArrayList<>();
                List<CirclePath> p = new ArrayList<>();
                for (int i = 0; i < len - b; i++) {
                    float[] x = new float[config.vectorDimension()];
                    for (int d = 0; d < x.length; d++) {
                        x[d] = (float) r.nextGaussian() * 5;
                    }
                    v.add(x);
                    p.add(leaves.get(r.nextInt(leaves.size())));
                }
                hs.add(new EncoderInput.History(v, p));
            }
            inputs.add(EncoderInput.of(hs, new CircleVocabulary(config.levels(), config.fanOut()), config.vectorDimension()));
        }
        GeneratorParity.Report rep = GeneratorParity.check(result.network(), artifact.resolve(GeneratorArtifact.ENCODER), artifact.resolve(GeneratorArtifact.DECODER), inputs, 9);
        assertTrue(rep.encoderMaxAbsDiff() <= 1e-4, "encoder " + rep);
        assertTrue(rep.decoderMaxAbsDiff() <= 1e-4, "decoder " + rep);
        assertEquals(inputs.size() * 2 * config.maxDecodeLength(), rep.decoderChecks());
    }

    private static List<float[]> vectors(int[] items) {
        List<float[]> v = new ArrayList<>();
        for (int i : items) {
            v.add(planted.data.vectors()[i]);
        }
        return v;
    }

    @Test
    void servesPlantedInterestsThroughOnnxRuntime() throws IOException {
        CircleTree tree = planted.data.tree();
        try (InterestGenerator g = InterestGenerator.load(artifact, tree, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            int found = 0;
            for (int u = 0; u < 40; u++) {
                List<Interest> out = g.generate(vectors(planted.data.sequences().get(u)), null, 4);
                assertTrue(out.size() == 4);
                double sum = 0;
                for (Interest i : out) {
                    assertTrue(tree.contains(i.circle()));
                    sum += i.probability();
                }
                assertEquals(1.0, sum, 1e-6);
                var p = planted.planted.get(u);
                if (out.stream().anyMatch(i -> i.circle().contains(p.heavy()) || p.heavy().contains(i.circle()))) {
                    found++;
                }
            }
            assertTrue(found >= 30, "the heavy interest (at some depth) is among 4 beams for " + found + " of 40 users");
        }
    }

    @Test
    void longHistoriesAreWindowedAsDocumented() throws IOException {
        CircleTree tree = planted.data.tree();
        try (InterestGenerator g = InterestGenerator.load(artifact, tree, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            int u = 0;
            while (planted.data.sequences().get(u).length <= config.maxHistory()) {
                u++;
            }
            int[] seq = planted.data.sequences().get(u);
            int[] keep = g.manifest().window().select(seq.length, null);
            int[] windowed = new int[keep.length];
            for (int i = 0; i < keep.length; i++) {
                windowed[i] = seq[keep[i]];
            }
            InterestGenerator.Memory full = g.encode(vectors(seq), null);
            assertEquals(config.maxHistory(), full.length());
            assertEquals(g.generate(vectors(windowed), null, 3), g.generate(vectors(seq), null, 3));
        }
    }

    @Test
    void badInputFailsWithClearMessages() throws IOException {
        CircleTree tree = planted.data.tree();
        OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        try (InterestGenerator g = InterestGenerator.load(artifact, tree, sessions)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.generate(List.of(), null, 3));
            assertTrue(e.getMessage().contains("history is empty"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.generate(List.of(new float[config.vectorDimension() + 1]), null, 3));
            assertTrue(e.getMessage().contains("dimension " + (config.vectorDimension() + 1)) && e.getMessage().contains("expects " + config.vectorDimension()), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.generate(List.of(new float[config.vectorDimension()]), List.of(CirclePath.of(0)), 3));
            assertTrue(e.getMessage().contains("not a leaf"), e.getMessage());
            // An unknown item id the caller did not drop arrives as a missing vector.
            List<float[]> withUnknown = new ArrayList<>(vectors(new int[] {0, 1}));
            withUnknown.add(1, null);
            e = assertThrows(IllegalArgumentException.class, () -> g.generate(withUnknown, null, 3));
            assertTrue(e.getMessage().contains("history item 1 has no vector"), e.getMessage());
        }
        // A different tree: same shape, other centroids.
        PlantedInterests other = PlantedInterests.generate(10, 3, 3, 3, 6, 8, 0.65, 0.30, 20, 40, 12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InterestGenerator.load(artifact, other.data.tree(), sessions));
        assertTrue(e.getMessage().contains(tree.contentHash()) && e.getMessage().contains(other.data.tree().contentHash()), e.getMessage());

        // A corrupt decoder and a missing encoder: the message names the file.
        Path broken = tmp.resolve("broken-artifact");
        Files.createDirectories(broken);
        for (String f : List.of("generator.json", GeneratorArtifact.ENCODER, GeneratorArtifact.DECODER)) {
            Files.copy(artifact.resolve(f), broken.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        byte[] bytes = Files.readAllBytes(broken.resolve(GeneratorArtifact.DECODER));
        Files.write(broken.resolve(GeneratorArtifact.DECODER), java.util.Arrays.copyOf(bytes, bytes.length / 3));
        IOException io = assertThrows(IOException.class, () -> InterestGenerator.load(broken, tree, sessions));
        assertTrue(io.getMessage().contains(broken.resolve(GeneratorArtifact.DECODER).toString()), io.getMessage());
        Files.delete(broken.resolve(GeneratorArtifact.ENCODER));
        io = assertThrows(IOException.class, () -> InterestGenerator.load(broken, tree, sessions));
        assertTrue(io.getMessage().contains(broken.resolve(GeneratorArtifact.ENCODER).toString()) && io.getMessage().contains("does not exist"), io.getMessage());
    }

    /** Runs the CLI; returns the exit code and stderr. */
    private static Map.Entry<Integer, String> cli(String... args) {
        picocli.CommandLine cl = io.rimirec.tools.RimirecCli.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(new java.io.StringWriter(), true));
        cl.setErr(new java.io.PrintWriter(err, true));
        return Map.entry(cl.execute(args), err.toString());
    }

    private static Path writeTree(CircleTree t, String name) throws IOException {
        Path file = tmp.resolve(name);
        TreeFormat.write(t, file);
        return file;
    }

    @Test
    void loadsFromABundleHeldInMemoryWithTheSameResults() throws IOException {
        CircleTree tree = planted.data.tree();
        Path zip = tmp.resolve("bundle.zip");
        Map.Entry<Integer, String> r = cli("model", "pack", "--tree", writeTree(tree, "same.rtree").toString(), "--generator", artifact.toString(),
            "--output", zip.toString());
        assertEquals(0, r.getKey(), r.getValue());
        ModelBundle bundle = BundleArchive.read(Files.readAllBytes(zip), Long.MAX_VALUE);
        assertEquals(java.util.Set.of("generator.json", GeneratorArtifact.ENCODER, GeneratorArtifact.DECODER), bundle.partFiles("generator").keySet());
        OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        try (InterestGenerator fromDir = InterestGenerator.load(artifact, tree, sessions);
             InterestGenerator fromBundle = InterestGenerator.load(bundle, sessions)) {
            for (int u = 0; u < 10; u++) {
                List<float[]> h = vectors(planted.data.sequences().get(u));
                assertEquals(fromDir.generate(h, null, 4), fromBundle.generate(h, null, 4));
            }
        }
        // A corrupt ONNX file held in memory: the message names the bundle entry.
        Map<String, byte[]> files = new java.util.HashMap<>(bundle.partFiles("generator"));
        byte[] dec = files.get(GeneratorArtifact.DECODER);
        files.put(GeneratorArtifact.DECODER, java.util.Arrays.copyOf(dec, dec.length / 3));
        IOException io = assertThrows(IOException.class, () -> InterestGenerator.load(files, "bundle part generator/", tree, sessions, null));
        assertTrue(io.getMessage().contains("bundle part generator/" + GeneratorArtifact.DECODER) && io.getMessage().contains("corrupt"), io.getMessage());
        files.remove(GeneratorArtifact.ENCODER);
        io = assertThrows(IOException.class, () -> InterestGenerator.load(files, "bundle part generator/", tree, sessions, null));
        assertTrue(io.getMessage().contains("generator/" + GeneratorArtifact.ENCODER + "] does not exist"), io.getMessage());
        // A bundle without a generator.
        Path treeOnly = tmp.resolve("tree-only.zip");
        assertEquals(0, cli("model", "pack", "--tree", writeTree(tree, "same2.rtree").toString(), "--output", treeOnly.toString()).getKey());
        ModelBundle noGenerator = BundleArchive.read(Files.readAllBytes(treeOnly), Long.MAX_VALUE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InterestGenerator.load(noGenerator, sessions));
        assertTrue(e.getMessage().contains("no [generator] part"), e.getMessage());
    }

    @Test
    void packRefusesAGeneratorOfAnotherTreeOrWithACorruptGraph() throws IOException {
        CircleTree other = PlantedInterests.generate(10, 3, 3, 3, 6, 8, 0.65, 0.30, 20, 40, 12).data.tree();
        Map.Entry<Integer, String> r = cli("model", "pack", "--tree", writeTree(other, "other.rtree").toString(), "--generator", artifact.toString(),
            "--output", tmp.resolve("mismatch.zip").toString());
        assertEquals(1, r.getKey(), r.getValue());
        assertTrue(r.getValue().contains(planted.data.tree().contentHash()) && r.getValue().contains(other.contentHash()), r.getValue());
        assertTrue(!Files.exists(tmp.resolve("mismatch.zip")), "no bundle is written");

        Path broken = tmp.resolve("pack-broken");
        Files.createDirectories(broken);
        for (String f : List.of("generator.json", GeneratorArtifact.ENCODER, GeneratorArtifact.DECODER)) {
            Files.copy(artifact.resolve(f), broken.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.write(broken.resolve(GeneratorArtifact.ENCODER), new byte[] {8, 1, 18, 3, 'x', 'y', 'z'});
        r = cli("model", "pack", "--tree", writeTree(planted.data.tree(), "same3.rtree").toString(), "--generator", broken.toString(),
            "--output", tmp.resolve("corrupt.zip").toString());
        assertEquals(1, r.getKey(), r.getValue());
        assertTrue(r.getValue().contains("generator/" + GeneratorArtifact.ENCODER), r.getValue());
    }

    @Test
    void manifestRecordsWhatServingNeeds() throws IOException {
        var m = io.rimirec.core.generate.GeneratorManifest.read(artifact.resolve("generator.json"));
        assertEquals(planted.data.tree().contentHash(), m.treeHash());
        assertEquals(config.maxHistory(), m.maxHistory());
        assertEquals(LengthPolicy.DEFAULT, m.lengthPolicy());
        @SuppressWarnings("unchecked")
        Map<String, Object> training = (Map<String, Object>) m.raw().get("training");
        assertEquals(planted.data.fingerprint(), training.get("data_fingerprint"));
    }
}
