package io.rimirec.tools.train.tower;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.rimirec.core.tower.TowerInput;
import io.rimirec.tools.train.nn.EpochUsers;
import io.rimirec.tools.train.nn.OptimizerStep;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.core.vector.Vectors;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.generator.TargetBuilder;
import io.rimirec.tools.train.nn.TransformerParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Two-tower training of the user tower (HimiRec §2.3, Eq. 3) with a sampled softmax: per sample the positive item and
 * {@code negatives} sampled items, logits = similarity(user vector, item vector) / temperature under the tree's metric,
 * loss = −log softmax of the positive. A model that learned nothing sits at ln(1 + negatives).
 *
 * <p>Samples (docs/user-tower.md): a training user, a cut c drawn uniformly from [1, n−1], a positive drawn uniformly
 * from the next {@code window} items; its circle is the target circle of {@link TargetBuilder} (the generator's own
 * targets over those next items) that holds the positive's leaf, so training sees the circle depths the generator
 * emits; the slice is the history before c inside that circle (newest {@code maxSlice}). Without a tree every sample's
 * circle is the root and the slice the newest items of the whole history (pretraining).
 *
 * <p>Negatives: {@code (1 − globalShare)} of them from the positive's circle (hard negatives, the paper's choice), the
 * rest from the whole catalogue. The item table (the item tower) is either trained (pretraining without a tree: the
 * learned item vectors) or frozen (with a tree, so the circles stay valid for the vectors the index holds).
 */
public final class UserTowerTrainer {

    /**
     * @param window      next items a positive is drawn from (and that form the circle targets)
     * @param negatives   sampled negatives per positive
     * @param globalShare share of the negatives drawn from the whole catalogue instead of the positive's circle
     * @param temperature logits = similarity / temperature; 0 = automatic: 0.1 for cosine, else the mean squared distance
     *                    from an item to its nearest neighbour (sampled), the scale at which neighbours must be told apart
     * @param maxMinutes  stop after this many minutes (checked before every batch; 0 = no limit)
     * @param maxSamplesPerEpoch at most about this many training samples per epoch, from a random share of the users drawn
     *                    anew each epoch (0 = every user every epoch); see {@link EpochUsers}
     */
    public record Options(int epochs, int batchSize, int samplesPerUser, double validationShare, float learningRate, int patience,
                          int window, int negatives, double globalShare, float temperature, long seed, double maxMinutes,
                          int maxSamplesPerEpoch) {

        /** No cap on an epoch's samples. */
        public Options(int epochs, int batchSize, int samplesPerUser, double validationShare, float learningRate, int patience,
                       int window, int negatives, double globalShare, float temperature, long seed, double maxMinutes) {
            this(epochs, batchSize, samplesPerUser, validationShare, learningRate, patience, window, negatives, globalShare, temperature, seed,
                maxMinutes, 0);
        }

        public Options {
            if (negatives < 1) {
                throw new IllegalArgumentException("user tower negatives must be >= 1, got " + negatives);
            }
            if (!(globalShare >= 0 && globalShare <= 1)) {
                throw new IllegalArgumentException("user tower global negative share must be in [0, 1], got " + globalShare);
            }
            if (!(temperature >= 0)) {
                throw new IllegalArgumentException("user tower temperature must be > 0 (or 0 = automatic), got " + temperature);
            }
            if (window < 1) {
                throw new IllegalArgumentException("user tower window must be >= 1, got " + window);
            }
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epochs", epochs);
            m.put("batch_size", batchSize);
            m.put("samples_per_user", samplesPerUser);
            m.put("validation_share", validationShare);
            m.put("learning_rate", learningRate);
            m.put("patience", patience);
            m.put("target_window", window);
            m.put("negatives", negatives);
            m.put("global_negative_share", globalShare);
            m.put("temperature", temperature);
            m.put("seed", seed);
            m.put("max_minutes", maxMinutes);
            m.put("max_samples_per_epoch", maxSamplesPerEpoch);
            return m;
        }
    }

    /** One sample: the slice (item indexes, oldest first), its circle (a tree node; 0 = root) and the positive. */
    public record Sample(int user, int cut, int[] slice, int circleNode, int positive) {}

    /**
     * The trained tower (caller closes it), the item vectors as the index should hold them (the given ones when the
     * table was frozen; null for items without a vector), and the record of the run.
     */
    public record Result(UserTowerNetwork network, float[][] itemVectors, Map<String, Object> info, List<Sample> validation) {}

    private final List<int[]> sequences;
    private final float[][] vectors;
    private final CircleTree tree;
    private final Metric metric;
    private final UserTowerConfig config;
    private final TargetBuilder targets;
    private final Options options;
    private final int[] leafNode;
    private final int[][] members; // per tree node (only the root without a tree): items with a vector under it
    private final float temperature;

    /**
     * @param sequences per user, item indexes oldest first; every item in them must have a vector
     * @param vectors   per item, the initial (or frozen) item vector; null = the item has none
     * @param tree      the circle tree; null trains at the root only (pretraining)
     * @param targets   circle targets over the next items (ignored without a tree)
     */
    public UserTowerTrainer(List<int[]> sequences, float[][] vectors, CircleTree tree, Metric metric, UserTowerConfig config,
                            TargetBuilder targets, Options options) {
        this.sequences = sequences;
        this.vectors = vectors;
        this.tree = tree;
        this.metric = metric;
        this.config = config;
        this.targets = targets;
        this.options = options;
        if (tree != null) {
            config.vocabulary().checkCovers(tree);
            if (tree.dimension() != config.vectorDimension()) {
                throw new IllegalArgumentException("user tower vector dimension " + config.vectorDimension() + " but the tree has " + tree.dimension());
            }
        }
        this.leafNode = new int[vectors.length];
        int nodes = tree == null ? 1 : tree.nodeCount();
        List<List<Integer>> lists = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            lists.add(new ArrayList<>());
        }
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null) {
                leafNode[i] = -1;
                continue;
            }
            if (vectors[i].length != config.vectorDimension()) {
                throw new IllegalArgumentException("item " + i + " has a vector of dimension " + vectors[i].length + " but the user tower expects " + config.vectorDimension());
            }
            int node = tree == null ? 0 : tree.assignNode(vectors[i]);
            leafNode[i] = node;
            for (int n = node; n >= 0; n = tree == null ? -1 : tree.parentOf(n)) {
                lists.get(n).add(i);
            }
        }
        members = new int[nodes][];
        for (int i = 0; i < nodes; i++) {
            members[i] = lists.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        this.temperature = options.temperature > 0 ? options.temperature : metric == Metric.COSINE ? 0.1f : nearestNeighbourScale(members[0], vectors);
        for (int[] s : sequences) {
            for (int item : s) {
                if (vectors[item] == null) {
                    throw new IllegalArgumentException("item " + item + " occurs in a training sequence but has no vector");
                }
            }
        }
    }

    private static float nearestNeighbourScale(int[] items, float[][] vectors) {
        Random r = new Random(17);
        double sum = 0;
        int n = Math.min(200, items.length);
        for (int k = 0; k < n; k++) {
            float[] a = vectors[items[r.nextInt(items.length)]];
            double best = Double.POSITIVE_INFINITY;
            for (int j : items) {
                double d = Vectors.squaredDistance(a, vectors[j]);
                if (d > 0 && d < best) {
                    best = d;
                }
            }
            sum += Double.isFinite(best) ? best : 1;
        }
        return (float) Math.max(1e-6, sum / Math.max(1, n));
    }

    public UserTowerConfig config() {
        return config;
    }

    /** Chance level of the loss: ln(1 + negatives). */
    public double chanceLoss() {
        return Math.log(1 + options.negatives);
    }

    // ---- samples -------------------------------------------------------------------------------------------------

    public List<Sample> draw(int[] users, int perUser, Random random) {
        List<Sample> out = new ArrayList<>(users.length * perUser);
        for (int u : users) {
            int n = sequences.get(u).length;
            if (n < 2) {
                continue;
            }
            for (int k = 0; k < perUser; k++) {
                out.add(at(u, 1 + random.nextInt(n - 1), random));
            }
        }
        return out;
    }

    /** The sample of user {@code u} cut at {@code cut}: a random positive among the next items, its circle and slice. */
    public Sample at(int u, int cut, Random random) {
        int[] seq = sequences.get(u);
        int end = Math.min(seq.length, cut + options.window);
        int positive = seq[cut + random.nextInt(end - cut)];
        int circle = 0;
        if (tree != null) {
            int[] leaves = new int[end - cut];
            for (int i = cut; i < end; i++) {
                leaves[i - cut] = leafNode[seq[i]];
            }
            CirclePath leaf = tree.path(leafNode[positive]);
            for (TargetBuilder.Target t : targets.targets(leaves)) {
                if (t.path().contains(leaf)) {
                    circle = t.node();
                    break;
                }
            }
        }
        int[] slice = new int[Math.min(cut, config.maxSlice())];
        int n = 0;
        CirclePath c = tree == null ? CirclePath.ROOT : tree.path(circle);
        for (int i = cut - 1; i >= 0 && n < slice.length; i--) {
            if (tree == null || c.contains(tree.path(leafNode[seq[i]]))) {
                slice[n++] = seq[i];
            }
        }
        int[] chrono = new int[n];
        for (int i = 0; i < n; i++) {
            chrono[i] = slice[n - 1 - i];
        }
        return new Sample(u, cut, chrono, circle, positive);
    }

    private CirclePath circleOf(Sample s) {
        return tree == null ? CirclePath.ROOT : tree.path(s.circleNode());
    }

    /** Positive first, then the negatives: (1 − globalShare) from the positive's circle, the rest from the catalogue. */
    long[] candidates(Sample s, Random r) {
        long[] out = new long[1 + options.negatives];
        out[0] = s.positive();
        int hard = (int) Math.round(options.negatives * (1 - options.globalShare));
        int[] circle = members[s.circleNode()];
        int[] all = members[0];
        for (int i = 1; i <= options.negatives; i++) {
            int[] pool = i <= hard && circle.length > 1 ? circle : all;
            int item = pool[r.nextInt(pool.length)];
            for (int tries = 0; item == s.positive() && tries < 8; tries++) {
                item = pool[r.nextInt(pool.length)];
            }
            out[i] = item;
        }
        return out;
    }

    /** The tower input of a batch (what the parity check also feeds both runtimes), with the given item vectors. */
    public TowerInput input(List<Sample> batch, float[][] itemVectors) {
        List<TowerInput.Row> rows = new ArrayList<>(batch.size());
        for (Sample s : batch) {
            List<float[]> v = new ArrayList<>(s.slice().length);
            for (int item : s.slice()) {
                v.add(itemVectors[item]);
            }
            rows.add(new TowerInput.Row(circleOf(s), v));
        }
        return TowerInput.of(rows, config.vocabulary(), config.vectorDimension(), config.maxSlice());
    }

    // ---- training ------------------------------------------------------------------------------------------------

    /**
     * Trains on {@code users} (indexes into the sequences), holding out a share of them for validation.
     *
     * @param init       parameters to start from (matched by name and size: a pretrained tower), or null
     * @param trainItems train the item table too (only without a tree: circles must stay valid for the stored vectors)
     */
    public Result train(int[] users, NDManager manager, Map<String, float[]> init, boolean trainItems, ProgressListener listener) {
        if (trainItems && tree != null) {
            throw new IllegalArgumentException("the item table can only be trained without a tree (the tree is built on the item vectors)");
        }
        ProgressListener progress = ProgressListener.orNone(listener);
        GeneratorTrainer.configureEngine(options.seed);
        Random random = new Random(options.seed);
        List<Integer> shuffled = new ArrayList<>();
        for (int u : users) {
            shuffled.add(u);
        }
        Collections.shuffle(shuffled, new Random(options.seed ^ 0x70e4));
        int nVal = Math.min(EpochUsers.MAX_VALIDATION_USERS, Math.max(1, (int) Math.round(shuffled.size() * options.validationShare)));
        int[] valUsers = shuffled.subList(0, nVal).stream().mapToInt(Integer::intValue).toArray();
        int[] trainUsers = shuffled.subList(nVal, shuffled.size()).stream().mapToInt(Integer::intValue).toArray();
        Random valRandom = new Random(options.seed + 1);
        List<Sample> validation = draw(valUsers, 2, valRandom);
        List<long[]> valCandidates = new ArrayList<>();
        for (Sample s : validation) {
            valCandidates.add(candidates(s, valRandom));
        }

        int n = vectors.length;
        int d = config.vectorDimension();
        float[] flat = new float[n * d];
        for (int i = 0; i < n; i++) {
            if (vectors[i] != null) {
                System.arraycopy(vectors[i], 0, flat, i * d, d);
            }
        }
        NDArray table = manager.create(flat, new Shape(n, d));
        if (trainItems) {
            table.setRequiresGradient(true);
        }
        UserTowerNetwork net = new UserTowerNetwork(config, manager, options.seed);
        int loaded = init == null ? 0 : net.load(init);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(options.learningRate)).optClipGrad(5f).build();
        double chance = chanceLoss();
        System.err.printf(Locale.ROOT, "user tower: %d training users, %d validation samples, %s, %d negatives (%.0f%% global), chance loss ln(1+%d) = %.4f%s%n",
            trainUsers.length, validation.size(), tree == null ? "root circle only, item table trained" : "circles of the tree, item table frozen",
            options.negatives, 100 * options.globalShare, options.negatives, chance, loaded > 0 ? ", " + loaded + " parameters from pretraining" : "");
        double best = Double.POSITIVE_INFINITY;
        Map<String, float[]> bestParams = null;
        float[] bestTable = null;
        int bestEpoch = -1;
        int since = 0;
        List<Map<String, Object>> history = new ArrayList<>();
        long start = System.nanoTime();
        String stopReason = "max epochs";
        for (int epoch = 1; epoch <= options.epochs; epoch++) {
            List<Sample> epochSamples = draw(EpochUsers.pick(trainUsers, options.samplesPerUser, options.maxSamplesPerEpoch, random),
                options.samplesPerUser, random);
            Collections.shuffle(epochSamples, random);
            int batches = (epochSamples.size() + options.batchSize - 1) / options.batchSize;
            progress.start("user tower epoch " + epoch, batches);
            double running = 0;
            double trainSum = 0;
            int done = 0;
            for (int b = 0; b < batches; b++) {
                if (b > 0 && options.maxMinutes > 0 && (System.nanoTime() - start) / 6e10 >= options.maxMinutes) {
                    break;
                }
                List<Sample> batch = epochSamples.subList(b * options.batchSize, Math.min(epochSamples.size(), (b + 1) * options.batchSize));
                List<long[]> cands = new ArrayList<>(batch.size());
                for (Sample s : batch) {
                    cands.add(candidates(s, random));
                }
                try (NDManager step = manager.newSubManager()) {
                    float loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = loss(net, table, trainItems, step, batch, cands, true);
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    for (Map.Entry<String, NDArray> p : net.parameters().entrySet()) {
                        OptimizerStep.update(adam, p.getKey(), p.getValue(), step);
                    }
                    if (trainItems) {
                        OptimizerStep.update(adam, "items", table, step);
                    }
                    trainSum += loss;
                    running = b == 0 ? loss : 0.98 * running + 0.02 * loss;
                }
                progress.note(String.format(Locale.ROOT, "loss %.4f", running));
                progress.advance(1);
                done++;
            }
            progress.finish();
            double val = validationLoss(net, table, trainItems, manager, validation, valCandidates);
            double minutes = (System.nanoTime() - start) / 6e10;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", epoch);
            e.put("train_loss", round(trainSum / Math.max(1, done)));
            if (done < batches) {
                e.put("batches", done + " of " + batches);
            }
            e.put("validation_loss", round(val));
            e.put("minutes", round(minutes));
            history.add(e);
            System.err.printf(Locale.ROOT, "user tower epoch %d: train %.4f, validation %.4f (chance %.4f), %.1f min%n",
                epoch, trainSum / Math.max(1, done), val, chance, minutes);
            if (val < best - 1e-4) {
                best = val;
                bestEpoch = epoch;
                bestParams = net.snapshot();
                bestTable = trainItems ? table.toFloatArray() : null;
                since = 0;
            } else if (++since >= options.patience) {
                stopReason = "early stop: no validation improvement for " + options.patience + " epochs";
                break;
            }
            if (options.maxMinutes > 0 && minutes >= options.maxMinutes) {
                stopReason = "time limit " + options.maxMinutes + " min";
                break;
            }
        }
        if (bestParams != null) {
            net.load(bestParams);
            if (bestTable != null) {
                table.set(bestTable);
            }
        }
        float[][] stored = storedVectors(table, trainItems);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("training_users", trainUsers.length);
        info.put("validation_users", valUsers.length);
        info.put("validation_samples", validation.size());
        info.put("parameters", net.parameterCount());
        info.put("circles", tree == null ? "root only (pretraining)" : "generator targets over the next items (TargetBuilder " + targets.describe() + ")");
        info.put("item_table", trainItems ? "trained" : "frozen");
        info.put("options", options.toMap());
        info.put("best_epoch", bestEpoch);
        info.put("best_validation_loss", round(best));
        info.put("chance_loss", round(chance));
        info.put("temperature", round(temperature));
        info.put("loss", "sampled softmax over the positive and the negatives, logits = " + metric.id() + " similarity / temperature (nats)");
        info.put("stop", stopReason);
        info.put("training_minutes", round((System.nanoTime() - start) / 6e10));
        info.put("epochs", history);
        info.put("validation_in_circle", inCircleHits(net, stored, manager, validation, 10));
        System.err.printf(Locale.ROOT, "user tower: best validation loss %.4f (chance %.4f) at epoch %d; in-circle hit@10 %s%n",
            best, chance, bestEpoch, info.get("validation_in_circle"));
        return new Result(net, stored, info, validation);
    }

    /** Item vectors as the index will hold them: normalised rows of a trained table under cosine, else the table. */
    private float[][] storedVectors(NDArray table, boolean trained) {
        float[] flat = table.toFloatArray();
        int d = config.vectorDimension();
        float[][] out = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] != null) {
                out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
                if (trained && metric == Metric.COSINE) {
                    Vectors.normalizeInPlace(out[i]);
                }
            }
        }
        return out;
    }

    /**
     * The table as the index will hold it, for one step. Arrays derived from the table land in the table's manager,
     * which lives for the whole training: they are attached to the step's manager {@code m}, or every step would leave an
     * items × dimension array behind (issue 15: resident memory grew by a gigabyte every 15 s on a 12k-item catalogue).
     */
    private NDArray stored(NDArray table, boolean trained, NDManager m) {
        if (trained && metric == Metric.COSINE) {
            NDArray norm = table.norm(new int[] {1}, true);
            norm.attach(m);
            NDArray unit = table.div(norm.add(1e-8f));
            unit.attach(m);
            return unit;
        }
        return table;
    }

    /** The batch loss (a scalar): mean over samples of −log softmax(positive) over [positive, negatives]. */
    NDArray loss(UserTowerNetwork net, NDArray table, boolean trained, NDManager m, List<Sample> batch, List<long[]> cands, boolean training) {
        NDArray items = stored(table, trained, m);
        int b = batch.size();
        int s = 1;
        for (Sample x : batch) {
            s = Math.max(s, x.slice().length);
        }
        long[] idx = new long[b * s];
        long[] pos = new long[b * s];
        float[] mask = new float[b * s];
        int levels = config.levels();
        long[] circles = new long[b * levels];
        var vocab = config.vocabulary();
        for (int i = 0; i < b; i++) {
            Sample x = batch.get(i);
            int k = x.slice().length;
            for (int j = 0; j < k; j++) {
                idx[i * s + j] = x.slice()[j];
                pos[i * s + j] = k - 1 - j;
                mask[i * s + j] = 1f;
            }
            CirclePath c = circleOf(x);
            for (int l = 0; l < c.depth(); l++) {
                circles[i * levels + l] = vocab.token(l, c.index(l));
            }
        }
        long[] cand = new long[b * (1 + options.negatives)];
        for (int i = 0; i < b; i++) {
            System.arraycopy(cands.get(i), 0, cand, i * (1 + options.negatives), 1 + options.negatives);
        }
        NDArray v = Embedding.embedding(m.create(idx, new Shape(b, s)), items, SparseFormat.DENSE).singletonOrThrow();
        NDArray u = net.forward(v, m.create(pos, new Shape(b, s)), m.create(mask, new Shape(b, s)), m.create(circles, new Shape(b, levels)), training);
        NDArray c = Embedding.embedding(m.create(cand, new Shape(b, 1 + options.negatives)), items, SparseFormat.DENSE).singletonOrThrow();
        NDArray logits = TransformerParams.scale(similarity(u, c), 1f / temperature);
        return logits.logSoftmax(1).get(":, 0").mean().neg();
    }

    /** [b, d] users against [b, k, d] items under the metric: [b, k]. */
    private NDArray similarity(NDArray u, NDArray c) {
        NDArray ue = u.expandDims(1);
        return switch (metric) {
            case COSINE -> c.div(c.norm(new int[] {2}, true).add(1e-8f)).mul(ue.div(ue.norm(new int[] {2}, true).add(1e-8f))).sum(new int[] {2});
            case INNER_PRODUCT -> c.mul(ue).sum(new int[] {2});
            case L2 -> c.sub(ue).square().sum(new int[] {2}).neg();
        };
    }

    private double validationLoss(UserTowerNetwork net, NDArray table, boolean trained, NDManager manager, List<Sample> validation, List<long[]> cands) {
        double sum = 0;
        int bs = Math.max(1, options.batchSize);
        for (int b = 0; b < validation.size(); b += bs) {
            int e = Math.min(validation.size(), b + bs);
            try (NDManager step = manager.newSubManager()) {
                sum += loss(net, table, trained, step, validation.subList(b, e), cands.subList(b, e), false).getFloat() * (e - b);
            }
        }
        return sum / Math.max(1, validation.size());
    }

    /**
     * What serving does with a user vector, on the validation samples: rank every item of the sample's circle (minus
     * the user's history before the cut) by the metric, and count the positive in the top {@code k}; the same for the
     * mean-of-slice vector (the untrained default) so the record shows what the tower adds.
     */
    private Map<String, Object> inCircleHits(UserTowerNetwork net, float[][] stored, NDManager manager, List<Sample> validation, int k) {
        int hitsTower = 0;
        int hitsMean = 0;
        int bs = Math.max(1, options.batchSize);
        for (int b = 0; b < validation.size(); b += bs) {
            List<Sample> batch = validation.subList(b, Math.min(validation.size(), b + bs));
            float[] users;
            TowerInput in = input(batch, stored);
            try (NDManager step = manager.newSubManager()) {
                users = net.forward(step.create(in.vectors, new Shape(in.batch, in.length, in.dimension)), step.create(in.positions, new Shape(in.batch, in.length)),
                    step.create(in.mask, new Shape(in.batch, in.length)), step.create(in.circles, new Shape(in.batch, in.levels)), false).toFloatArray();
            }
            int d = config.vectorDimension();
            for (int i = 0; i < batch.size(); i++) {
                Sample s = batch.get(i);
                float[] u = Arrays.copyOfRange(users, i * d, (i + 1) * d);
                List<float[]> slice = new ArrayList<>();
                int[] seq = sequences.get(s.user());
                int[] source = s.slice().length > 0 ? s.slice() : Arrays.copyOfRange(seq, Math.max(0, s.cut() - config.maxSlice()), s.cut());
                for (int item : source) {
                    slice.add(stored[item]);
                }
                float[] mean = Vectors.normalizedMean(slice);
                java.util.BitSet seen = new java.util.BitSet(stored.length);
                for (int j = 0; j < s.cut(); j++) {
                    seen.set(seq[j]);
                }
                if (seen.get(s.positive())) {
                    continue; // a re-consumed item can never be recommended when history is excluded
                }
                hitsTower += rank(u, s, stored, seen) < k ? 1 : 0;
                hitsMean += rank(mean, s, stored, seen) < k ? 1 : 0;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", k);
        m.put("samples", validation.size());
        m.put("user_tower_hit_rate", round((double) hitsTower / Math.max(1, validation.size())));
        m.put("mean_of_slice_hit_rate", round((double) hitsMean / Math.max(1, validation.size())));
        return m;
    }

    private int rank(float[] user, Sample s, float[][] stored, java.util.BitSet seen) {
        float p = metric.similarity(user, stored[s.positive()]);
        int above = 0;
        for (int item : members[s.circleNode()]) {
            if (item != s.positive() && !seen.get(item) && metric.similarity(user, stored[item]) > p) {
                above++;
            }
        }
        return above;
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
