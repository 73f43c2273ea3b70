package io.rimirec.tools.train.interest;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.hymirec.InterestModel;
import io.rimirec.core.hymirec.InterestModelManifest;
import io.rimirec.core.json.Json;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.util.MoreFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fitted HyMiRec model as serving needs it (docs/hymirec.md): the items' vectors (the model's item table, what the
 * index must hold), the codebook the light model reads through, and the {@code interest_model} part (manifest + ONNX
 * graph), proven at export to give the training network's interest vectors through ONNX Runtime.
 */
public final class InterestArtifact {

    /** Largest |ONNX - training network| tolerated at export, per interest-vector component (unit vectors). */
    static final double PARITY_TOLERANCE = 1e-3;
    /** Opens exported graphs as a node does on the CPU (one factory: it holds no per-model state). */
    private static final OnnxSessionFactory SESSIONS = new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1));
    private static final int PARITY_HISTORIES = 16;
    private static final String ONNX_FILE = "interest_model.onnx";

    private final float[][] itemVectors;
    private final Codebook codebook;
    private final byte[] manifest;
    private final byte[] onnx;
    private final double parityMaxAbsDiff;

    private InterestArtifact(float[][] itemVectors, Codebook codebook, byte[] manifest, byte[] onnx, double parityMaxAbsDiff) {
        this.itemVectors = itemVectors;
        this.codebook = codebook;
        this.manifest = manifest;
        this.onnx = onnx;
        this.parityMaxAbsDiff = parityMaxAbsDiff;
    }

    /**
     * Exports a fitted network and checks ONNX Runtime against it on histories cut from {@code sequences}.
     *
     * @throws IllegalStateException when the exported graph does not reproduce the network
     */
    public static InterestArtifact export(InterestNetwork model, List<int[]> sequences, PrintStream log) {
        byte[] onnx = model.exporter().toBytes();
        byte[] manifest = manifestJson(model);
        float[][] items = model.itemVectors();
        Codebook codebook = model.codebook();
        double diff;
        try (InterestModel served = open(manifest, onnx, items[0].length, codebook)) {
            diff = parity(model, served, items, sequences);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!(diff <= PARITY_TOLERANCE)) {
            throw new IllegalStateException("the exported interest model differs from the trained network by " + diff
                + " (tolerance " + PARITY_TOLERANCE + "): the ONNX export is wrong");
        }
        log.printf(Locale.ROOT, "hymirec: interest model exported to ONNX, parity with the network %.2e over %d histories%n",
            diff, PARITY_HISTORIES);
        return new InterestArtifact(items, codebook, manifest, onnx, diff);
    }

    /** The same histories through the network and through core's {@link InterestModel} (what the plugin runs). */
    private static double parity(InterestNetwork model, InterestModel served, float[][] items, List<int[]> sequences) {
        List<int[]> histories = new ArrayList<>();
        for (int i = 0; i < sequences.size() && histories.size() < PARITY_HISTORIES; i += Math.max(1, sequences.size() / PARITY_HISTORIES)) {
            int[] s = sequences.get(i);
            int cut = 1 + (histories.size() * 37) % s.length; // lengths from 1 to the whole sequence
            histories.add(Arrays.copyOf(s, cut));
        }
        float[][][] expected = model.interestsOf(histories);
        double max = 0;
        for (int h = 0; h < histories.size(); h++) {
            List<float[]> vectors = new ArrayList<>();
            for (int item : histories.get(h)) {
                vectors.add(items[item]);
            }
            float[][] got = served.interests(vectors, false);
            for (int j = 0; j < got.length; j++) {
                for (int x = 0; x < got[j].length; x++) {
                    max = Math.max(max, Math.abs(got[j][x] - expected[h][j][x]));
                }
            }
        }
        return max;
    }

    private static byte[] manifestJson(InterestNetwork model) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("vector_dimension", model.dim());
        inputs.put("max_recent", model.config().maxLen());
        inputs.put("max_long", model.maxLong());
        if (model.maxLong() > 0) {
            inputs.put("long_input", model.codebook() != null ? InterestModelManifest.LongInput.CODEBOOK.id() : InterestModelManifest.LongInput.VECTORS.id());
            if (model.codebook() != null) {
                inputs.put("codebook_hash", model.codebook().contentHash());
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", InterestModelManifest.FORMAT);
        m.put("format_version", InterestModelManifest.FORMAT_VERSION);
        m.put("files", Map.of("model", ONNX_FILE));
        m.put("inputs", inputs);
        m.put("output", Map.of("interests", model.config().interests(), "dimension", model.dim()));
        m.put("model", Map.of("kind", "hymirec", "settings", new TreeMap<>(model.config().toMap()), "item_vectors",
            model.frozen() ? "given" : "learned"));
        return Json.write(m);
    }

    /** Item {@code i}'s vector: what the index must hold for item {@code i} (the model reads and scores these). */
    public float[][] itemVectors() {
        return itemVectors;
    }

    /** The codebook the light model reads through, or null. */
    public Codebook codebook() {
        return codebook;
    }

    public double parityMaxAbsDiff() {
        return parityMaxAbsDiff;
    }

    /** Writes the {@code interest_model} part (manifest + ONNX graph) into {@code dir}. */
    public void writeInterestModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(InterestModelManifest.FILE_NAME), manifest);
        Files.write(dir.resolve(ONNX_FILE), onnx);
    }

    /** The circle tree a bundle carries: hierarchical k-means on the item vectors, cosine, k = 8, leaves of at most 200. */
    public CircleTree tree(long seed, int threads) {
        return new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withLeafCapacity(200).withSeed(seed).withThreads(threads))
            .info("source", "hymirec item vectors").build(itemVectors);
    }

    /** The interest model as serving opens it (core's {@link InterestModel}, ONNX Runtime on the CPU), from memory. */
    public InterestModel open() throws IOException {
        return open(manifest, onnx, itemVectors[0].length, codebook);
    }

    private static InterestModel open(byte[] manifest, byte[] onnx, int dimension, Codebook codebook) throws IOException {
        return InterestModel.load(Map.of(InterestModelManifest.FILE_NAME, manifest, ONNX_FILE, onnx), "exported interest model ",
            dimension, codebook, SESSIONS);
    }

    /** A bundle and the circle tree in it. */
    public record Bundle(byte[] zip, CircleTree tree) {}

    /**
     * Packs a bundle: a circle tree built on the item vectors (the ingest processor stamps circles with it, and it carries
     * the dimension and metric), the codebook (stamped as codes) and the interest model.
     */
    public Bundle bundle(String name, long seed, int threads) throws IOException {
        CircleTree tree = tree(seed, threads);
        Path dir = Files.createTempDirectory("rimirec-hymirec-bundle");
        try {
            writeInterestModel(dir.resolve("interest_model"));
            BundlePacker packer = BundlePacker.ofTree(tree).name(name)
                .description("HyMiRec interest model (" + itemVectors.length + " items), circle tree" + (codebook != null ? ", codebook" : ""))
                .interestModel(dir.resolve("interest_model"));
            if (codebook != null) {
                Path file = dir.resolve("codebook" + CodebookFormat.FILE_EXTENSION);
                CodebookFormat.write(codebook, file);
                packer.codebook(file);
            }
            return new Bundle(packer.pack(), tree);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir != null) {
            try {
                MoreFiles.deleteRecursively(dir);
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }
}
