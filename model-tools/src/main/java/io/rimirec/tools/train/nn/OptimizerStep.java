package io.rimirec.tools.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;

/**
 * One optimiser update of one parameter after a backward pass, the same in every training loop.
 *
 * <p>The gradient's wrapper is moved into the step's manager, so it closes with the step, and the gradient is cleared
 * in place after the update (torch accumulates gradients). Not {@code GradientCollector.zeroGradients()}: with the
 * PyTorch engine it makes a new wrapper of every parameter's gradient in the parameters' manager and never closes it,
 * one leaked array per parameter per step. That grew native memory with every step of the generator and user tower
 * training (issue 15: 18.6 GB resident behind a 4 GB heap, epochs slowing from 0.2 to over 10 minutes).
 */
public final class OptimizerStep {

    private OptimizerStep() {}

    public static void update(Optimizer optimizer, String name, NDArray param, NDManager step) {
        NDArray grad = param.getGradient();
        grad.attach(step);
        optimizer.update(name, param, grad);
        grad.subi(grad);
    }
}
