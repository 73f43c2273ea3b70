package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.nn.Histories;
import io.rimirec.tools.train.nn.LossCurve;
import io.rimirec.tools.train.nn.NextItemSamples;
import io.rimirec.tools.train.nn.Nn;
import io.rimirec.tools.train.nn.Params;
import io.rimirec.tools.train.nn.TrainLoop;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Single-vector two-tower retrieval in the YouTube-DNN style: the user tower averages the input embeddings of the
 * last {@code maxLen} history items and passes the mean through a ReLU layer and a linear layer; the item tower is
 * a separate output embedding table (the softmax weights). Trained on "history, then next item(s)" examples
 * ({@link NextItemSamples}) with softmax over the catalogue or sampled softmax.
 */
public final class TwoTower implements Method {

    @Override
    public String name() {
        return "twotower";
    }

    @Override
    public String describe() {
        return "two-tower (YouTube DNN): mean of recent item embeddings -> MLP, softmax over items";
    }

    static Settings defaults() {
        return Settings.of("dim", 64, "maxLen", 50, "window", 1, "negatives", 0, "epochs", 10, "perUser", 30,
            "batch", 256, "lr", 1e-3, "weightDecay", 0.0);
    }

    @Override
    public List<Settings> grid(boolean quick) {
        if (quick) {
            return List.of(defaults().with("epochs", 3).with("perUser", 10));
        }
        Map<String, List<?>> axes = new LinkedHashMap<>();
        axes.put("maxLen", List.of(20, 50));
        axes.put("window", List.of(1, 10));
        return Settings.grid(defaults(), axes);
    }

    @Override
    public Recommender create(Settings settings) {
        return new Model(settings);
    }

    static final class Model extends VectorModel {

        Model(Settings s) {
            super(s);
        }

        @Override
        protected void define(Params p, int n) {
            p.normal("in", 0.05, n + 1, dim); // row 0 = padding, masked out of the mean
            p.dense("h1", dim, dim);
            p.dense("h2", dim, dim);
            p.normal("out", 0.05, n, dim);
        }

        NDArray tower(NDManager m, List<int[]> histories) {
            Histories h = Histories.of(m, histories, maxLen);
            NDArray e = Nn.lookup(params.get("in"), h.ids()); // [b, l, d]
            NDArray mask = h.mask().expandDims(2);
            NDArray mean = e.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
            return Nn.linear(Activation.relu(Nn.linear(mean, params, "h1")), params, "h2");
        }

        @Override
        protected LossCurve train(TrainingData data, FitContext ctx, Random rnd) {
            NextItemSamples samples = new NextItemSamples(data.sequences(), settings.getInt("window"));
            int batch = settings.getInt("batch");
            TrainLoop loop = new TrainLoop(params, settings.getFloat("lr"), settings.getFloat("weightDecay"));
            LossCurve curve = newCurve();
            for (int epoch = 1; epoch <= settings.getInt("epochs"); epoch++) {
                long[] ex = samples.epoch(settings.getInt("perUser"), rnd);
                int steps = (ex.length + batch - 1) / batch;
                loop.epoch(epoch, steps, (m, i) -> {
                    NextItemSamples.Batch b = samples.batch(ex, i * batch, Math.min(ex.length, (i + 1) * batch), maxLen, rnd);
                    return softmaxLoss(m, tower(m, b.histories()), params.get("out"), b.targets(), rnd);
                }, curve, ctx.log());
            }
            return curve;
        }

        @Override
        protected NDArray userVectors(NDManager m, List<int[]> histories) {
            return tower(m, histories).expandDims(1);
        }

        @Override
        protected NDArray itemVectors() {
            return params.get("out");
        }
    }
}
