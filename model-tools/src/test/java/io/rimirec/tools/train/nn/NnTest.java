package io.rimirec.tools.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class NnTest {

    /**
     * The HyMiRec divergence: with DJL's {@code x.mul(2f)} the backward pass read the constant from a Java direct
     * buffer the garbage collector had already freed, and this test saw NaN (the churn below refills freed memory
     * with NaN). {@link Nn#scale} keeps the constant in torch-owned memory.
     */
    @Test
    void scaledGradientSurvivesAGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        Torch.TRAINING.lock();
        try (NDManager base = Torch.engine().newBaseManager()) {
            for (int trial = 0; trial < 3; trial++) {
                NDArray x = base.create(new float[] {1f, 2f, 3f});
                x.setRequiresGradient(true);
                try (NDManager m = base.newSubManager()) {
                    float[] grad;
                    try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                        NDArray y = Nn.scale(x, 2f);
                        y.attach(m);
                        System.gc();
                        Thread.sleep(20);
                        List<ByteBuffer> churn = new ArrayList<>();
                        for (int i = 0; i < 2000; i++) {
                            churn.add(ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, Float.NaN));
                        }
                        gc.backward(y.sum());
                        grad = x.getGradient().toFloatArray();
                    }
                    assertArrayEquals(new float[] {2f, 2f, 2f}, grad, "trial " + trial);
                }
            }
        } finally {
            Torch.TRAINING.unlock();
        }
    }
}
