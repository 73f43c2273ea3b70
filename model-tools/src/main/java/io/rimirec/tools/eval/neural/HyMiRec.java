package io.rimirec.tools.eval.neural;

import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.ScoringRecommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.interest.InterestArtifact;
import io.rimirec.tools.train.interest.InterestConfig;
import io.rimirec.tools.train.interest.InterestTrainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    static Settings defaults() {
        return new Settings(InterestConfig.DEFAULTS.toMap());
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
    public static InterestArtifact servable(TrainingData data, Settings settings, FitContext ctx) {
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

    /** The evaluation's view of a fit: {@link InterestTrainer} trains, the catalogue is scored by best cosine over the interests. */
    static final class Model extends ScoringRecommender {
        private final Settings settings;
        private final InterestConfig config;
        private InterestTrainer.Fit fit;
        private float[] unitItems;
        /** What serving needs, exported and parity-checked after the fit. */
        private InterestArtifact artifact;

        Model(Settings s) {
            this.settings = s;
            this.config = InterestConfig.fromMap(s.values());
        }

        @Override
        public void fit(TrainingData data, FitContext ctx) {
            fit = new InterestTrainer(config, ctx.seed(), ctx.log()).fit(data.sequences(), data.numItems());
            unitItems = fit.network().unitItemMatrix();
            artifact = InterestArtifact.export(fit.network(), data.sequences(), ctx.log());
            data.offer(artifactKey(settings), artifact); // for the online twin and other rows of the same fit
        }

        @Override
        protected int numItems() {
            return fit.network().numItems();
        }

        @Override
        protected void score(List<Query> batch, float[][] scores) {
            List<int[]> histories = new ArrayList<>(batch.size());
            for (Query q : batch) {
                histories.add(q.history());
            }
            VectorModel.maxDot(fit.network().unitInterests(histories), config.interests(), unitItems, fit.network().dim(), scores);
        }

        @Override
        public Map<String, Object> diagnostics() {
            Map<String, Object> d = new LinkedHashMap<>();
            if (fit != null) {
                d.put("parameters", fit.network().parameterCount());
                d.put("fit_seconds", Math.round(fit.seconds() * 10) / 10.0);
                d.putAll(fit.curve().toMap());
                d.putAll(fit.info());
                d.put("onnx_parity_max_abs_diff", artifact.parityMaxAbsDiff());
            }
            return d;
        }

        @Override
        public void close() {
            if (fit != null) {
                fit.close();
            }
        }
    }
}
