package io.rimirec.tools.train.generator;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Embedding;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.rimirec.core.generate.CircleVocabulary;
import io.rimirec.tools.train.nn.EpochUsers;
import io.rimirec.tools.train.nn.OptimizerStep;
import io.rimirec.core.generate.EncoderInput;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link GeneratorNetwork} with Adam on samples from {@link TrainingSamples}: loss = per sample, the
 * expected negative log-likelihood of its target paths (weights normalised to 1 per sample), with the softmax
 * at each step restricted to the tokens the tree allows there (the beam search's own masking). Validation loss
 * is computed on held-out users every epoch; the best epoch's parameters are kept and training stops after
 * {@code patience} epochs without improvement, or at the time limit (checked before every batch; the partial
 * epoch is validated and kept if it is the best).
 */
public final class GeneratorTrainer {

    /**
     * @param epochs           upper bound on epochs
     * @param batchSize        samples (histories) per step
     * @param samplesPerUser   cuts drawn per training user per epoch
     * @param validationShare  share of the given users held out for validation (split by user)
     * @param learningRate     Adam learning rate
     * @param patience         epochs without validation improvement before stopping
     * @param window           next items that form the targets
     * @param seed             everything random (split, cuts, init, dropout) derives from it
     * @param maxMinutes       stop after this many minutes of training (0 = no limit)
     */
    public record Options(int epochs, int batchSize, int samplesPerUser, double validationShare, float learningRate, int patience, int window, long seed,
                          double maxMinutes, int maxSamplesPerEpoch) {

        /** No cap on an epoch's samples. */
        public Options(int epochs, int batchSize, int samplesPerUser, double validationShare, float learningRate, int patience, int window, long seed,
                       double maxMinutes) {
            this(epochs, batchSize, samplesPerUser, validationShare, learningRate, patience, window, seed, maxMinutes, 0);
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
            m.put("seed", seed);
            m.put("max_minutes", maxMinutes);
            m.put("max_samples_per_epoch", maxSamplesPerEpoch);
            return m;
        }
    }

    /** The trained network (caller closes it) and the record of the run. */
    public record Result(GeneratorNetwork network, Map<String, Object> info, List<TrainingSamples.Sample> validation) {}

    private final SequenceData data;
    private final CircleTree tree;
    private final CircleVocabulary vocab;
    private final GeneratorConfig config;
    private final TrainingSamples samples;
    private final Options options;

    public GeneratorTrainer(SequenceData data, GeneratorConfig config, TargetBuilder targets, Options options) {
        this.data = data;
        this.tree = data.tree();
        this.vocab = new CircleVocabulary(config.levels(), config.fanOut());
        vocab.checkCovers(tree);
        this.config = config;
        this.options = options;
        this.samples = new TrainingSamples(data, new io.rimirec.core.generate.HistoryWindow(config.maxHistory(), config.recentHistory()), targets, options.window);
    }

    /** The sequences it trains on. */
    public SequenceData data() {
        return data;
    }

    public TrainingSamples samples() {
        return samples;
    }

    /** Trains on {@code users} (indexes into the data), holding out a share of them for validation. */
    public Result train(int[] users, NDManager manager) {
        return train(users, manager, ProgressListener.NONE);
    }

    /** As {@link #train(int[], NDManager)}, reporting each epoch's batches and running loss to {@code listener}. */
    public Result train(int[] users, NDManager manager, ProgressListener listener) {
        ProgressListener progress = ProgressListener.orNone(listener);
        configureEngine(options.seed);
        Random random = new Random(options.seed);
        List<Integer> shuffled = new ArrayList<>();
        for (int u : users) {
            shuffled.add(u);
        }
        Collections.shuffle(shuffled, new Random(options.seed ^ 0x5eed));
        int nVal = Math.min(EpochUsers.MAX_VALIDATION_USERS, Math.max(1, (int) Math.round(shuffled.size() * options.validationShare)));
        int[] valUsers = shuffled.subList(0, nVal).stream().mapToInt(Integer::intValue).toArray();
        int[] trainUsers = shuffled.subList(nVal, shuffled.size()).stream().mapToInt(Integer::intValue).toArray();
        List<TrainingSamples.Sample> validation = samples.draw(valUsers, 2, new Random(options.seed + 1));
        Random priorRandom = new Random(options.seed + 2);
        List<TrainingSamples.Sample> priorSamples = samples.draw(EpochUsers.pick(trainUsers, options.samplesPerUser, options.maxSamplesPerEpoch,
            priorRandom), options.samplesPerUser, priorRandom);
        double stepPrior = new CirclePrior(tree, vocab, CirclePrior.Kind.STEP, priorSamples).loss(validation);
        double triePrior = new CirclePrior(tree, vocab, CirclePrior.Kind.TRIE, priorSamples).loss(validation);
        System.err.printf(Locale.ROOT, "generator: %d training users, %d validation users (%d samples); prior validation loss: per-step %.4f, per-circle %.4f%n",
            trainUsers.length, valUsers.length, validation.size(), stepPrior, triePrior);

        GeneratorNetwork net = new GeneratorNetwork(config, manager, options.seed);
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(options.learningRate)).optClipGrad(5f).build();
        double best = Double.POSITIVE_INFINITY;
        Map<String, float[]> bestParams = null;
        int bestEpoch = -1;
        int since = 0;
        List<Map<String, Object>> history = new ArrayList<>();
        long start = System.nanoTime();
        String stopReason = "max epochs";
        for (int epoch = 1; epoch <= options.epochs; epoch++) {
            List<TrainingSamples.Sample> epochSamples = samples.draw(EpochUsers.pick(trainUsers, options.samplesPerUser,
                options.maxSamplesPerEpoch, random), options.samplesPerUser, random);
            Collections.shuffle(epochSamples, random);
            int batches = (epochSamples.size() + options.batchSize - 1) / options.batchSize;
            progress.start("epoch " + epoch, batches);
            double running = 0;
            double trainSum = 0;
            int done = 0;
            for (int b = 0; b < batches; b++) {
                if (b > 0 && options.maxMinutes > 0 && (System.nanoTime() - start) / 6e10 >= options.maxMinutes) {
                    break; // the time limit holds mid-epoch too: the partial epoch is validated below
                }
                List<TrainingSamples.Sample> batch = epochSamples.subList(b * options.batchSize, Math.min(epochSamples.size(), (b + 1) * options.batchSize));
                try (NDManager step = manager.newSubManager()) {
                    float loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = loss(net, step, batch, true);
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    for (Map.Entry<String, NDArray> p : net.parameters().entrySet()) {
                        OptimizerStep.update(adam, p.getKey(), p.getValue(), step);
                    }
                    trainSum += loss;
                    running = b == 0 ? loss : 0.98 * running + 0.02 * loss;
                }
                progress.note(String.format(Locale.ROOT, "loss %.4f", running));
                progress.advance(1);
                done++;
            }
            progress.finish();
            double val = validationLoss(net, manager, validation);
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
            System.err.printf(Locale.ROOT, "epoch %d: train %.4f, validation %.4f (per-step prior %.4f, per-circle prior %.4f), %.1f min%n",
                epoch, trainSum / Math.max(1, done), val, stepPrior, triePrior, minutes);
            if (val < best - 1e-4) {
                best = val;
                bestEpoch = epoch;
                bestParams = snapshot(net);
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
            restore(net, bestParams);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("data", data.name());
        info.put("data_fingerprint", data.fingerprint());
        info.put("training_users", trainUsers.length);
        info.put("validation_users", valUsers.length);
        info.put("validation_samples", validation.size());
        info.put("parameters", net.parameterCount());
        info.put("options", options.toMap());
        info.put("best_epoch", bestEpoch);
        info.put("best_validation_loss", round(best));
        info.put("prior_validation_loss_per_step", round(stepPrior));
        info.put("prior_validation_loss_per_circle", round(triePrior));
        info.put("loss", "mean over samples of the expected negative log-likelihood (nats) of the sample's target paths, trie-normalised softmax");
        info.put("stop", stopReason);
        info.put("training_minutes", round((System.nanoTime() - start) / 6e10));
        info.put("epochs", history);
        return new Result(net, info, validation);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /** One torch thread is faster on small machines; seeds dropout. Must run before the engine starts. */
    public static void configureEngine(long seed) {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    }

    public double validationLoss(GeneratorNetwork net, NDManager manager, List<TrainingSamples.Sample> validation) {
        double sum = 0;
        int bs = Math.max(1, options.batchSize);
        for (int b = 0; b < validation.size(); b += bs) {
            List<TrainingSamples.Sample> batch = validation.subList(b, Math.min(validation.size(), b + bs));
            try (NDManager step = manager.newSubManager()) {
                sum += loss(net, step, batch, false).getFloat() * batch.size();
            }
        }
        return sum / validation.size();
    }

    private static Map<String, float[]> snapshot(GeneratorNetwork net) {
        Map<String, float[]> m = new LinkedHashMap<>();
        net.parameters().forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    private static void restore(GeneratorNetwork net, Map<String, float[]> params) {
        net.parameters().forEach((k, v) -> v.set(params.get(k)));
    }

    /** The encoder input of a batch of samples (also what the parity check feeds both runtimes). */
    public EncoderInput encoderInput(List<TrainingSamples.Sample> batch) {
        List<EncoderInput.History> hs = new ArrayList<>(batch.size());
        for (TrainingSamples.Sample s : batch) {
            List<float[]> v = new ArrayList<>(s.history().length);
            List<CirclePath> p = new ArrayList<>(s.history().length);
            for (int item : s.history()) {
                v.add(data.vectors()[item]);
                p.add(tree.path(data.leaves()[item]));
            }
            hs.add(new EncoderInput.History(v, p));
        }
        return EncoderInput.of(hs, vocab, config.vectorDimension());
    }

    public static NDArray[] encoderArrays(NDManager m, EncoderInput in) {
        return new NDArray[] {
            m.create(in.vectors, new Shape(in.batch, in.length, in.dimension)),
            m.create(in.circles, new Shape(in.batch, in.length, in.levels)),
            m.create(in.positions, new Shape(in.batch, in.length)),
            m.create(in.mask, new Shape(in.batch, in.length)),
        };
    }

    /** The batch loss (a scalar): see the class comment. */
    NDArray loss(GeneratorNetwork net, NDManager m, List<TrainingSamples.Sample> batch, boolean training) {
        EncoderInput in = encoderInput(batch);
        NDArray[] enc = encoderArrays(m, in);
        int t = config.maxDecodeLength();
        int v = vocab.size();
        int paths = 0;
        for (TrainingSamples.Sample s : batch) {
            paths += s.targets().size();
        }
        long[] owner = new long[paths];
        long[] decIn = new long[paths * t];
        long[] decOut = new long[paths * t];
        float[] weight = new float[paths * t];
        float[] bias = new float[paths * t * v];
        float[] memMask = new float[paths * in.length];
        java.util.Arrays.fill(bias, io.rimirec.tools.train.nn.TransformerParams.NEG);
        int p = 0;
        for (int s = 0; s < batch.size(); s++) {
            double total = 0;
            for (TargetBuilder.Target tg : batch.get(s).targets()) {
                total += tg.weight();
            }
            for (TargetBuilder.Target tg : batch.get(s).targets()) {
                owner[p] = s;
                System.arraycopy(in.mask, s * in.length, memMask, p * in.length, in.length);
                CirclePath path = tg.path();
                float w = (float) (tg.weight() / total / batch.size());
                int node = 0;
                decIn[p * t] = CircleVocabulary.BOS;
                for (int j = 0; j <= path.depth(); j++) {
                    int token = j == path.depth() ? CircleVocabulary.EOS : vocab.token(j, path.index(j));
                    decOut[p * t + j] = token;
                    weight[p * t + j] = w;
                    if (j + 1 < t) {
                        decIn[p * t + j + 1] = token == CircleVocabulary.EOS ? CircleVocabulary.PAD : token;
                    }
                    int row = (p * t + j) * v;
                    for (int c = 0; c < tree.childCount(node); c++) {
                        bias[row + vocab.token(tree.depth(node), c)] = 0f;
                    }
                    if (node != 0) {
                        bias[row + CircleVocabulary.EOS] = 0f;
                    }
                    if (token != CircleVocabulary.EOS) {
                        node = tree.child(node, path.index(j));
                    }
                }
                for (int j = path.depth() + 1; j < t; j++) {
                    java.util.Arrays.fill(bias, (p * t + j) * v, (p * t + j + 1) * v, 0f); // unused positions: any finite row
                }
                p++;
            }
        }
        NDArray memory = net.encode(enc[0], enc[1], enc[2], enc[3], training);
        long d = config.width();
        NDArray ownerArr = m.create(owner, new Shape(paths));
        NDArray memP = Embedding.embedding(ownerArr, memory.reshape(batch.size(), in.length * d), ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow().reshape(paths, in.length, d);
        NDArray logits = net.decode(memP, m.create(memMask, new Shape(paths, in.length)), m.create(decIn, new Shape(paths, t)), training);
        NDArray logp = logits.add(m.create(bias, new Shape(paths, t, v))).logSoftmax(-1);
        NDArray picked = logp.gather(m.create(decOut, new Shape(paths, t, 1)), 2).squeeze(2);
        return picked.mul(m.create(weight, new Shape(paths, t))).sum().neg();
    }
}
