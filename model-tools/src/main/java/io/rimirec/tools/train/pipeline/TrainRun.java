package io.rimirec.tools.train.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.Residual;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Vectors;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.VectorJsonlWriter;
import io.rimirec.tools.data.catalogue.Catalogue;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.MovieLensSequences;
import io.rimirec.tools.train.interest.InterestArtifact;
import io.rimirec.tools.train.interest.InterestConfig;
import io.rimirec.tools.train.interest.InterestTrainer;
import io.rimirec.tools.train.tower.UserTowerArtifact;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * What {@code rimirec train} does, from a user's interactions (and optionally their catalogue) to the files that serve
 * them: {@code bundle.zip} (tree, interest generator, user tower, codebook) and {@code items.jsonl} (each item's own id,
 * the vector the tree was built on, and the catalogue's other fields), with the user's ids throughout, and
 * {@value #HELD_OUT_FILE} (the carved-out users, to replay the held-out check through a cluster).
 *
 * <ol>
 *   <li>Users with fewer than two interactions are left out (nothing to learn from: no history before a next item).</li>
 *   <li>A validation carve-out: a seeded share of users keep their history in training but not their last interactions
 *       (the last fifth, 1 to 10 items), which the held-out check then predicts. Every user trains; items are dropped
 *       only when their every interaction is held out and no vector was given for them (counted in the report).</li>
 *   <li>{@link RimirecPipeline} with {@link FitSettings}: item vectors (given, or learned from a PPMI start), the tree,
 *       the generator, the user tower.</li>
 *   <li>A cosine residual codebook on the item vectors (3 layers of 256; 512 items or more), so long histories can be
 *       read as codes.</li>
 * </ol>
 */
public final class TrainRun {

    static final int CODEBOOK_MIN_ITEMS = 512;
    /** Selection users needed before the carved-out users are halved into selection and check users. */
    static final int MIN_SELECTION_USERS = 20;
    /** The carved-out users, one JSON object per line: {@code {"user", "history": [item ids], "targets": [item ids]}}. */
    public static final String HELD_OUT_FILE = "held-out.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param catalogue        the user's items (null = none; then every item comes from the interactions)
     * @param settings         the pipeline's settings (see {@link FitSettings#forData})
     * @param validationShare  share of users carved out for the held-out check (0 = none)
     * @param validationMax    at most this many validation users
     * @param vectorField      the item index's vector field, recorded in the bundle (the query and the processor read it there)
     * @param interestModel    also fit a HyMiRec interest model on the same item vectors and codebook (null = no), so one index
     *                         serves both strategies
     */
    public record Request(SequenceDataset interactions, Catalogue catalogue, FitSettings settings, double validationShare, int validationMax,
                          boolean codebook, String modelName, String vectorField, long seed, int threads, Path out, InterestConfig interestModel) {}

    /** One carved-out user: the history the model saw (catalogue indexes) and the distinct items that came next. */
    public record HeldOutUser(String userId, int[] history, int[] targets) {}

    /**
     * The fit: item ids and vectors by catalogue index (null = no vector), the tree, the training sequences, the carved-out
     * users, the files written and the report of every step.
     */
    public record Result(String[] itemIds, float[][] vectors, CircleTree tree, boolean userTower, boolean interestModel,
                         List<int[]> trainingSequences, List<HeldOutUser> heldOut, BundleManifest.Serving serving, Path bundle, Path items,
                         Path modelDir, Map<String, Object> report) {

        /** The codebook file in {@link #modelDir}, or null when none was trained. */
        public Path codebookFile() {
            Path file = modelDir.resolve(CODEBOOK_FILE);
            return Files.exists(file) ? file : null;
        }
    }

    /** The codebook's file name in the model folder. */
    public static final String CODEBOOK_FILE = "codebook" + CodebookFormat.FILE_EXTENSION;

    private TrainRun() {}

    public static Result run(Request r, PrintStream log, ProgressListener progress) throws IOException {
        long t0 = System.nanoTime();
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> stages = new LinkedHashMap<>();
        SequenceDataset data = r.interactions();
        FitSettings fit = r.settings();
        if (r.interestModel() != null && r.interestModel().dim() != fit.dim()) { // checked before hours of fitting, not after
            throw new IllegalArgumentException("setting [hymirec.dim] is " + r.interestModel().dim() + " but the item vectors have length "
                + fit.dim() + ": the interest model reads and scores the served vectors, so leave hymirec.dim out");
        }

        // The catalogue: the interactions' items, then the catalogue's items no one interacted with.
        List<String> ids = new ArrayList<>(data.numItems());
        Map<String, Integer> index = new HashMap<>(data.numItems() * 2);
        for (int i = 0; i < data.numItems(); i++) {
            ids.add(data.itemId(i));
            index.put(data.itemId(i), i);
        }
        if (r.catalogue() != null) {
            for (String id : r.catalogue().items().keySet()) {
                if (!index.containsKey(id)) {
                    index.put(id, ids.size());
                    ids.add(id);
                }
            }
        }
        int n = ids.size();
        String[] itemIds = ids.toArray(String[]::new);

        // Users: at least two interactions; a seeded share carved out for the held-out check.
        List<Integer> kept = new ArrayList<>();
        int tooShort = 0;
        for (int u = 0; u < data.numUsers(); u++) {
            if (data.sequence(u).length >= 2) {
                kept.add(u);
            } else {
                tooShort++;
            }
        }
        Map<String, Object> users = new LinkedHashMap<>();
        users.put("users", data.numUsers());
        users.put("left_out_fewer_than_2_interactions", tooShort);
        boolean[] carved = carveOut(data, kept, r.validationShare(), r.validationMax(), r.seed());
        List<int[]> sequences = new ArrayList<>(kept.size());
        List<HeldOutUser> carvedOut = new ArrayList<>();
        long heldOutInteractions = 0;
        for (int u : kept) {
            int[] s = data.sequence(u);
            if (carved[u]) {
                int t = heldOutLength(s.length);
                int[] history = Arrays.copyOf(s, s.length - t);
                carvedOut.add(new HeldOutUser(data.userId(u), history, Arrays.stream(s, s.length - t, s.length).distinct().toArray()));
                heldOutInteractions += t;
                sequences.add(history);
            } else {
                sequences.add(s);
            }
        }
        // Half of the carved-out users choose how the model is served, the other half check it: the check's figures are
        // on users that had no say in the choice. Too few users to halve: all check, and the query's defaults serve.
        List<HeldOutUser> selection = new ArrayList<>();
        List<HeldOutUser> heldOut = new ArrayList<>();
        for (int i = 0; i < carvedOut.size(); i++) {
            (carvedOut.size() >= MIN_SELECTION_USERS * 2 && i % 2 == 0 ? selection : heldOut).add(carvedOut.get(i));
        }
        users.put("training_users", sequences.size());
        users.put("validation_users", carvedOut.size());
        users.put("selection_users", selection.size());
        users.put("check_users", heldOut.size());
        users.put("validation_interactions_held_out", heldOutInteractions);
        report.put("users", users);

        // Item vectors: given (the catalogue's), or the starting point of learned ones.
        float[][] content = new float[n][];
        String init;
        if (r.catalogue() != null && r.catalogue().dimension() > 0 && r.catalogue().dimension() == fit.dim()) {
            for (Catalogue.Item item : r.catalogue().items().values()) {
                if (item.vector() != null) {
                    content[index.get(item.id())] = fit.vectors() == RimirecPipeline.ItemVectors.CONTENT ? item.vector() : Vectors.normalized(item.vector());
                }
            }
            init = "the items file's vectors";
        } else if (fit.vectors() == RimirecPipeline.ItemVectors.LEARNED) {
            long s0 = System.nanoTime();
            int[] all = IntStream.range(0, sequences.size()).toArray();
            float[][] ppmi = MovieLensSequences.ppmiEmbedding(sequences, all, n, fit.dim(), r.seed());
            System.arraycopy(ppmi, 0, content, 0, n);
            init = "PPMI of co-occurrence within 5 positions (rank " + fit.dim() + ")";
            stages.put("ppmi_minutes", minutes(s0));
        } else {
            throw new IllegalArgumentException("vectors=content needs an items file with a vector of length " + fit.dim() + " per item, "
                + (r.catalogue() == null ? "and none was given (--items)" : "but its vectors have length " + r.catalogue().dimension()));
        }
        report.put("item_vectors", Map.of("mode", fit.vectors().name().toLowerCase(Locale.ROOT), "start", init));
        log.printf(Locale.ROOT, "rimirec train: %d users (%d carved out for the held-out check), %d items; item vectors %s, start: %s%n",
            sequences.size(), heldOut.size(), n, fit.vectors().name().toLowerCase(Locale.ROOT), init);

        // The pipeline: vectors, tree, generator, tower.
        Path modelDir = r.out().resolve("model");
        Files.createDirectories(modelDir);
        long p0 = System.nanoTime();
        RimirecPipeline.Result fitted = RimirecPipeline.run(data.name(), sequences, n, content, fit.options(r.seed(), r.threads()), modelDir, progress);
        stages.put("pipeline_minutes", minutes(p0));
        report.put("fit", fitted.info());
        float[][] vectors = fitted.itemVectors();

        // Items with no vector: not in the tree, not indexable.
        List<String> noVector = new ArrayList<>();
        int withVector = 0;
        for (int i = 0; i < n; i++) {
            if (vectors[i] == null) {
                noVector.add(itemIds[i]);
            } else {
                withVector++;
            }
        }
        Map<String, Object> items = new LinkedHashMap<>();
        items.put("items", n);
        items.put("with_vector", withVector);
        items.put("without_vector", noVector.size());
        if (!noVector.isEmpty()) {
            items.put("without_vector_why", fit.vectors() == RimirecPipeline.ItemVectors.CONTENT
                ? "the items file gives them no vector (or they are not in it): they cannot be placed in the tree"
                : "no training interaction (only in held-out tails, or catalogue items no one touched): nothing to learn a vector from");
            items.put("without_vector_first", noVector.subList(0, Math.min(20, noVector.size())));
        }
        report.put("items", items);

        // The codebook.
        Path codebookFile = null;
        Codebook codebook = null;
        if (r.codebook() && withVector >= CODEBOOK_MIN_ITEMS) {
            long c0 = System.nanoTime();
            float[][] present = Arrays.stream(vectors).filter(v -> v != null).toArray(float[][]::new);
            codebook = new CodebookTrainer(CodebookOptions.defaults(Residual.COSINE).withSeed(r.seed()).withThreads(Math.max(1, r.threads())))
                .train(present, null).codebook();
            codebookFile = modelDir.resolve(CODEBOOK_FILE);
            CodebookFormat.write(codebook, codebookFile);
            report.put("codebook", Map.of("layers", codebook.layers(), "codes_per_layer", codebook.k(0), "minutes", minutes(c0)));
        } else {
            report.put("codebook", r.codebook() ? "none: fewer than " + CODEBOOK_MIN_ITEMS + " items with a vector" : "none: --no-codebook");
        }

        // The HyMiRec interest model, on the same vectors and codebook: one index serves both strategies.
        Path interestDir = null;
        if (r.interestModel() != null) {
            long h0 = System.nanoTime();
            interestDir = modelDir.resolve(BundleManifest.PART_INTEREST_MODEL);
            report.put("interest_model", fitInterestModel(r.interestModel(), sequences, vectors, codebook, r.seed(), interestDir, log));
            stages.put("interest_model_minutes", minutes(h0));
        }

        // How the model serves a query that does not say: chosen on the selection users.
        BundleManifest.Serving serving = BundleManifest.Serving.NONE;
        if (selection.isEmpty()) {
            report.put("serving", "the query's defaults: fewer than " + 2 * MIN_SELECTION_USERS + " users were carved out to choose on");
        } else {
            long s0 = System.nanoTime();
            try (ServingChoice ways = ServingChoice.open(vectors, fitted.tree(), modelDir, codebook)) {
                ServingChoice.Choice choice = ways.choose(selection);
                serving = choice.way().serving();
                Map<String, Object> chosen = new LinkedHashMap<>(choice.toMap());
                chosen.put("minutes", minutes(s0));
                report.put("serving", chosen);
                log.printf(Locale.ROOT, "serving defaults: %s (Recall@%d %.2f on %d selection users)%n", choice.way().name(), ServingChoice.CUTOFF,
                    choice.recall().get(choice.way().name()), choice.users());
            }
        }

        // The bundle and the items to index.
        BundlePacker packer = BundlePacker.ofTree(fitted.tree()).name(r.modelName())
            .description("rimirec train on " + data.name() + ": " + fit.vectors().name().toLowerCase(Locale.ROOT) + " item vectors, circle tree, interest generator"
                + (fitted.userTower() ? ", user tower" : "") + (codebookFile != null ? ", codebook" : "")
                + (interestDir != null ? ", HyMiRec interest model" : ""))
            .generator(modelDir.resolve(GeneratorArtifact.DIRECTORY))
            .fields(new BundleManifest.Fields(r.vectorField(), BundleManifest.Fields.DEFAULT.circles(), BundleManifest.Fields.DEFAULT.leaf()))
            .serving(serving);
        if (fitted.userTower()) {
            packer.userTower(modelDir.resolve(UserTowerArtifact.DIRECTORY));
        }
        if (codebookFile != null) {
            packer.codebook(codebookFile);
        }
        if (interestDir != null) {
            packer.interestModel(interestDir);
        }
        Path bundle = r.out().resolve("bundle.zip");
        Files.write(bundle, packer.pack());
        Path itemsFile = r.out().resolve("items.jsonl");
        try (VectorJsonlWriter w = new VectorJsonlWriter(itemsFile)) {
            for (int i = 0; i < n; i++) {
                if (vectors[i] != null) {
                    Map<String, JsonNode> fields = new LinkedHashMap<>();
                    Catalogue.Item item = r.catalogue() == null ? null : r.catalogue().item(itemIds[i]);
                    if (item != null) {
                        item.fields().fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
                    }
                    w.write(itemIds[i], vectors[i], fields);
                }
            }
        }
        // The carved-out users with the user's ids, so the check can be replayed through a cluster (rimirec query with
        // "history", size 50, beams as checked): what online = offline means for a user.
        Path heldOutFile = r.out().resolve(HELD_OUT_FILE);
        try (BufferedWriter w = Files.newBufferedWriter(heldOutFile)) {
            for (HeldOutUser u : heldOut) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("user", u.userId());
                line.put("history", Arrays.stream(u.history()).mapToObj(i -> itemIds[i]).toList());
                line.put("targets", Arrays.stream(u.targets()).mapToObj(i -> itemIds[i]).toList());
                w.write(JSON.writeValueAsString(line));
                w.write('\n');
            }
        }
        stages.put("total_minutes", minutes(t0));
        report.put("minutes", stages);
        report.put("files", Map.of("bundle", bundle.toString(), "items", itemsFile.toString(), "held_out_users", heldOutFile.toString(),
            "model_parts", modelDir.toString()));
        return new Result(itemIds, vectors, fitted.tree(), fitted.userTower(), interestDir != null, sequences, heldOut, serving, bundle, itemsFile,
            modelDir, report);
    }

    /**
     * Fits the interest model over the served item vectors (held constant) and the served codebook, exports it into
     * {@code dir} (checked against the network through ONNX Runtime) and returns its report. Items without a vector are
     * not in the index, so they leave the training sequences as they leave a served history.
     */
    private static Map<String, Object> fitInterestModel(InterestConfig config, List<int[]> sequences, float[][] vectors, Codebook codebook,
                                                        long seed, Path dir, PrintStream log) throws IOException {
        int[] compact = new int[vectors.length];
        List<float[]> present = new ArrayList<>();
        for (int i = 0; i < vectors.length; i++) {
            compact[i] = vectors[i] == null ? -1 : present.size();
            if (vectors[i] != null) {
                present.add(vectors[i]);
            }
        }
        List<int[]> served = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            int[] kept = Arrays.stream(s).map(i -> compact[i]).filter(i -> i >= 0).toArray();
            if (kept.length >= 2) {
                served.add(kept);
            }
        }
        log.printf(Locale.ROOT, "hymirec interest model: %d sequences over %d items with a vector%s%n", served.size(), present.size(),
            codebook != null ? ", long history read through the codebook" : ", long history read as vectors");
        try (InterestTrainer.Fit fit = new InterestTrainer(config, seed, log).fitOnVectors(served, present.toArray(float[][]::new), codebook)) {
            InterestArtifact artifact = InterestArtifact.export(fit.network(), served, log);
            artifact.writeInterestModel(dir);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("settings", config.toMap());
            m.put("parameters", fit.network().parameterCount());
            m.put("epochs", lossEpochs(fit.curve().toMap()));
            m.putAll(fit.curve().toMap());
            m.putAll(fit.info());
            m.put("onnx_parity_max_abs_diff", artifact.parityMaxAbsDiff());
            return m;
        }
    }

    /** The curve's losses as the report's per-epoch records (what the loss chart draws). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lossEpochs(Map<String, Object> curve) {
        List<Double> losses = (List<Double>) curve.get("loss_curve");
        List<Map<String, Object>> epochs = new ArrayList<>(losses.size());
        for (int e = 0; e < losses.size(); e++) {
            epochs.add(Map.of("epoch", e + 1, "train_loss", losses.get(e)));
        }
        return epochs;
    }

    /** Items held out at the end of a carved-out user's sequence: a fifth, 1 to 10. */
    static int heldOutLength(int length) {
        return (int) Math.max(1, Math.min(10, Math.round(length * 0.2)));
    }

    /** A seeded sample of the users with at least three interactions (one history item, one held out, one more to train on). */
    private static boolean[] carveOut(SequenceDataset data, List<Integer> users, double share, int max, long seed) {
        boolean[] carved = new boolean[data.numUsers()];
        if (share <= 0 || max <= 0) {
            return carved;
        }
        List<Integer> eligible = new ArrayList<>();
        for (int u : users) {
            if (data.sequence(u).length >= 3) {
                eligible.add(u);
            }
        }
        Collections.shuffle(eligible, new Random(seed));
        int take = (int) Math.min(max, Math.round(share * users.size()));
        for (int i = 0; i < Math.min(take, eligible.size()); i++) {
            carved[eligible.get(i)] = true;
        }
        return carved;
    }

    private static double minutes(long since) {
        return Math.round((System.nanoTime() - since) / 6e8) / 100.0;
    }
}
