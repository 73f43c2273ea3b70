package io.rimirec.tools.train.nn;

import ai.djl.engine.Engine;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The PyTorch engine as the trained baselines use it: offline (DJL must not probe the network), one intra-op and
 * one inter-op thread (faster than two on a 2-core machine: the two compete for the same cores).
 *
 * <p>Training is serialised JVM-wide by {@link #TRAINING}: DJL's PyTorch gradient collector is a process-wide
 * singleton and torch's random generator (dropout) is global, so two fits at once would fail or lose
 * determinism. Inference on frozen parameters may run concurrently.
 */
public final class Torch {

    public static final ReentrantLock TRAINING = new ReentrantLock();

    private Torch() {}

    public static synchronized Engine engine() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        return Engine.getEngine("PyTorch");
    }
}
