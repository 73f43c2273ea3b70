package io.rimirec.tools.train.pipeline;

import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.interest.InterestConfig;
import io.rimirec.tools.train.tower.UserTowerConfig;
import io.rimirec.tools.train.tower.UserTowerTrainer;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every knob of a {@link RimirecPipeline} fit, by the names {@code rimirec train --set} and {@code rimirec eval --set}
 * both use, in one place: the evaluation's rimirec rows and a user's deployment fit are built from the same settings
 * by the same {@link #options}.
 *
 * <p>{@link #EVALUATION} is the configuration docs/evaluation.md measured on ML-1M; {@link #forData} starts from it and
 * adapts only what the data's shape forces (the tree's leaf capacity so the tree has depth, the vector dimension for a
 * small catalogue, the history window for short sequences), saying why. No knob is tuned to one data set and no default
 * stops training on time: every part stops on epochs and early stopping on its validation users.
 *
 * @param vectors          learned (from interactions; given vectors only initialise the table) or content (given vectors as they are)
 * @param tower            a trained user tower; false = the mean of the history inside each circle
 * @param generatorMinutes 0 = no time limit (so are pretrainMinutes and towerMinutes)
 * @param maxSamplesPerEpoch 0 = every user every epoch; else each part's epoch trains on about this many samples from a
 *                         random share of the users, a new share each epoch
 */
public record FitSettings(RimirecPipeline.ItemVectors vectors, boolean tower, int dim, int k, int c, int maxHistory, int recent, int width,
                          int heads, int layers, int ffn, double dropout, int epochs, int samplesPerUser, double generatorMinutes,
                          int towerMaxSlice, int towerWidth, int towerLayers, int towerEpochs, int towerSamples, int negatives,
                          double globalShare, double pretrainMinutes, double towerMinutes, int pretrainPatience, int maxSamplesPerEpoch) {

    /** The ML-1M configuration of docs/evaluation.md (the rimirec-bN rows). */
    public static final FitSettings EVALUATION = new FitSettings(RimirecPipeline.ItemVectors.LEARNED, true, 64, 4, 250, 30, 15, 32, 4, 1,
        128, 0.1, 30, 1, 0, 50, 64, 1, 30, 4, 128, 0.5, 0, 0, 5, 0);

    /** Samples per epoch above which an epoch visits a random share of the users ({@link #forData}). */
    public static final int SAMPLES_PER_EPOCH_CAP = 400_000;

    /** The shape of the training data, what {@link #forData} decides from. */
    public record DataShape(int users, int items, long interactions, double medianLength, int givenDimension) {}

    /** Settings and, per setting that differs from {@link #EVALUATION} or was chosen from the data, why. */
    public record Chosen(FitSettings settings, Map<String, String> reasons) {}

    /** Training examples per epoch the interest model aims at ({@link #interestModelFor}). */
    static final int INTEREST_SAMPLES_PER_EPOCH = 60_000;

    /** The HyMiRec interest model's settings for a data set and, per setting changed from its defaults, why. */
    public record ChosenInterest(InterestConfig config, Map<String, String> reasons) {}

    /** Catalogues above this many items train the interest model on sampled negatives instead of a softmax over all items. */
    static final int INTEREST_FULL_SOFTMAX_ITEMS = 8192;

    /**
     * Defaults of the interest model {@code rimirec train --hymirec} fits beside the circles: HyMiRec's (docs/hymirec.md),
     * fitted to the data so a fit costs about the same whatever its size: about {@value #INTEREST_SAMPLES_PER_EPOCH}
     * examples per epoch over 10 epochs; history windows no longer than users' sequences go (a transformer pays for every
     * padded position); and a softmax over sampled negatives above {@value #INTEREST_FULL_SOFTMAX_ITEMS} items (every
     * example scores the whole catalogue otherwise).
     */
    public static ChosenInterest interestModelFor(DataShape shape, int trainingUsers, int dimension) {
        Map<String, String> why = new LinkedHashMap<>();
        int perUser = (int) Math.max(1, Math.min(20, Math.round((double) INTEREST_SAMPLES_PER_EPOCH / Math.max(1, trainingUsers))));
        InterestConfig c = InterestConfig.DEFAULTS.with("perUser", Integer.toString(perUser)).with("epochs", "10")
            .with("dim", Integer.toString(dimension));
        why.put("perUser", perUser + ": about " + INTEREST_SAMPLES_PER_EPOCH + " examples per epoch over " + trainingUsers + " users (1 to 20 each)");
        why.put("epochs", "10: with about " + INTEREST_SAMPLES_PER_EPOCH + " examples each");
        why.put("dim", dimension + ": the item vectors' length (it reads and scores the served vectors, held constant)");
        why.put("codebook", "the bundle's codebook when there is one, else the long history is read as vectors");
        int maxLen = (int) Math.max(10, Math.min(InterestConfig.DEFAULTS.maxLen(), Math.ceil(2 * shape.medianLength())));
        if (maxLen != InterestConfig.DEFAULTS.maxLen()) {
            int longLen = Math.max(maxLen, Math.min(InterestConfig.DEFAULTS.longLen(), 4 * maxLen));
            c = c.with("maxLen", Integer.toString(maxLen)).with("longLen", Integer.toString(longLen));
            why.put("maxLen", maxLen + ": twice the median sequence (" + Math.round(shape.medianLength()) + " items), at least 10");
            why.put("longLen", longLen + ": four times maxLen");
        }
        if ((long) perUser * trainingUsers > 2L * INTEREST_SAMPLES_PER_EPOCH) {
            c = c.with("maxExamples", Integer.toString(INTEREST_SAMPLES_PER_EPOCH));
            why.put("maxExamples", INTEREST_SAMPLES_PER_EPOCH + ": " + trainingUsers + " users give " + (long) perUser * trainingUsers
                + " examples per epoch; each epoch trains on a random share of them, a new share each time");
        }
        if (shape.items() > INTEREST_FULL_SOFTMAX_ITEMS) {
            c = c.with("negatives", "2048");
            why.put("negatives", "2048: " + shape.items() + " items; a softmax over sampled negatives instead of the whole catalogue for every example");
        }
        return new ChosenInterest(c, why);
    }

    /**
     * Defaults for a data set: {@link #EVALUATION}, with the tree's leaf capacity, the vector dimension and the history
     * window fitted to the catalogue and the sequences.
     */
    public static Chosen forData(DataShape shape, boolean givenVectors) {
        Map<String, String> why = new LinkedHashMap<>();
        FitSettings s = EVALUATION;
        if (givenVectors) {
            s = s.with("vectors", "content");
            why.put("vectors", "content: the items file has vectors for the items, and the tree is built on them as they are");
        } else {
            why.put("vectors", "learned: from the interactions (a PPMI start, then root-circle pretraining)"
                + (shape.givenDimension() > 0 ? ", starting from the items file's vectors" : ""));
        }
        if (shape.givenDimension() > 0) {
            s = s.with("dim", Integer.toString(shape.givenDimension()));
            why.put("dim", shape.givenDimension() + ": the given vectors' length");
        } else {
            int dim = shape.items() < 2000 ? 32 : 64;
            s = s.with("dim", Integer.toString(dim));
            why.put("dim", dim + (dim == 32 ? ": fewer than 2,000 items (a 64-d table overfits a small catalogue)" : ": 2,000 items or more"));
        }
        // k = 4 (the paper's); c so the tree is at least two levels deep: a one-level tree has no sub-topics to
        // tell apart from whole topics, which is the point of circles.
        // The root's k children hold about items / k each; a leaf capacity below that splits them once more.
        int c = (int) Math.max(10, Math.min(250, Math.floor(shape.items() / 8.0)));
        s = s.with("c", Integer.toString(c));
        why.put("k", "4: the paper's branching");
        why.put("c", c + (c == 250 ? ": the paper's leaf capacity; the tree has at least two levels with it"
            : ": items / 8 (at least 10), so the tree has at least two levels under the root"));
        // The generator reads at most 30 history items, the newest 15 with their own embedding (the evaluation's); short
        // sequences need no longer window.
        int history = (int) Math.max(10, Math.min(30, Math.ceil(shape.medianLength())));
        if (history != s.maxHistory()) {
            s = s.with("maxHistory", Integer.toString(history)).with("recent", Integer.toString(Math.max(5, history / 2)));
            why.put("maxHistory", history + ": the median sequence has " + Math.round(shape.medianLength()) + " items");
        }
        // Samples per user: enough training examples per epoch when users are few.
        int samples = shape.users() < 2000 ? 4 : 1;
        if (samples != s.samplesPerUser()) {
            s = s.with("samplesPerUser", Integer.toString(samples));
            why.put("samplesPerUser", samples + ": fewer than 2,000 users, so each gives several training examples per epoch");
        }
        // An epoch over every user costs time in proportion to the users; above this many samples an epoch visits a
        // random share of them (a new share each epoch), so a million users fit in about the time of a few hundred thousand.
        long samplesPerEpoch = (long) shape.users() * Math.max(s.samplesPerUser(), s.towerSamples());
        if (samplesPerEpoch > SAMPLES_PER_EPOCH_CAP) {
            s = s.with("maxSamplesPerEpoch", Integer.toString(SAMPLES_PER_EPOCH_CAP));
            why.put("maxSamplesPerEpoch", SAMPLES_PER_EPOCH_CAP + ": " + shape.users() + " users give " + samplesPerEpoch
                + " samples per epoch; each epoch trains on a random share of them, a new share each time");
        }
        why.put("epochs", "at most " + s.epochs() + " per part, each stopped early on its validation users (no time limit)");
        return new Chosen(s, why);
    }

    /** This setting with one knob changed, by its name; an unknown name or a bad value is an error naming both. */
    public FitSettings with(String name, String value) {
        try {
            return switch (name) {
                case "vectors" -> copy(RimirecPipeline.ItemVectors.parse(value), tower, dim, k, c, maxHistory, recent, width, heads, layers, ffn,
                    dropout, epochs, samplesPerUser, generatorMinutes, towerMaxSlice, towerWidth, towerLayers, towerEpochs, towerSamples, negatives,
                    globalShare, pretrainMinutes, towerMinutes, pretrainPatience, maxSamplesPerEpoch);
                case "userVectors" -> copy(vectors, switch (value) {
                        case "tower" -> true;
                        case "mean" -> false;
                        default -> throw new IllegalArgumentException("must be tower or mean");
                    }, dim, k, c, maxHistory, recent, width, heads, layers, ffn, dropout, epochs, samplesPerUser, generatorMinutes, towerMaxSlice,
                    towerWidth, towerLayers, towerEpochs, towerSamples, negatives, globalShare, pretrainMinutes, towerMinutes, pretrainPatience,
                    maxSamplesPerEpoch);
                default -> withNumber(name, value);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting [" + name + "=" + value + "]: " + e.getMessage(), e);
        }
    }

    private FitSettings withNumber(String name, String value) {
        Map<String, Object> m = toMap();
        if (!m.containsKey(name)) {
            throw new IllegalArgumentException("unknown setting; known: " + String.join(", ", m.keySet()));
        }
        double v = Double.parseDouble(value.trim());
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("must be a number >= 0");
        }
        if (m.get(name) instanceof Integer && v != Math.rint(v)) {
            throw new IllegalArgumentException("must be a whole number");
        }
        m.put(name, m.get(name) instanceof Integer ? (Object) (int) v : (Object) v);
        FitSettings s = fromMap(m);
        if (s.k() < 2 || s.c() < 1 || s.dim() < 2 || s.epochs() < 1 || s.width() < 1 || s.heads() < 1 || s.width() % s.heads() != 0) {
            throw new IllegalArgumentException("out of range (k >= 2, c >= 1, dim >= 2, epochs >= 1, width a multiple of heads)");
        }
        return s;
    }

    /** Name → value, every knob (the names {@link #with} takes). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vectors", vectors.name().toLowerCase(Locale.ROOT));
        m.put("userVectors", tower ? "tower" : "mean");
        m.put("dim", dim);
        m.put("k", k);
        m.put("c", c);
        m.put("maxHistory", maxHistory);
        m.put("recent", recent);
        m.put("width", width);
        m.put("heads", heads);
        m.put("layers", layers);
        m.put("ffn", ffn);
        m.put("dropout", dropout);
        m.put("epochs", epochs);
        m.put("samplesPerUser", samplesPerUser);
        m.put("maxMinutes", generatorMinutes);
        m.put("towerMaxSlice", towerMaxSlice);
        m.put("towerWidth", towerWidth);
        m.put("towerLayers", towerLayers);
        m.put("towerEpochs", towerEpochs);
        m.put("towerSamples", towerSamples);
        m.put("negatives", negatives);
        m.put("globalShare", globalShare);
        m.put("pretrainMinutes", pretrainMinutes);
        m.put("towerMinutes", towerMinutes);
        m.put("pretrainPatience", pretrainPatience);
        m.put("maxSamplesPerEpoch", maxSamplesPerEpoch);
        return m;
    }

    private static FitSettings fromMap(Map<String, Object> m) {
        return new FitSettings(RimirecPipeline.ItemVectors.parse((String) m.get("vectors")), "tower".equals(m.get("userVectors")), i(m, "dim"),
            i(m, "k"), i(m, "c"), i(m, "maxHistory"), i(m, "recent"), i(m, "width"), i(m, "heads"), i(m, "layers"), i(m, "ffn"), d(m, "dropout"),
            i(m, "epochs"), i(m, "samplesPerUser"), d(m, "maxMinutes"), i(m, "towerMaxSlice"), i(m, "towerWidth"), i(m, "towerLayers"),
            i(m, "towerEpochs"), i(m, "towerSamples"), i(m, "negatives"), d(m, "globalShare"), d(m, "pretrainMinutes"), d(m, "towerMinutes"),
            i(m, "pretrainPatience"), i(m, "maxSamplesPerEpoch"));
    }

    private static int i(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).intValue();
    }

    private static double d(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }

    private static FitSettings copy(RimirecPipeline.ItemVectors vectors, boolean tower, int dim, int k, int c, int maxHistory, int recent, int width,
                                    int heads, int layers, int ffn, double dropout, int epochs, int samplesPerUser, double generatorMinutes,
                                    int towerMaxSlice, int towerWidth, int towerLayers, int towerEpochs, int towerSamples, int negatives,
                                    double globalShare, double pretrainMinutes, double towerMinutes, int pretrainPatience, int maxSamplesPerEpoch) {
        return new FitSettings(vectors, tower, dim, k, c, maxHistory, recent, width, heads, layers, ffn, dropout, epochs, samplesPerUser,
            generatorMinutes, towerMaxSlice, towerWidth, towerLayers, towerEpochs, towerSamples, negatives, globalShare, pretrainMinutes,
            towerMinutes, pretrainPatience, maxSamplesPerEpoch);
    }

    /** The pipeline's options for these settings (what the evaluation and {@code rimirec train} both run). */
    public RimirecPipeline.Options options(long seed, int threads) {
        UserTowerConfig towerShape = new UserTowerConfig(dim, 1, 1, towerMaxSlice, towerWidth, 2, towerLayers, 2 * towerWidth, (float) dropout);
        UserTowerTrainer.Options pretrain = new UserTowerTrainer.Options(towerEpochs, 256, towerSamples, 0.05, 3e-3f, pretrainPatience, 10,
            negatives, 1.0, 0f, seed, pretrainMinutes, maxSamplesPerEpoch);
        UserTowerTrainer.Options towerRun = new UserTowerTrainer.Options(towerEpochs, 256, towerSamples, 0.05, 1e-3f, 2, 10, negatives,
            globalShare, 0f, seed, towerMinutes, maxSamplesPerEpoch);
        return new RimirecPipeline.Options(vectors, dim, k, c, threads, seed,
            tree -> new GeneratorConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), maxHistory, recent, width, heads, layers, layers, ffn,
                (float) dropout),
            new GeneratorTrainer.Options(epochs, 64, samplesPerUser, 0.1, 1e-3f, 3, 10, seed, generatorMinutes, maxSamplesPerEpoch),
            towerShape, pretrain, towerRun, tower);
    }
}
