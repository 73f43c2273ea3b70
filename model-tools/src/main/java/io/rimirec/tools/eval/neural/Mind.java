package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.train.nn.Histories;
import io.rimirec.tools.train.nn.Nn;
import io.rimirec.tools.train.nn.Params;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * MIND (Li et al. 2019): behaviour-to-interest dynamic routing. History embeddings are mapped by one shared
 * bilinear matrix S into low-level capsules; routing logits start from a fixed random matrix (as in MIND, so the
 * K interests differ; fixed rather than redrawn per call so recommendations are deterministic) and are refined
 * for {@code routing} iterations (coupling = softmax over interests, interest = squash(coupled sum), logits +=
 * agreement; gradients flow through the last iteration only); a ReLU layer follows, as in the ComiRec reference
 * implementation. Training and retrieval as in {@link MultiInterestModel}.
 */
public final class Mind implements Method {

    @Override
    public String name() {
        return "mind";
    }

    @Override
    public String describe() {
        return "MIND: capsule dynamic routing turns the history into K interest vectors, merged by score";
    }

    static Settings defaults() {
        return Settings.of("dim", 64, "interests", 4, "routing", 3, "maxLen", 50, "window", 1, "negatives", 0,
            "epochs", 8, "perUser", 30, "batch", 256, "lr", 3e-3, "weightDecay", 0.0);
    }

    @Override
    public List<Settings> grid(boolean quick) {
        if (quick) {
            return List.of(defaults().with("epochs", 3).with("perUser", 20));
        }
        Map<String, List<?>> axes = new LinkedHashMap<>();
        axes.put("window", List.of(1, 10));
        return Settings.grid(defaults(), axes);
    }

    @Override
    public Recommender create(Settings settings) {
        return new Model(settings);
    }

    static final class Model extends MultiInterestModel {
        private final int routing;
        private float[] initialLogits;

        Model(Settings s) {
            super(s);
            this.routing = s.getInt("routing");
        }

        @Override
        protected void define(Params p, int n) {
            defineItems(p, n);
            p.normal("s", Math.sqrt(1.0 / dim), dim, dim);
            p.dense("proj", dim, dim);
            Random r = new Random(n * 31L + interests);
            initialLogits = new float[interests * maxLen];
            for (int i = 0; i < initialLogits.length; i++) {
                initialLogits[i] = (float) r.nextGaussian();
            }
        }

        @Override
        protected NDArray interestVectors(NDManager m, Histories h, boolean training) {
            NDArray low = Nn.lookup(params.get("item"), h.ids()).matMul(params.get("s")); // [b, l, d]
            NDArray lowFixed = low.stopGradient();
            NDArray mask = h.mask().expandDims(1); // [b, 1, l]
            NDArray logits = m.create(initialLogits, new Shape(1, interests, maxLen)).repeat(0, h.batch()); // [b, k, l]
            NDArray v = null;
            for (int it = 0; it < routing; it++) {
                boolean last = it == routing - 1;
                NDArray w = logits.softmax(1).mul(mask); // coupling over interests; padding couples to none
                NDArray z = w.matMul(last ? low : lowFixed); // [b, k, d]
                v = squash(z);
                if (!last) {
                    logits = logits.add(v.matMul(lowFixed.transpose(0, 2, 1)));
                }
            }
            return Activation.relu(Nn.linear(v, params, "proj"));
        }

        /** Capsule non-linearity: shrinks short vectors towards 0 and long ones to just under length 1. */
        static NDArray squash(NDArray z) {
            NDArray n2 = z.mul(z).sum(new int[] {2}, true);
            return z.mul(n2.add(1e-9f).sqrt()).div(n2.add(1f));
        }
    }
}
