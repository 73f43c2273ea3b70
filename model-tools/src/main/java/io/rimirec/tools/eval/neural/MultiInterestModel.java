package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.nn.Histories;
import io.rimirec.tools.train.nn.LossCurve;
import io.rimirec.tools.train.nn.NextItemSamples;
import io.rimirec.tools.train.nn.Nn;
import io.rimirec.tools.train.nn.Params;
import io.rimirec.tools.train.nn.TrainLoop;

import java.util.List;
import java.util.Random;

/**
 * What MIND and ComiRec-SA share (as in the ComiRec reference setup): item embeddings used both to read the
 * history and as output vectors; {@code interests} user vectors per history; training on "history, then target"
 * examples where the interest vector closest to the target's embedding (hard readout) is scored with softmax;
 * at inference every interest vector retrieves and items are merged by score.
 */
abstract class MultiInterestModel extends VectorModel {

    protected final int interests;

    MultiInterestModel(Settings s) {
        super(s);
        this.interests = s.getInt("interests");
    }

    /** Interest vectors [b, k, d] for the padded history. */
    protected abstract NDArray interestVectors(NDManager m, Histories h, boolean training);

    protected void defineItems(Params p, int n) {
        p.normal("item", 0.05, n + 1, dim); // row 0 = padding
    }

    protected NDArray outputs() {
        return params.get("item").get("1:");
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
                NDArray v = interestVectors(m, Histories.of(m, b.histories(), maxLen), true); // [b, k, d]
                NDArray target = Nn.lookup(outputs(), m.create(b.targets())); // [b, d]
                // Hard readout: the interest with the largest inner product with the target.
                NDArray pick = v.matMul(target.expandDims(2)).squeeze(2).argMax(1).oneHot(interests); // [b, k]
                NDArray user = v.mul(pick.expandDims(2)).sum(new int[] {1});
                return softmaxLoss(m, user, outputs(), b.targets(), rnd);
            }, curve, ctx.log());
        }
        return curve;
    }

    @Override
    protected NDArray userVectors(NDManager m, List<int[]> histories) {
        return interestVectors(m, Histories.of(m, histories, maxLen), false);
    }

    @Override
    protected NDArray itemVectors() {
        return outputs();
    }
}
