package io.rimirec.tools.train.interest;

import io.rimirec.core.codebook.Residual;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a HyMiRec interest-model fit is told (docs/hymirec.md): the network's shape, DMIL, the codebook the light
 * model reads through, and the optimisation. The names are the {@code --set} names of {@code rimirec hymirec train},
 * {@code rimirec train --set hymirec.NAME=V} and the evaluation's hymirec rows ({@link #toMap()} / {@link #fromMap}).
 *
 * @param dim               item and interest vector dimension (ignored when the item table is given: its length wins)
 * @param interests         s, the interest vectors per user
 * @param window            DMIL window targets per example
 * @param coarse            coarse queries of the light model
 * @param longLen           long-history items the light model reads
 * @param maxLen            recent items the refined model reads
 * @param blocks            refined transformer blocks
 * @param heads             attention heads (dim must be a multiple)
 * @param dropout           dropout while training
 * @param light             whether the light model runs at all
 * @param codebook          the light model's codebook: cosine, euclidean, or none (exact vectors)
 * @param codebookK         centroids per codebook layer
 * @param codebookLayers    codebook layers
 * @param warmup            epochs the light model reads exact vectors before the codebook is built from the table
 * @param matching          hungarian, or max (the paper's ablation)
 * @param clusterIterations spherical k-means rounds over each example's targets
 * @param temperature       InfoNCE temperature on cosines
 * @param negatives         0 = softmax over the catalogue, else shared uniform negatives
 * @param epochs            training epochs
 * @param minutes           stop after the epoch that spends this many minutes (0 = no limit)
 * @param perUser           random cuts per user and epoch
 * @param maxExamples       at most this many examples per epoch, a new random share each epoch (0 = all)
 * @param batch             examples per step
 * @param lr                Adam learning rate
 * @param weightDecay       Adam weight decay
 */
public record InterestConfig(int dim, int interests, int window, int coarse, int longLen, int maxLen, int blocks, int heads, double dropout,
    boolean light, String codebook, int codebookK, int codebookLayers, int warmup, Dmil.Matching matching, int clusterIterations,
    double temperature, int negatives, int epochs, double minutes, int perUser, int maxExamples, int batch, double lr, double weightDecay) {

    /** The full method's defaults (docs/hymirec.md). */
    public static final InterestConfig DEFAULTS = new InterestConfig(64, 2, 4, 4, 200, 50, 2, 1, 0.2, true, "cosine", 256, 3, 1,
        Dmil.Matching.HUNGARIAN, 5, 0.07, 0, 20, 0.0, 20, 0, 128, 1e-3, 0.0);

    public InterestConfig {
        for (Map.Entry<String, Integer> e : Map.of("dim", dim, "interests", interests, "window", window, "coarse", coarse, "longLen", longLen,
            "maxLen", maxLen, "blocks", blocks, "heads", heads, "epochs", epochs, "batch", batch).entrySet()) {
            if (e.getValue() < 1) {
                throw new IllegalArgumentException("setting [" + e.getKey() + "] must be >= 1, got " + e.getValue());
            }
        }
        codebook = codebook.trim().toLowerCase(Locale.ROOT);
        if (!codebook.equals("none")) {
            Residual.fromId(codebook); // cosine or euclidean, else a clear error
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("setting [temperature] must be > 0, got " + temperature);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("setting [dropout] must be in [0, 1), got " + dropout);
        }
        if (light && !codebook.equals("none") && epochs <= warmup) {
            throw new IllegalArgumentException("setting [epochs] " + epochs + " must exceed [warmup] " + warmup
                + " so the light model trains on the codebook it is served with (or set codebook=none)");
        }
        if (dim % heads != 0) {
            throw new IllegalArgumentException("setting [dim] " + dim + " must be a multiple of [heads] " + heads);
        }
        if (negatives < 0 || warmup < 0 || perUser < 0 || maxExamples < 0 || clusterIterations < 0 || codebookK < 2 || codebookLayers < 1) {
            throw new IllegalArgumentException("settings [negatives, warmup, perUser, maxExamples, clusterIterations] must be >= 0, [codebookK] "
                + ">= 2 and [codebookLayers] >= 1; got " + negatives + ", " + warmup + ", " + perUser + ", " + maxExamples + ", "
                + clusterIterations + ", " + codebookK + ", " + codebookLayers);
        }
    }

    /** Whether the light model reads a codebook's reconstructions (rather than exact vectors, or nothing). */
    public boolean usesCodebook() {
        return light && !codebook.equals("none");
    }

    /** The settings by name, in a fixed order (what logs, manifests and {@code --set} show). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dim", dim);
        m.put("interests", interests);
        m.put("window", window);
        m.put("coarse", coarse);
        m.put("longLen", longLen);
        m.put("maxLen", maxLen);
        m.put("blocks", blocks);
        m.put("heads", heads);
        m.put("dropout", dropout);
        m.put("light", light);
        m.put("codebook", codebook);
        m.put("codebookK", codebookK);
        m.put("codebookLayers", codebookLayers);
        m.put("warmup", warmup);
        m.put("matching", matching.name().toLowerCase(Locale.ROOT));
        m.put("clusterIterations", clusterIterations);
        m.put("temperature", temperature);
        m.put("negatives", negatives);
        m.put("epochs", epochs);
        m.put("minutes", minutes);
        m.put("perUser", perUser);
        m.put("maxExamples", maxExamples);
        m.put("batch", batch);
        m.put("lr", lr);
        m.put("weightDecay", weightDecay);
        return m;
    }

    /** A config from settings by name; a missing name keeps its default, an unknown name is an error that lists the known ones. */
    public static InterestConfig fromMap(Map<String, ?> values) {
        Map<String, Object> m = DEFAULTS.toMap();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            if (!m.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown HyMiRec setting [" + e.getKey() + "]; settings: " + m.keySet());
            }
            m.put(e.getKey(), e.getValue());
        }
        return new InterestConfig(i(m, "dim"), i(m, "interests"), i(m, "window"), i(m, "coarse"), i(m, "longLen"), i(m, "maxLen"),
            i(m, "blocks"), i(m, "heads"), d(m, "dropout"), b(m, "light"), String.valueOf(m.get("codebook")), i(m, "codebookK"),
            i(m, "codebookLayers"), i(m, "warmup"), Dmil.Matching.of(String.valueOf(m.get("matching"))), i(m, "clusterIterations"),
            d(m, "temperature"), i(m, "negatives"), i(m, "epochs"), d(m, "minutes"), i(m, "perUser"), i(m, "maxExamples"), i(m, "batch"), d(m, "lr"),
            d(m, "weightDecay"));
    }

    /** This config with one setting changed from text (a {@code --set NAME=VALUE}). */
    public InterestConfig with(String name, String value) {
        Map<String, Object> m = toMap();
        if (!m.containsKey(name)) {
            throw new IllegalArgumentException("unknown HyMiRec setting [" + name + "]; settings: " + m.keySet());
        }
        m.put(name, value);
        return fromMap(m);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Object> e : toMap().entrySet()) {
            s.append(s.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
        }
        return s.toString();
    }

    private static int i(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (v instanceof Number n) {
            if (n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException("setting [" + name + "] must be a whole number, got " + v);
            }
            return n.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting [" + name + "] must be a whole number, got [" + v + "]");
        }
    }

    private static double d(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting [" + name + "] must be a number, got [" + v + "]");
        }
    }

    private static boolean b(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (v instanceof Boolean bool) {
            return bool;
        }
        String t = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (!t.equals("true") && !t.equals("false")) {
            throw new IllegalArgumentException("setting [" + name + "] must be true or false, got [" + v + "]");
        }
        return t.equals("true");
    }
}
