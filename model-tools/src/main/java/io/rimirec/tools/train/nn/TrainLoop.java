package io.rimirec.tools.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.io.PrintStream;
import java.util.Map;

/** Adam over a {@link Params} set, one epoch at a time, recording the mean loss per epoch in a {@link LossCurve}. */
public final class TrainLoop {

    /** Computes one step's scalar loss in the given (step-scoped) manager. */
    public interface Step {
        NDArray loss(NDManager m, int index);
    }

    private final Params params;
    private final Optimizer adam;

    public TrainLoop(Params params, float learningRate, float weightDecay) {
        this.params = params;
        this.adam = Optimizer.adam()
            .optLearningRateTracker(Tracker.fixed(learningRate))
            .optWeightDecays(weightDecay)
            .optClipGrad(5f)
            .build();
    }

    /** Runs {@code steps} optimisation steps and adds their mean loss to {@code curve} as epoch {@code epoch}. */
    public void epoch(int epoch, int steps, Step step, LossCurve curve, PrintStream log) {
        long t0 = System.nanoTime();
        double sum = 0;
        for (int i = 0; i < steps; i++) {
            try (NDManager m = params.manager().newSubManager()) {
                float loss;
                try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                    NDArray l = step.loss(m, i);
                    gc.backward(l);
                    loss = l.getFloat();
                }
                for (Map.Entry<String, NDArray> p : params.all().entrySet()) {
                    OptimizerStep.update(adam, p.getKey(), p.getValue(), m);
                }
                sum += loss;
            }
        }
        curve.add(epoch, sum / Math.max(1, steps), (System.nanoTime() - t0) / 1e9, log);
    }
}
