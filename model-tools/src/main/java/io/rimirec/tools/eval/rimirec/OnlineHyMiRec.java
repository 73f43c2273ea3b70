package io.rimirec.tools.eval.rimirec;

import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Overridden;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.eval.neural.HyMiRec;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.train.interest.InterestArtifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A HyMiRec row served by a real cluster: the very fit the offline row made ({@link HyMiRec#servable}) is packed as a
 * bundle (interest model, codebook, a circle tree for the pipeline), its item vectors indexed through the pipeline, and
 * every evaluation query becomes one {@code rimirec} query with {@code "strategy": "hymirec"}. The interest vectors come
 * from ONNX Runtime in the node; each one's k-NN search is exact (a history-exclusion filter and {@code ef_search} at
 * the catalogue size make Lucene scan), so the merged list is the offline ranking by best score over the interests.
 */
public final class OnlineHyMiRec extends OnlineTwin {

    /** @param offline the offline HyMiRec row, possibly with {@code --set} overrides: its name, grid and settings */
    public OnlineHyMiRec(Method offline, JsonHttp http) {
        super(offline, http, "served by a local OpenSearch node through the rimirec query, strategy hymirec (same fit)");
        if (!(Overridden.unwrap(offline) instanceof HyMiRec)) {
            throw new IllegalArgumentException("--online serves HyMiRec rows, not [" + offline.name() + "]");
        }
    }

    @Override
    public Recommender create(Settings settings) {
        return new Recommender() {
            private InterestArtifact artifact;
            private OnlineRimirec.Served served;

            @Override
            public void fit(TrainingData data, FitContext ctx) {
                artifact = HyMiRec.servable(data, settings, ctx);
                served = data.derived("hymirec-online " + settings, () -> {
                    try {
                        InterestArtifact.Bundle bundle = artifact.bundle("hymirec-eval", ctx.seed(), ctx.threads());
                        return OnlineRimirec.Served.setUp(http, bundle.zip(), bundle.tree(), artifact.itemVectors(), ctx);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }

            @Override
            public int[][] recommend(List<Query> batch, int m) {
                return Recommender.eachQuery(batch, query -> {
                    try {
                        return served.ask(http, query, m, artifact.itemVectors(), rimirec -> rimirec.put("strategy", "hymirec"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }

            @Override
            public Map<String, Object> diagnostics() {
                Map<String, Object> d = new LinkedHashMap<>();
                if (served != null) {
                    d.put("model_id", served.modelId());
                    d.put("pipeline", served.pipeline());
                    d.put("index", served.index());
                    d.put("indexed", served.indexed());
                    d.put("ef_search", served.efSearch());
                }
                if (artifact != null) {
                    d.put("onnx_parity_max_abs_diff", artifact.parityMaxAbsDiff());
                }
                return d;
            }
        };
    }
}
