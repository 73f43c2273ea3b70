package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.train.nn.Histories;
import io.rimirec.tools.train.nn.Nn;
import io.rimirec.tools.train.nn.Params;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ComiRec-SA (Cen et al. 2020): self-attentive multi-interest extraction. With H the history's item embeddings
 * (plus learned positions for the attention input), {@code A = softmax_over_positions(W2 tanh(W1 (H + P)))} gives
 * K attention distributions and the interests are {@code V = A H}. Training uses the hard readout of
 * {@link MultiInterestModel}; retrieval merges the K interests' results by score (ComiRec's aggregation without
 * the diversity term).
 */
public final class ComiRecSa implements Method {

    @Override
    public String name() {
        return "comirec";
    }

    @Override
    public String describe() {
        return "ComiRec-SA: K self-attention heads over the history give K interest vectors, merged by score";
    }

    static Settings defaults() {
        return Settings.of("dim", 64, "interests", 4, "maxLen", 50, "window", 1, "negatives", 0, "epochs", 8,
            "perUser", 30, "batch", 256, "lr", 3e-3, "weightDecay", 0.0);
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

        Model(Settings s) {
            super(s);
        }

        @Override
        protected void define(Params p, int n) {
            defineItems(p, n);
            p.normal("pos", 0.05, maxLen, dim);
            p.dense("w1", dim, 4 * dim);
            p.dense("w2", 4 * dim, interests);
        }

        @Override
        protected NDArray interestVectors(NDManager m, Histories h, boolean training) {
            NDArray e = Nn.lookup(params.get("item"), h.ids()); // [b, l, d]
            NDArray a = Nn.linear(Nn.linear(e.add(params.get("pos")), params, "w1").tanh(), params, "w2"); // [b, l, k]
            a = a.transpose(0, 2, 1).add(h.mask().sub(1f).mul(-Nn.NEG).expandDims(1)).softmax(-1); // over positions
            return a.matMul(e); // [b, k, d]
        }
    }
}
