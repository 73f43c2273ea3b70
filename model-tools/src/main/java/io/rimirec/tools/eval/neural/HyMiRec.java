package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.codebook.Residual;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.LossCurve;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.onnx.InterestModelOnnxExporter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * HyMiRec (Zhou et al. 2025) with small transformers in place of the LLM (docs/hymirec.md):
 * <ul>
 * <li><b>Light model</b> (optional, {@code light}): {@code coarse} learnable queries attend over the last
 *     {@code longLen} history items, read as their reconstructions from a residual codebook ({@code codebook} =
 *     cosine, euclidean, or none = exact vectors); one cross-attention layer and a feed-forward layer give the
 *     coarse interest vectors.</li>
 * <li><b>Refined model</b>: {@code blocks} pre-LN transformer blocks over [coarse interests + indicator embedding,
 *     the last {@code maxLen} items with positions, {@code interests} learnable refined queries]; the queries' outputs
 *     are the s interest vectors.</li>
 * <li><b>DMIL</b>: the next {@code window} items after the cut are the targets, clustered into s groups by cosine and
 *     matched to the interests by the Hungarian algorithm ({@code matching} = hungarian, or max for the ablation);
 *     InfoNCE on cos/{@code temperature} of every matched pair against the catalogue or sampled negatives.</li>
 * </ul>
 * The codebook is trained on the model's own item embeddings: after {@code warmup} epochs in which the light model
 * reads the exact embeddings, it is rebuilt from the current embeddings at the start of every later epoch (the light
 * model always reads the codebook it is served with; the last one is kept for inference). Retrieval: unit interest
 * vectors against unit item vectors, an item's score is its best cosine over the s interests.
 */
public final class HyMiRec implements Method {

    private final String name;
    private final String describe;
    private final Settings overrides;

    private HyMiRec(String name, String describe, Settings overrides) {
        this.name = name;
        this.describe = describe;
        this.overrides = overrides;
    }

    /** The full method and the paper's ablations (Table 4), each a fixed change of the defaults. */
    public static List<Method> variants() {
        return List.of(
            new HyMiRec("hymirec", "HyMiRec: light model over codebook-reconstructed long history + refined model, s interests, DMIL",
                Settings.of()),
            new HyMiRec("hymirec-nolight", "HyMiRec without the light model (refined model over the last items only)",
                Settings.of("light", false)),
            new HyMiRec("hymirec-exact", "HyMiRec without the codebook (light model reads exact item embeddings)",
                Settings.of("codebook", "none")),
            new HyMiRec("hymirec-euclid", "HyMiRec with a Euclidean residual codebook",
                Settings.of("codebook", "euclidean")),
            new HyMiRec("hymirec-nodmil", "HyMiRec without DMIL: one interest vector, next-item InfoNCE",
                Settings.of("interests", 1, "window", 1)),
            new HyMiRec("hymirec-w1", "HyMiRec without window targets (w = 1)",
                Settings.of("window", 1)),
            new HyMiRec("hymirec-maxmatch", "HyMiRec with max matching instead of clustering + Hungarian",
                Settings.of("matching", "max")));
    }

    /** The full method's settings (what {@code rimirec hymirec train --set} changes). */
    public static Settings defaultSettings() {
        return defaults();
    }

    static Settings defaults() {
        return Settings.of("dim", 64, "interests", 2, "window", 4, "coarse", 4, "longLen", 200, "maxLen", 50,
            "blocks", 2, "heads", 1, "dropout", 0.2, "light", true, "codebook", "cosine", "codebookK", 256,
            "codebookLayers", 3, "warmup", 1, "matching", "hungarian", "clusterIterations", 5, "temperature", 0.07,
            "negatives", 0, "epochs", 20, "minutes", 0.0, "perUser", 20, "batch", 128, "lr", 1e-3, "weightDecay", 0.0);
    }

    Settings settings() {
        Settings s = defaults();
        for (Map.Entry<String, Object> e : overrides.values().entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public List<Settings> grid(boolean quick) {
        Settings s = settings();
        if (quick) {
            return List.of(s.with("epochs", 3).with("perUser", 10).with("longLen", 100).with("codebookK", 32));
        }
        return List.of(s); // one point: a protocol-B fit takes minutes here; tune with --set
    }

    @Override
    public Recommender create(Settings settings) {
        return new Model(settings);
    }

    /**
     * The servable artifact of the fit of {@code settings} on {@code data}: the one the evaluation's offline row made,
     * or a new fit when that row did not run (the online twin on its own, {@code rimirec hymirec train}).
     */
    public static HyMiRecArtifact servable(TrainingData data, Settings settings, FitContext ctx) {
        return data.derived(artifactKey(settings), () -> {
            try (Model m = new Model(settings)) {
                m.fit(data, ctx);
                return m.artifact;
            }
        });
    }

    private static String artifactKey(Settings settings) {
        return "hymirec-artifact " + settings;
    }

    static final class Model extends VectorModel {
        private final int interests;
        private final int window;
        private final int coarse;
        private final int longLen;
        private final int blocks;
        private final int heads;
        private final float dropout;
        private final boolean light;
        private final String codebookKind;
        private final Dmil.Matching matching;
        private final float temperature;
        /** Codebook reconstructions of every item [n + 1, d] (row 0 = padding), or null while the light model reads exact vectors. */
        private NDArray reconstructed;
        /** The codebook the light model reads through (the last one built), or null. */
        private Codebook codebook;
        private final Map<String, Object> codebookInfo = new LinkedHashMap<>();
        private final Map<String, Object> trainInfo = new LinkedHashMap<>();
        /** What serving needs, exported and parity-checked after the fit. */
        private HyMiRecArtifact artifact;

        Model(Settings s) {
            super(s);
            this.interests = positive(s, "interests");
            this.window = positive(s, "window");
            this.coarse = positive(s, "coarse");
            this.longLen = positive(s, "longLen");
            this.blocks = positive(s, "blocks");
            this.heads = positive(s, "heads");
            this.dropout = s.getFloat("dropout");
            this.light = s.getBoolean("light");
            this.codebookKind = s.getString("codebook").trim().toLowerCase(Locale.ROOT);
            if (!codebookKind.equals("none")) {
                Residual.fromId(codebookKind); // cosine or euclidean, else a clear error
            }
            this.matching = Dmil.Matching.of(s.getString("matching"));
            this.temperature = s.getFloat("temperature");
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("setting [temperature] must be > 0, got " + temperature);
            }
            if (dim % heads != 0) {
                throw new IllegalArgumentException("setting [dim] " + dim + " must be a multiple of [heads] " + heads);
            }
            if (usesCodebook() && s.getInt("epochs") <= s.getInt("warmup")) {
                throw new IllegalArgumentException("setting [epochs] " + s.getInt("epochs") + " must exceed [warmup] " + s.getInt("warmup")
                    + " so the light model trains on the codebook it is served with (or set codebook=none)");
            }
        }

        private static int positive(Settings s, String name) {
            int v = s.getInt(name);
            if (v < 1) {
                throw new IllegalArgumentException("setting [" + name + "] must be >= 1, got " + v);
            }
            return v;
        }

        private boolean usesCodebook() {
            return light && !codebookKind.equals("none");
        }

        @Override
        protected void define(Params p, int n) {
            p.normal("item", 0.05, n + 1, dim); // row 0 = padding; shared by inputs and outputs
            p.normal("pos", 0.05, maxLen, dim);
            if (light) {
                p.normal("coarse.q", 0.05, coarse, dim);
                p.normal("long.pos", 0.05, longLen, dim);
                p.dense("long.in", dim, dim); // lets the light model follow the item table away from the codebook snapshot
                p.norm("long.ln", dim);
                p.norm("light.lnq", dim);
                Nn.defineAttention(p, "light.att", dim);
                p.norm("light.ln2", dim);
                p.dense("light.ff1", dim, dim);
                p.dense("light.ff2", dim, dim);
                p.norm("light.ln", dim);
                p.normal("indicator", 0.05, dim);
            }
            p.normal("refined.q", 0.05, interests, dim);
            for (int b = 0; b < blocks; b++) {
                Nn.defineBlock(p, "b" + b, dim);
            }
            p.norm("ln", dim);
        }

        /** Coarse interests [b, coarse, d] from the long history. */
        NDArray coarseInterests(NDManager m, Histories longH, boolean training) {
            NDArray table = reconstructed != null ? reconstructed : params.get("item");
            NDArray x = Nn.linear(Nn.lookup(table, longH.ids()), params, "long.in").add(params.get("long.pos"));
            x = Nn.layerNorm(x, params, "long.ln");
            NDArray q = m.zeros(new Shape(longH.batch(), coarse, dim)).add(params.get("coarse.q"));
            NDArray att = Nn.attention(Nn.layerNorm(q, params, "light.lnq"), x, params, "light.att", heads,
                Nn.keyBias(longH.mask()), dropout, training);
            q = q.add(Nn.dropout(att, dropout, training));
            NDArray h = Nn.layerNorm(q, params, "light.ln2");
            q = q.add(Nn.dropout(Nn.linear(Activation.relu(Nn.linear(h, params, "light.ff1")), params, "light.ff2"), dropout, training));
            return Nn.layerNorm(q, params, "light.ln");
        }

        /** The s interest vectors [b, s, d] (not normalised). */
        NDArray interestVectors(NDManager m, List<int[]> histories, boolean training) {
            int b = histories.size();
            Histories recent = Histories.of(m, histories, maxLen);
            NDArray x = Nn.scale(Nn.lookup(params.get("item"), recent.ids()), (float) Math.sqrt(dim)).add(params.get("pos"));
            x = Nn.dropout(x, dropout, training).mul(recent.mask().expandDims(2));
            NDArray q = m.zeros(new Shape(b, interests, dim)).add(params.get("refined.q"));
            NDArray mask;
            if (light) {
                NDArray c = coarseInterests(m, Histories.of(m, histories, longLen), training).add(params.get("indicator"));
                x = NDArrays.concat(new ai.djl.ndarray.NDList(c, x, q), 1);
                mask = NDArrays.concat(new ai.djl.ndarray.NDList(m.ones(new Shape(b, coarse)), recent.mask(), m.ones(new Shape(b, interests))), 1);
            } else {
                x = x.concat(q, 1);
                mask = recent.mask().concat(m.ones(new Shape(b, interests)), 1);
            }
            NDArray keep = mask.expandDims(2);
            NDArray bias = Nn.keyBias(mask);
            for (int k = 0; k < blocks; k++) {
                x = Nn.block(x, params, "b" + k, heads, bias, keep, dropout, training);
            }
            long l = x.getShape().get(1);
            return Nn.layerNorm(x.get(":, " + (l - interests) + ":, :"), params, "ln");
        }

        @Override
        protected LossCurve train(TrainingData data, FitContext ctx, Random rnd) {
            int batch = settings.getInt("batch");
            int epochs = settings.getInt("epochs");
            int warmup = settings.getInt("warmup");
            int iterations = settings.getInt("clusterIterations");
            double budget = settings.getDouble("minutes") * 60;
            NextItemSamples samples = new NextItemSamples(data, 1); // only its (sequence, cut) sampling is used
            TrainLoop loop = new TrainLoop(params, settings.getFloat("lr"), settings.getFloat("weightDecay"));
            LossCurve curve = newCurve();
            long t0 = System.nanoTime();
            int done = 0;
            for (int epoch = 1; epoch <= epochs; epoch++) {
                if (usesCodebook() && epoch > warmup) {
                    buildCodebook(ctx, epoch);
                }
                long[] ex = samples.epoch(settings.getInt("perUser"), rnd);
                int steps = (ex.length + batch - 1) / batch;
                loop.epoch(epoch, steps, (m, i) -> dmilLoss(m, data, ex, i * batch, Math.min(ex.length, (i + 1) * batch), iterations, rnd),
                    curve, ctx.log());
                done = epoch;
                boolean codebookSeen = !usesCodebook() || epoch > warmup;
                if (budget > 0 && codebookSeen && (System.nanoTime() - t0) / 1e9 >= budget && epoch < epochs) {
                    ctx.log().printf(Locale.ROOT, "stopping after epoch %d: the time budget of %.1f minutes is spent%n", epoch, budget / 60);
                    break;
                }
            }
            trainInfo.put("epochs_run", done);
            if (codebook != null) {
                // Served items are stamped with the codes of their final vectors: read those, offline as online.
                reconstructed.close();
                reconstructed = params.manager().create(storedReconstructions(codebook, itemTable()), new Shape(numItems + 1, dim));
            }
            return curve;
        }

        /** Window targets, DMIL assignment on detached values, InfoNCE on the matched pairs. */
        private NDArray dmilLoss(NDManager m, TrainingData data, long[] ex, int from, int to, int iterations, Random rnd) {
            int b = to - from;
            List<int[]> hist = new ArrayList<>(b);
            int[][] targets = new int[b][];
            for (int r = 0; r < b; r++) {
                int[] seq = data.sequences().get((int) (ex[from + r] >>> 32));
                int t = (int) ex[from + r];
                hist.add(Arrays.copyOfRange(seq, Math.max(0, t - Math.max(longLen, maxLen)), t));
                targets[r] = Arrays.copyOfRange(seq, t, Math.min(seq.length, t + window));
            }
            NDArray r = Nn.l2Normalize(interestVectors(m, hist, true)); // [b, s, d]
            float[] rv = r.toFloatArray();
            for (float v : rv) {
                if (!Float.isFinite(v)) {
                    throw new IllegalStateException("training diverged: interest vectors are not finite; parameters with non-finite values: "
                        + params.all().entrySet().stream().filter(e -> !Float.isFinite(e.getValue().abs().sum().getFloat())).map(Map.Entry::getKey).toList());
                }
            }
            float[] tv = null; // detached embeddings of every example's targets, in order, for the Java-side matching
            if (interests > 1) { // one interest takes every target: no values needed
                tv = targetValues(m, targets);
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
                    chosen = Dmil.assign(iv, tvs, matching, iterations);
                }
                offset += ts.length;
                for (int i = 0; i < ts.length; i++) {
                    rows.add((long) row * interests + chosen[i]);
                    items.add((long) ts[i]);
                }
            }
            NDArray user = Nn.scale(Nn.lookup(r.reshape((long) b * interests, dim), m.create(rows.stream().mapToLong(Long::longValue).toArray())),
                1f / temperature);
            NDArray table = params.get("item").get("1:");
            table.attach(m); // derived from a parameter it would live in the parameters' manager until the fit ends
            return softmaxLoss(m, user, Nn.l2Normalize(table), items.stream().mapToLong(Long::longValue).toArray(), rnd);
        }

        /** Current embeddings of all targets (row-major, detached, [sum of lengths, d]): only the rows needed, no graph. */
        private float[] targetValues(NDManager m, int[][] targets) {
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
            NDArray detached = params.get("item").stopGradient();
            detached.attach(m);
            return Nn.lookup(detached, m.create(ids)).toFloatArray();
        }

        /** Trains the residual codebook on the current item embeddings and swaps in their reconstructions. */
        private void buildCodebook(FitContext ctx, int epoch) {
            long t0 = System.nanoTime();
            float[][] vectors = itemTable();
            int k = Math.min(settings.getInt("codebookK"), numItems);
            CodebookOptions options = CodebookOptions.defaults(Residual.fromId(codebookKind)).withSeed(ctx.seed() + epoch)
                .withLayers(settings.getInt("codebookLayers")).withK(Math.max(2, k));
            codebook = new CodebookTrainer(options).train(vectors, null).codebook();
            // What serving reads: each item's stamped codes decoded (nearest-centroid codes, float16 magnitudes).
            float[] rec = storedReconstructions(codebook, vectors);
            double cos = 0;
            for (int i = 0; i < numItems; i++) {
                cos += Dmil.dot(Dmil.unit(Arrays.copyOfRange(rec, (i + 1) * dim, (i + 2) * dim)), Dmil.unit(vectors[i]));
            }
            if (reconstructed != null) {
                reconstructed.close();
            }
            reconstructed = params.manager().create(rec, new Shape(numItems + 1, dim));
            double seconds = (System.nanoTime() - t0) / 1e9;
            codebookInfo.put("codebook", codebook.toString());
            codebookInfo.put("codebook_reconstruction_cosine", Math.round(cos / numItems * 1e4) / 1e4);
            codebookInfo.put("codebook_builds", ((Number) codebookInfo.getOrDefault("codebook_builds", 0)).intValue() + 1);
            ctx.log().printf(Locale.ROOT, "codebook before epoch %d: %s, mean reconstruction cosine %.4f, %.1fs%n", epoch, codebook,
                cos / numItems, seconds);
        }

        /** The item table's rows without the padding row: item i's vector, as served items carry it. */
        float[][] itemTable() {
            float[] flat;
            try (NDArray items = params.get("item").get("1:")) { // a view: closing it frees the handle, not the table
                flat = items.toFloatArray();
            }
            float[][] vectors = new float[numItems][];
            for (int i = 0; i < numItems; i++) {
                vectors[i] = Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
            }
            return vectors;
        }

        /** [n + 1, d] row-major, row 0 = padding: every item's stored reconstruction under {@code book}. */
        private float[] storedReconstructions(Codebook book, float[][] vectors) {
            float[] rec = new float[(numItems + 1) * dim];
            for (int i = 0; i < numItems; i++) {
                System.arraycopy(PackedCodes.storedReconstruction(book, vectors[i]), 0, rec, (i + 1) * dim, dim);
            }
            return rec;
        }

        /** The codebook the light model reads through, or null (no light model, or codebook = none). */
        Codebook codebook() {
            return codebook;
        }

        @Override
        protected void afterFit(TrainingData data, FitContext ctx) {
            artifact = HyMiRecArtifact.export(this, data, ctx);
            data.offer(artifactKey(settings), artifact); // for the online twin and other rows of the same fit
            trainInfo.put("onnx_parity_max_abs_diff", artifact.parityMaxAbsDiff());
        }

        int dim() {
            return dim;
        }

        int maxRecent() {
            return maxLen;
        }

        /** Long-history items the light model reads; 0 without the light model. */
        int maxLong() {
            return light ? longLen : 0;
        }

        int interestCount() {
            return interests;
        }

        Map<String, Object> settingsMap() {
            return settings.values();
        }

        /** The served model's shape and parameters, for {@link InterestModelOnnxExporter}. */
        InterestModelOnnxExporter exporter() {
            Map<String, InterestModelOnnxExporter.Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
                if (!e.getKey().equals("item")) {
                    tensors.put(e.getKey(), new InterestModelOnnxExporter.Tensor(e.getValue().toFloatArray(), e.getValue().getShape().getShape()));
                }
            }
            return new InterestModelOnnxExporter(new InterestModelOnnxExporter.Shape(dim, interests, coarse, maxLen, light ? longLen : 0, blocks, heads),
                tensors);
        }

        /** The model's inference forward pass for tests and parity checks: unit interest vectors [histories][s][d]. */
        float[][][] interestsOf(List<int[]> histories) {
            try (NDManager m = params.manager().newSubManager()) {
                float[] flat = userVectors(m, histories).toFloatArray();
                float[][][] out = new float[histories.size()][interests][];
                for (int b = 0; b < histories.size(); b++) {
                    for (int j = 0; j < interests; j++) {
                        out[b][j] = Arrays.copyOfRange(flat, (b * interests + j) * dim, (b * interests + j + 1) * dim);
                    }
                }
                return out;
            }
        }

        @Override
        protected NDArray userVectors(NDManager m, List<int[]> histories) {
            return Nn.l2Normalize(interestVectors(m, histories, false));
        }

        @Override
        protected NDArray itemVectors() {
            return Nn.l2Normalize(params.get("item").get("1:"));
        }

        @Override
        public Map<String, Object> diagnostics() {
            Map<String, Object> d = super.diagnostics();
            d.putAll(trainInfo);
            d.putAll(codebookInfo);
            return d;
        }
    }
}
