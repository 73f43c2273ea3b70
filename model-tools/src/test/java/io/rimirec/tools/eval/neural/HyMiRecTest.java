package io.rimirec.tools.eval.neural;

import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.hymirec.InterestModel;
import io.rimirec.core.hymirec.InterestModelManifest;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.train.interest.InterestArtifact;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HyMiRec on the planted genres of {@link NeuralBaselinesTest}: tiny models, a few epochs. */
class HyMiRecTest {

    @BeforeAll
    static void setUp() {
        NeuralBaselinesTest.setUp(); // the planted task and popularity's recall
    }

    static Method variant(String name) {
        return HyMiRec.variants().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    static Settings small(String name) {
        return ((HyMiRec) variant(name)).settings().with("dim", 16).with("maxLen", 10).with("longLen", 24).with("coarse", 2)
            .with("blocks", 1).with("batch", 64).with("lr", 1e-2).with("epochs", 5).with("perUser", 10).with("codebookK", 8)
            .with("dropout", 0.1);
    }

    @Test
    void fullModelLearnsTheGenresAndReadsTheCodebook() {
        NeuralBaselinesTest.Outcome o = NeuralBaselinesTest.recall20(variant("hymirec").create(small("hymirec")));
        Map<String, Object> d = o.diagnostics();
        assertEquals(Boolean.TRUE, d.get("learned"), d.toString());
        @SuppressWarnings("unchecked")
        List<Double> curve = (List<Double>) d.get("loss_curve");
        assertTrue(curve.get(curve.size() - 1) < 0.75 * Math.log(180), "loss " + curve);
        assertTrue(o.recall() > NeuralBaselinesTest.popularity + 0.3, "recall@20 " + o.recall() + " vs popularity " + NeuralBaselinesTest.popularity);
        // warmup 1 of 5 epochs: the codebook is rebuilt before epochs 2..5, and it reconstructs the embeddings.
        assertEquals(4, d.get("codebook_builds"), d.toString());
        assertTrue(((Number) d.get("codebook_reconstruction_cosine")).doubleValue() > 0.8, d.toString());
    }

    @Test
    void servableArtifactMatchesTheNetworkThroughOnnxRuntimeAndPacksIntoABundle() throws Exception {
        Settings s = small("hymirec").with("epochs", 3);
        InterestArtifact a = HyMiRec.servable(NeuralBaselinesTest.task.train(), s, new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream())));
        // export itself fails above 1e-3; a faithful graph is far closer
        assertTrue(a.parityMaxAbsDiff() < 1e-4, "parity " + a.parityMaxAbsDiff());
        assertNotNull(a.codebook(), "the light model reads through the codebook it is served with");
        assertEquals(180, a.itemVectors().length);
        InterestArtifact.Bundle packed = a.bundle("hymirec-test", 3, 1);
        ModelBundle bundle = BundleArchive.read(packed.zip(), Long.MAX_VALUE);
        assertTrue(bundle.hasPart(BundleManifest.PART_INTEREST_MODEL) && bundle.hasPart(BundleManifest.PART_CODEBOOK), bundle.manifest().parts().toString());
        try (InterestModel model = InterestModel.load(bundle, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            assertEquals(InterestModelManifest.LongInput.CODEBOOK, model.manifest().longInput());
            float[][] v = model.interests(List.of(a.itemVectors()[3], a.itemVectors()[4], a.itemVectors()[40]), false);
            assertEquals(2, v.length);
            for (float[] row : v) {
                double n = 0;
                for (float x : row) {
                    n += x * x;
                }
                assertEquals(1.0, n, 1e-4, "interest vectors are unit length");
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.interests(List.of(new float[3]), false));
            assertTrue(e.getMessage().contains("dimension 3") && e.getMessage().contains("expects 16"), e.getMessage());
        }
        // Loading refuses what would serve wrong answers, naming what to do.
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("im");
        a.writeInterestModel(dir);
        OnnxSessionFactory sessions = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
        IllegalArgumentException noCodebook = assertThrows(IllegalArgumentException.class, () -> InterestModel.load(dir, 16, null, sessions));
        assertTrue(noCodebook.getMessage().contains("no codebook") && noCodebook.getMessage().contains(a.codebook().contentHash()), noCodebook.getMessage());
        io.rimirec.core.codebook.Codebook other = new io.rimirec.core.codebook.CodebookTrainer(io.rimirec.core.codebook.CodebookOptions.defaults(
            io.rimirec.core.codebook.Residual.COSINE).withLayers(2).withK(4)).train(a.itemVectors(), null).codebook();
        IllegalArgumentException wrongCodebook = assertThrows(IllegalArgumentException.class, () -> InterestModel.load(dir, 16, other, sessions));
        assertTrue(wrongCodebook.getMessage().contains("trained with codebook " + a.codebook().contentHash()), wrongCodebook.getMessage());
        IllegalArgumentException wrongDim = assertThrows(IllegalArgumentException.class, () -> InterestModel.load(dir, 32, a.codebook(), sessions));
        assertTrue(wrongDim.getMessage().contains("dimension 16") && wrongDim.getMessage().contains("have dimension 32"), wrongDim.getMessage());
        java.nio.file.Files.write(dir.resolve("interest_model.onnx"), new byte[] {1, 2, 3});
        Exception corrupt = assertThrows(Exception.class, () -> InterestModel.load(dir, 16, a.codebook(), sessions));
        assertTrue(corrupt.getMessage().contains("interest_model.onnx"), corrupt.getMessage());
    }

    @Test
    void withoutTheLightModelTheGraphReadsOnlyRecentItems() throws Exception {
        Settings s = small("hymirec-nolight").with("epochs", 2);
        InterestArtifact a = HyMiRec.servable(NeuralBaselinesTest.task.train(), s, new FitContext(3, 1, new PrintStream(OutputStream.nullOutputStream())));
        assertTrue(a.parityMaxAbsDiff() < 1e-4, "parity " + a.parityMaxAbsDiff());
        assertNull(a.codebook());
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("im");
        a.writeInterestModel(dir);
        try (InterestModel model = InterestModel.load(dir, 16, null, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            assertFalse(model.manifest().hasLongInput());
        }
    }

    @Test
    void interestsSearchedInsideTheirCirclesStillFindTheGenre() {
        // The served model (ONNX interests, the bundle's tree) with each interest kept inside its depth-1 circle.
        Settings s = small("hymirec").with("epochs", 3).with("circleDepth", 1);
        NeuralBaselinesTest.Outcome o = NeuralBaselinesTest.recall20(new HyMiRecInCircles().create(s));
        assertTrue(o.recall() > NeuralBaselinesTest.popularity + 0.2, "recall@20 " + o.recall() + " vs popularity " + NeuralBaselinesTest.popularity);
        assertEquals(1, o.diagnostics().get("circleDepth"));
        assertThrows(IllegalArgumentException.class, () -> new HyMiRecInCircles().create(s.with("circleDepth", 0)));
    }

    @Test
    void sameSeedSameFit() {
        // Training is single-threaded and seeded: two fits must agree exactly. The use-after-free fixed with Nn.scale
        // (a freed constant read in the backward pass) showed up first as runs that drifted apart, then as NaN.
        Settings s = small("hymirec").with("epochs", 3);
        NeuralBaselinesTest.Outcome a = NeuralBaselinesTest.recall20(variant("hymirec").create(s));
        NeuralBaselinesTest.Outcome b = NeuralBaselinesTest.recall20(variant("hymirec").create(s));
        assertEquals(a.diagnostics().get("loss_curve"), b.diagnostics().get("loss_curve"));
        assertEquals(a.recall(), b.recall());
    }

    @Test
    void sampledNegativesLossEndsWellBelowChance() {
        // 20 sampled negatives: a model that learned nothing sits at ln(21).
        Settings s = small("hymirec-maxmatch").with("negatives", 20).with("light", false);
        NeuralBaselinesTest.Outcome o = NeuralBaselinesTest.recall20(variant("hymirec-maxmatch").create(s));
        Map<String, Object> d = o.diagnostics();
        assertEquals(Math.log(21), ((Number) d.get("loss_chance")).doubleValue(), 1e-3);
        @SuppressWarnings("unchecked")
        List<Double> curve = (List<Double>) d.get("loss_curve");
        assertTrue(curve.get(curve.size() - 1) < 0.6 * Math.log(21), "loss " + curve);
        assertTrue(curve.get(curve.size() - 1) < curve.get(0), "loss did not fall: " + curve);
        assertTrue(o.recall() > NeuralBaselinesTest.popularity + 0.3, "recall@20 " + o.recall());
    }

    @Test
    void variantsChangeOnlyWhatTheyAblate() {
        Settings base = ((HyMiRec) variant("hymirec")).settings();
        assertEquals(false, ((HyMiRec) variant("hymirec-nolight")).settings().getBoolean("light"));
        assertEquals("euclidean", ((HyMiRec) variant("hymirec-euclid")).settings().getString("codebook"));
        assertEquals(1, ((HyMiRec) variant("hymirec-nodmil")).settings().getInt("interests"));
        assertEquals(1, ((HyMiRec) variant("hymirec-w1")).settings().getInt("window"));
        assertEquals(base.getInt("interests"), ((HyMiRec) variant("hymirec-w1")).settings().getInt("interests"));
        assertEquals("max", ((HyMiRec) variant("hymirec-maxmatch")).settings().getString("matching"));
    }

    @Test
    void badSettingsAreNamed() {
        Method m = variant("hymirec");
        Settings s = small("hymirec");
        assertEquals("setting [matching] is [best]: expected hungarian or max",
            assertThrows(IllegalArgumentException.class, () -> m.create(s.with("matching", "best"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.create(s.with("epochs", 1))).getMessage()
            .startsWith("setting [epochs] 1 must exceed [warmup] 1"));
        assertEquals("setting [interests] must be >= 1, got 0",
            assertThrows(IllegalArgumentException.class, () -> m.create(s.with("interests", 0))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.create(s.with("codebook", "manhattan")));
    }
}
