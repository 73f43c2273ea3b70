package io.rimirec.tools.eval.neural;

import io.rimirec.core.hymirec.InterestModel;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.interest.Dmil;
import io.rimirec.tools.train.interest.InterestArtifact;
import io.rimirec.tools.util.TopK;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HyMiRec combined with circles (issue 6): each interest vector is searched only inside its best circle, the circle at
 * depth {@code circleDepth} that the vector descends to in the bundle's tree (hierarchical k-means on the item vectors,
 * k = 8, leaves of at most 200), and the lists are merged by best score. Runs the served model: the same fit as the
 * {@code hymirec} row with the same settings ({@link HyMiRec#servable}), its interests from the exported ONNX graph
 * through core's {@link InterestModel}, and the tree the bundle carries. An item outside every interest's circle is
 * not recommended, so lists can be short, as a circle-filtered k-NN search would leave them.
 */
public final class HyMiRecInCircles implements Method {

    static final String DEPTH = "circleDepth";

    @Override
    public String name() {
        return "hymirec-circles";
    }

    @Override
    public String describe() {
        return "HyMiRec, each interest searched only inside the circle (at depth circleDepth) its vector falls in";
    }

    @Override
    public List<Settings> grid(boolean quick) {
        Method full = HyMiRec.variants().get(0);
        return full.grid(quick).stream().map(s -> s.with(DEPTH, 1)).toList();
    }

    @Override
    public Recommender create(Settings settings) {
        int depth = settings.getInt(DEPTH);
        if (depth < 1) {
            throw new IllegalArgumentException("setting [" + DEPTH + "] must be >= 1, got " + depth);
        }
        Settings modelSettings = settings.without(DEPTH); // the hymirec row's settings: its fit is shared
        return new Recommender() {
            private InterestArtifact artifact;
            private InterestModel interests;
            private CircleTree tree;
            private CirclePath[] leafOf;
            private float[][] unit;
            private final Map<String, Object> info = new LinkedHashMap<>();

            @Override
            public void fit(TrainingData data, FitContext ctx) {
                artifact = HyMiRec.servable(data, modelSettings, ctx);
                tree = data.derived("hymirec-tree " + modelSettings, () -> artifact.tree(ctx.seed(), ctx.threads()));
                try {
                    interests = artifact.open();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                float[][] items = artifact.itemVectors();
                leafOf = new CirclePath[items.length];
                unit = new float[items.length][];
                for (int i = 0; i < items.length; i++) {
                    leafOf[i] = tree.assign(items[i]);
                    unit[i] = Dmil.unit(items[i]);
                }
                info.put("tree", tree.leafCount() + " leaves, depth " + tree.maxDepth());
                info.put(DEPTH, depth);
                info.put("onnx_parity_max_abs_diff", artifact.parityMaxAbsDiff());
            }

            @Override
            public int[][] recommend(List<Query> batch, int m) {
                return Recommender.eachQuery(batch, query -> recommendOne(query, m));
            }

            private int[] recommendOne(Query query, int m) {
                List<float[]> history = new ArrayList<>(query.history().length);
                for (int item : query.history()) {
                    history.add(artifact.itemVectors()[item]);
                }
                if (history.isEmpty()) {
                    return new int[0];
                }
                float[] scores = new float[unit.length];
                Arrays.fill(scores, Float.NEGATIVE_INFINITY);
                for (float[] v : interests.interests(history, false)) {
                    CirclePath circle = tree.assign(v);
                    circle = circle.prefix(Math.min(depth, circle.depth()));
                    float[] u = Dmil.unit(v);
                    for (int i = 0; i < unit.length; i++) {
                        if (circle.contains(leafOf[i])) {
                            float s = (float) Dmil.dot(u, unit[i]);
                            scores[i] = Math.max(scores[i], s);
                        }
                    }
                }
                int[] top = TopK.select(scores, m, query.exclude());
                int kept = 0;
                while (kept < top.length && scores[top[kept]] != Float.NEGATIVE_INFINITY) {
                    kept++;
                }
                return kept == top.length ? top : Arrays.copyOf(top, kept);
            }

            @Override
            public Map<String, Object> diagnostics() {
                return info;
            }

            @Override
            public void close() {
                if (interests != null) {
                    interests.close();
                }
            }
        };
    }
}
