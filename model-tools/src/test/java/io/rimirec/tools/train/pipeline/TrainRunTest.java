package io.rimirec.tools.train.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rimirec.core.bundle.BundleArchive;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.hymirec.InterestModel;
import io.rimirec.core.hymirec.InterestModelManifest;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.catalogue.Catalogue;
import io.rimirec.tools.eval.Synthetic;
import io.rimirec.tools.eval.check.HeldOutCheck;
import io.rimirec.tools.train.interest.InterestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rimirec train}'s fit on genre data (each user stays in one of 4 genres; popularity cannot tell genres apart):
 * learned and given item vectors, the user's ids and fields in items.jsonl, the carve-out, and a held-out check that
 * must put rimirec well above popularity.
 */
class TrainRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    /** A fit small enough for seconds. */
    static FitSettings small(FitSettings base) {
        Map<String, String> s = Map.ofEntries(Map.entry("c", "10"), Map.entry("maxHistory", "10"), Map.entry("recent", "5"),
            Map.entry("width", "16"), Map.entry("heads", "2"), Map.entry("ffn", "32"), Map.entry("dropout", "0"), Map.entry("epochs", "4"),
            Map.entry("samplesPerUser", "2"), Map.entry("towerMaxSlice", "10"), Map.entry("towerWidth", "16"), Map.entry("towerEpochs", "3"),
            Map.entry("towerSamples", "2"), Map.entry("negatives", "16"));
        FitSettings out = base;
        for (Map.Entry<String, String> e : s.entrySet()) {
            out = out.with(e.getKey(), e.getValue());
        }
        return out;
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void learnedVectorsServeTheUsersIdsAndBeatPopularity() throws Exception {
        SequenceDataset data = Synthetic.genres(300, 4, 30, 12, 7);
        FitSettings settings = small(FitSettings.EVALUATION.with("dim", "16"));
        TrainRun.Result fit = TrainRun.run(new TrainRun.Request(data, null, settings, 0.2, 1000, true, "genres", "item_vector", 42, 2, dir, null), QUIET,
            ProgressListener.NONE);
        assertTrue(Files.size(fit.bundle()) > 0);
        List<JsonNode> items = lines(fit.items());
        assertEquals(120, items.size(), "every item some training user touched has a learned vector");
        assertTrue(items.stream().allMatch(n -> n.get("id").asText().startsWith("i") && n.get("vector").size() == 16));
        @SuppressWarnings("unchecked")
        Map<String, Object> users = (Map<String, Object>) fit.report().get("users");
        assertEquals(60, users.get("validation_users"));
        assertEquals(300, users.get("training_users"), "carved-out users still train on their history");
        assertEquals(30, users.get("selection_users"), "half of the carved-out users choose the serving defaults");
        assertEquals(30, fit.heldOut().size(), "the other half checks them");
        for (TrainRun.HeldOutUser u : fit.heldOut()) {
            assertEquals(TrainRun.heldOutLength(12), u.targets().length);
            assertEquals(12 - u.targets().length, u.history().length);
        }
        assertTrue(fit.report().get("codebook").toString().contains("fewer than 512"), fit.report().get("codebook").toString());
        // The tower is served only when it beat the mean of the slice on its validation samples; the bundle says which.
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) fit.report().get("fit");
        assertEquals(fit.userTower() ? "user_tower" : "mean_of_slice", info.get("user_vectors"), info.toString());
        assertTrue(info.get("user_vectors_why").toString().contains("in-circle hit@10"), info.toString());
        assertEquals(fit.userTower(), Files.isDirectory(fit.modelDir().resolve("user_tower")));
        try (ZipFile zip = new ZipFile(fit.bundle().toFile())) {
            assertEquals(fit.userTower(), zip.stream().anyMatch(e -> e.getName().startsWith("user_tower")), "bundle entries");
        }

        // The serving defaults were chosen among the ways the check reports, and the bundle records them.
        assertTrue(fit.serving().beams() != null && fit.serving().historySplit() != null, fit.serving().toString());
        assertEquals(fit.serving(), BundleArchive.read(Files.readAllBytes(fit.bundle()), Long.MAX_VALUE).manifest().serving());
        @SuppressWarnings("unchecked")
        Map<String, Object> serving = (Map<String, Object>) fit.report().get("serving");
        assertEquals(30, serving.get("selection_users"), serving.toString());

        HeldOutCheck.Result check = HeldOutCheck.run(fit, 4);
        assertEquals(serving.get("served"), check.served());
        assertTrue(check.rows().stream().anyMatch(r -> r.method().equals("rimirec-b4" + ServingChoice.WHOLE_HISTORY)), check.toMap().toString());
        double ours = check.row("rimirec-b4").recall(20);
        double popularity = check.row("popularity").recall(20);
        assertTrue(ours > popularity + 20, "rimirec-b4 R@20 " + ours + " vs popularity " + popularity + ": " + check.toMap());
        assertTrue(check.verdict().contains("vs popularity") && check.verdict().contains("above"), check.verdict());
        // Genre users' next items lie in their genre's circles: the generator's circles hold most of them, more with more beams.
        assertTrue(check.coverage().get(4) > 50, check.coverage().toString());
        assertTrue(check.coverage().get(8) >= check.coverage().get(1), check.coverage().toString());
    }

    @Test
    void givenVectorsKeepEveryItemWithAVectorAndTheItemsFields() throws Exception {
        SequenceDataset data = Synthetic.genres(200, 4, 30, 12, 11);
        Random r = new Random(3);
        StringBuilder jsonl = new StringBuilder();
        Map<String, float[]> given = new HashMap<>();
        for (int i = 0; i < data.numItems(); i++) {
            String id = data.itemId(i);
            if (id.equals("i5")) {
                jsonl.append("{\"id\": \"i5\", \"title\": \"no vector\"}\n"); // touched by users, no vector: cannot be placed
                continue;
            }
            float[] v = new float[8];
            v[Synthetic.genreOf(Integer.parseInt(id.substring(1)), 4)] = 1;
            for (int d = 0; d < 8; d++) {
                v[d] += (float) (0.2 * r.nextGaussian());
            }
            given.put(id, v);
            jsonl.append("{\"id\": \"").append(id).append("\", \"vector\": ").append(java.util.Arrays.toString(v)).append(", \"title\": \"t-")
                .append(id).append("\"}\n");
        }
        jsonl.append("{\"id\": \"new-1\", \"vector\": [1, 0, 0, 0, 0, 0, 0, 0], \"title\": \"nobody saw me yet\", \"price\": 3}\n");
        Path itemsFile = dir.resolve("catalogue.jsonl");
        Files.writeString(itemsFile, jsonl);
        Catalogue catalogue = Catalogue.read(itemsFile, 0.01);
        FitSettings settings = small(FitSettings.forData(new FitSettings.DataShape(200, 121, data.numInteractions(), 12, 8), true).settings());
        assertEquals(RimirecPipeline.ItemVectors.CONTENT, settings.vectors());
        assertEquals(8, settings.dim());
        TrainRun.Result fit = TrainRun.run(new TrainRun.Request(data, catalogue, settings, 0.1, 1000, true, "shop", "item_vector", 42, 2, dir.resolve("out"), null),
            QUIET, ProgressListener.NONE);
        Map<String, JsonNode> byId = new HashMap<>();
        lines(fit.items()).forEach(n -> byId.put(n.get("id").asText(), n));
        assertEquals(120, byId.size(), "119 touched items with a vector and the new one");
        assertFalse(byId.containsKey("i5"));
        assertEquals("nobody saw me yet", byId.get("new-1").get("title").asText());
        assertEquals(3, byId.get("new-1").get("price").asInt());
        assertEquals("t-i7", byId.get("i7").get("title").asText());
        float[] v7 = given.get("i7");
        for (int d = 0; d < 8; d++) {
            assertEquals(v7[d], (float) byId.get("i7").get("vector").get(d).asDouble(), 0f, "given vectors are written as they are");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> items = (Map<String, Object>) fit.report().get("items");
        assertEquals(1, items.get("without_vector"));
        assertEquals(List.of("i5"), items.get("without_vector_first"));
    }

    @Test
    void hymirecInTheSameBundleReadsTheBundlesVectorsAndCodebook() throws Exception {
        // 520 items: enough for the codebook, so the interest model's long history is read through it, as served.
        SequenceDataset data = Synthetic.genres(300, 4, 130, 12, 5);
        FitSettings settings = small(FitSettings.EVALUATION.with("dim", "16"));
        InterestConfig interest = InterestConfig.fromMap(Map.of("dim", 16, "maxLen", 10, "longLen", 24, "coarse", 2, "blocks", 1, "batch", 64,
            "lr", 1e-2, "epochs", 4, "perUser", 4, "dropout", 0.1));
        TrainRun.Result fit = TrainRun.run(new TrainRun.Request(data, null, settings, 0.2, 1000, true, "both", "item_vector", 42, 2, dir, interest),
            QUIET, ProgressListener.NONE);
        assertTrue(fit.interestModel());
        ModelBundle bundle = BundleArchive.read(Files.readAllBytes(fit.bundle()), Long.MAX_VALUE);
        assertTrue(bundle.hasPart(BundleManifest.PART_GENERATOR) && bundle.hasPart(BundleManifest.PART_INTEREST_MODEL)
            && bundle.hasPart(BundleManifest.PART_CODEBOOK), bundle.manifest().parts().toString());
        try (InterestModel model = InterestModel.load(bundle, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)))) {
            assertEquals(InterestModelManifest.LongInput.CODEBOOK, model.manifest().longInput(), "the bundle's codebook, not one of its own");
            assertEquals(16, model.manifest().vectorDimension());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) fit.report().get("interest_model");
        assertEquals(true, report.get("learned"), report.toString());
        assertEquals("given", report.get("codebook_source"), report.toString());
        assertTrue(((Number) report.get("onnx_parity_max_abs_diff")).doubleValue() < 1e-4, report.toString());
        assertEquals(4, ((List<?>) report.get("epochs")).size());

        HeldOutCheck.Result check = HeldOutCheck.run(fit, 4);
        // Popularity cannot tell the genres apart; the interests, searched over the bundle's vectors, can.
        HeldOutCheck.Row hymirec = check.row(ServingChoice.HYMIREC);
        HeldOutCheck.Row popularity = check.row("popularity");
        assertTrue(hymirec.recall(20) - popularity.recall(20) > 2 * Math.hypot(hymirec.recallError(20), popularity.recallError(20)),
            "hymirec R@20 " + hymirec.recall(20) + " vs popularity " + popularity.recall(20) + ": " + check.toMap());
    }

    @Test
    void givenVectorsOfAnotherLengthThanTheSettingsAreRefused() throws Exception {
        SequenceDataset data = Synthetic.genres(50, 2, 10, 5, 1);
        FitSettings settings = FitSettings.EVALUATION.with("vectors", "content").with("dim", "8");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(new TrainRun.Request(data, null, settings,
            0.1, 100, false, "x", "item_vector", 1, 1, dir, null), QUIET, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("vectors=content needs an items file") && e.getMessage().contains("--items"), e.getMessage());
        InterestConfig wrongDim = InterestConfig.DEFAULTS.with("dim", "32");
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(new TrainRun.Request(data, null,
            FitSettings.EVALUATION.with("dim", "8"), 0.1, 100, false, "x", "item_vector", 1, 1, dir, wrongDim), QUIET, ProgressListener.NONE));
        assertTrue(dim.getMessage().contains("[hymirec.dim] is 32") && dim.getMessage().contains("length 8"), dim.getMessage());
    }
}
