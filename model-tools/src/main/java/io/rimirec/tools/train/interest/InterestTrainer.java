package io.rimirec.tools.train.interest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.Residual;
import io.rimirec.tools.train.nn.LossCurve;
import io.rimirec.tools.train.nn.NextItemSamples;
import io.rimirec.tools.train.nn.Nn;
import io.rimirec.tools.train.nn.Params;
import io.rimirec.tools.train.nn.Torch;
import io.rimirec.tools.train.nn.TrainLoop;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Fits a HyMiRec interest model with DMIL (docs/hymirec.md): examples are random cuts of each sequence, the next
 * {@code window} items are the targets, clustered into s groups and matched to the s interests by the Hungarian
 * algorithm; InfoNCE on cos/temperature of every matched pair against the catalogue (or sampled negatives).
 *
 * <p>Two ways to get item vectors:
 * <ul>
 * <li>{@link #fit} learns the item table with the model and builds the codebook on it: after {@code warmup} epochs in which
 *     the light model reads the exact embeddings, the codebook is rebuilt from the current table before every later epoch
 *     (the light model always reads the codebook it is served with; the last one is kept).</li>
 * <li>{@link #fitOnVectors} holds the caller's item vectors constant (the vectors an index already holds, e.g. the circle
 *     pipeline's) and reads them through the caller's codebook from the first epoch, so one index and one codebook serve
 *     both strategies.</li>
 * </ul>
 * Training is serialised JVM-wide ({@link Torch#TRAINING}); the result is then exported with {@link InterestArtifact#export}.
 */
public final class InterestTrainer {

    private final InterestConfig config;
    private final long seed;
    private final PrintStream log;

    public InterestTrainer(InterestConfig config, long seed, PrintStream log) {
        this.config = config;
        this.seed = seed;
        this.log = log;
    }

    /** A fitted network with its loss curve and what the fit recorded. Closing it frees the network. */
    public record Fit(InterestNetwork network, LossCurve curve, Map<String, Object> info, double seconds) implements AutoCloseable {
        @Override
        public void close() {
            network.close();
        }
    }

    /** Fits the model and learns the item table of {@code numItems} items from {@code sequences} (item indexes in order). */
    public Fit fit(List<int[]> sequences, int numItems) {
        return run(sequences, params -> InterestNetwork.learned(config, params, numItems), null);
    }

    /**
     * Fits the model over {@code items} (item i's vector, held constant), read through {@code codebook} by the light model
     * (null: exact vectors; ignored without the light model).
     */
    public Fit fitOnVectors(List<int[]> sequences, float[][] items, Codebook codebook) {
        if (items.length == 0) {
            throw new IllegalArgumentException("no item vectors to fit the interest model on");
        }
        if (codebook != null && codebook.dimension() != items[0].length) {
            throw new IllegalArgumentException("the codebook's dimension " + codebook.dimension() + " is not the item vectors' " + items[0].length);
        }
        if (items[0].length % config.heads() != 0) {
            throw new IllegalArgumentException("the item vectors' dimension " + items[0].length + " must be a multiple of [heads] " + config.heads());
        }
        return run(sequences, params -> InterestNetwork.frozen(config, params, items), codebook);
    }

    private interface NetworkFactory {
        InterestNetwork create(Params params);
    }

    private Fit run(List<int[]> sequences, NetworkFactory factory, Codebook given) {
        if (sequences.stream().noneMatch(seq -> seq.length >= 2)) {
            throw new IllegalArgumentException("no sequence of two or more items to fit the interest model on (" + sequences.size()
                + " sequences): every example is a history and the item that came next");
        }
        long t0 = System.nanoTime();
        Torch.TRAINING.lock();
        InterestNetwork network = null;
        try {
            Torch.engine().setRandomSeed((int) seed);
            network = factory.create(new Params(seed));
            log.printf(Locale.ROOT, "hymirec: %d parameters%s, settings %s%n", network.parameterCount(),
                network.frozen() ? " (item vectors given, held constant)" : "", config);
            Map<String, Object> info = new LinkedHashMap<>();
            if (given != null && config.light()) {
                network.readThrough(given);
                recordCodebook(network, info, "given");
            }
            LossCurve curve = train(network, sequences, given == null, info, new Random(seed));
            network.params().freeze();
            return new Fit(network, curve, info, (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException | Error e) {
            if (network != null) {
                network.close();
            }
            throw e;
        } finally {
            Torch.TRAINING.unlock();
        }
    }

    private LossCurve train(InterestNetwork net, List<int[]> sequences, boolean buildsCodebook, Map<String, Object> info, Random rnd) {
        int batch = config.batch();
        int epochs = config.epochs();
        double budget = config.minutes() * 60;
        boolean rebuilds = buildsCodebook && !net.frozen() && config.usesCodebook();
        NextItemSamples samples = new NextItemSamples(sequences, 1); // only its (sequence, cut) sampling is used
        TrainLoop loop = new TrainLoop(net.params(), (float) config.lr(), (float) config.weightDecay());
        LossCurve curve = LossCurve.softmax(config.negatives(), net.numItems());
        long t0 = System.nanoTime();
        int done = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            if (rebuilds && epoch > config.warmup()) {
                buildCodebook(net, info, epoch);
            }
            long[] all = samples.epoch(config.perUser(), rnd); // shuffled: a cap keeps a random share, a new one each epoch
            long[] ex = config.maxExamples() > 0 && all.length > config.maxExamples() ? Arrays.copyOf(all, config.maxExamples()) : all;
            int steps = (ex.length + batch - 1) / batch;
            loop.epoch(epoch, steps, (m, i) -> dmilLoss(m, net, sequences, ex, i * batch, Math.min(ex.length, (i + 1) * batch), rnd),
                curve, log);
            done = epoch;
            boolean codebookSeen = !rebuilds || epoch > config.warmup();
            if (budget > 0 && codebookSeen && (System.nanoTime() - t0) / 1e9 >= budget && epoch < epochs) {
                log.printf(Locale.ROOT, "stopping after epoch %d: the time budget of %.1f minutes is spent%n", epoch, budget / 60);
                break;
            }
        }
        info.put("epochs_run", done);
        if (rebuilds && net.codebook() != null) {
            // Served items are stamped with the codes of their final vectors: read those, offline as online.
            net.readThrough(net.codebook());
        }
        return curve;
    }

    /** Window targets, DMIL assignment on detached values, InfoNCE on the matched pairs. */
    private NDArray dmilLoss(NDManager m, InterestNetwork net, List<int[]> sequences, long[] ex, int from, int to, Random rnd) {
        int interests = config.interests();
        int dim = net.dim();
        int reach = Math.max(config.longLen(), config.maxLen());
        int b = to - from;
        List<int[]> hist = new ArrayList<>(b);
        int[][] targets = new int[b][];
        for (int r = 0; r < b; r++) {
            int[] seq = sequences.get((int) (ex[from + r] >>> 32));
            int t = (int) ex[from + r];
            hist.add(Arrays.copyOfRange(seq, Math.max(0, t - reach), t));
            targets[r] = Arrays.copyOfRange(seq, t, Math.min(seq.length, t + config.window()));
        }
        NDArray r = Nn.l2Normalize(net.interestVectors(m, hist, true)); // [b, s, d]
        float[] rv = r.toFloatArray();
        for (float v : rv) {
            if (!Float.isFinite(v)) {
                throw new IllegalStateException("training diverged: interest vectors are not finite; parameters with non-finite values: "
                    + net.params().all().entrySet().stream().filter(e -> !Float.isFinite(e.getValue().abs().sum().getFloat()))
                        .map(Map.Entry::getKey).toList());
            }
        }
        float[] tv = null; // detached embeddings of every example's targets, in order, for the Java-side matching
        if (interests > 1) { // one interest takes every target: no values needed
            tv = targetValues(m, net, targets);
        }
        List<Long> rows = new ArrayList<>();
        List<Long> items = new ArrayList<>();
        int offset = 0;
        for (int row = 0; row < b; row++) {
            int[] ts = targets[row];
            int[] chosen;
            if (interests == 1) {
                chosen = new int[ts.length];
            } else {
                float[][] iv = new float[interests][];
                for (int j = 0; j < interests; j++) {
                    iv[j] = Arrays.copyOfRange(rv, (row * interests + j) * dim, (row * interests + j + 1) * dim);
                }
                float[][] tvs = new float[ts.length][];
                for (int i = 0; i < ts.length; i++) {
                    tvs[i] = Arrays.copyOfRange(tv, (offset + i) * dim, (offset + i + 1) * dim);
                }
                chosen = Dmil.assign(iv, tvs, config.matching(), config.clusterIterations());
            }
            offset += ts.length;
            for (int i = 0; i < ts.length; i++) {
                rows.add((long) row * interests + chosen[i]);
                items.add((long) ts[i]);
            }
        }
        NDArray user = Nn.scale(Nn.lookup(r.reshape((long) b * interests, dim), m.create(rows.stream().mapToLong(Long::longValue).toArray())),
            1f / (float) config.temperature());
        NDArray table = net.items();
        table.attach(m); // derived from the table it would live in the parameters' manager until the fit ends
        return Nn.softmaxLoss(m, user, Nn.l2Normalize(table), items.stream().mapToLong(Long::longValue).toArray(), config.negatives(),
            net.numItems(), rnd);
    }

    /** Current embeddings of all targets (row-major, detached, [sum of lengths, d]): only the rows needed, no graph. */
    private static float[] targetValues(NDManager m, InterestNetwork net, int[][] targets) {
        int count = 0;
        for (int[] ts : targets) {
            count += ts.length;
        }
        long[] ids = new long[count];
        int k = 0;
        for (int[] ts : targets) {
            for (int t : ts) {
                ids[k++] = t + 1L; // row 0 is padding
            }
        }
        NDArray detached = net.table().stopGradient();
        detached.attach(m);
        return Nn.lookup(detached, m.create(ids)).toFloatArray();
    }

    /** Trains the residual codebook on the current item table and makes the light model read its reconstructions. */
    private void buildCodebook(InterestNetwork net, Map<String, Object> info, int epoch) {
        long t0 = System.nanoTime();
        int k = Math.min(config.codebookK(), net.numItems());
        CodebookOptions options = CodebookOptions.defaults(Residual.fromId(config.codebook())).withSeed(seed + epoch)
            .withLayers(config.codebookLayers()).withK(Math.max(2, k));
        Codebook codebook = new CodebookTrainer(options).train(net.itemVectors(), null).codebook();
        net.readThrough(codebook); // what serving reads: each item's stamped codes decoded (nearest-centroid codes, float16 magnitudes)
        double cos = recordCodebook(net, info, "built");
        log.printf(Locale.ROOT, "codebook before epoch %d: %s, mean reconstruction cosine %.4f, %.1fs%n", epoch, codebook, cos,
            (System.nanoTime() - t0) / 1e9);
    }

    private static double recordCodebook(InterestNetwork net, Map<String, Object> info, String how) {
        double cos = net.reconstructionCosine();
        info.put("codebook", net.codebook().toString());
        info.put("codebook_reconstruction_cosine", Math.round(cos * 1e4) / 1e4);
        if (how.equals("built")) {
            info.put("codebook_builds", ((Number) info.getOrDefault("codebook_builds", 0)).intValue() + 1);
        } else {
            info.put("codebook_source", how);
        }
        return cos;
    }
}
