package io.rimirec.core.codebook;

import io.rimirec.core.testing.TestVectors;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodebookTest {

    /** 1,200 items: 6 topics × 4 sub-topics × 50, 16-d, so every layer has structure left to find. */
    static final float[][] DATA = TestVectors.hierarchy(6, 4, 50, 16, 0.15, 3);

    static CodebookOptions options(Residual residual) {
        return CodebookOptions.defaults(residual).withLayers(4).withK(16).withBalanceRatio(1.5f).withSeed(7);
    }

    static final CodebookTrainer.Trained COSINE = new CodebookTrainer(options(Residual.COSINE)).train(DATA, null);
    static final CodebookTrainer.Trained EUCLIDEAN = new CodebookTrainer(options(Residual.EUCLIDEAN)).train(DATA, null);

    @Test
    void residualIsOrthogonalToItsCentroidAtEveryLayer() {
        Codebook cb = COSINE.codebook();
        double worst = 0;
        for (int i = 0; i < DATA.length; i += 7) {
            ItemCode code = cb.encode(DATA[i]);
            for (int l = 0; l < cb.layers(); l++) {
                // The residual after layer l, rebuilt independently of the encoder: e minus the sum of what layers 0..l took.
                float[] taken = cb.decode(code, l + 1);
                double[] r = new double[cb.dimension()];
                for (int x = 0; x < r.length; x++) {
                    r[x] = (double) DATA[i][x] - taken[x];
                }
                worst = Math.max(worst, Math.abs(cosine(r, cb.centroid(l, code.codes()[l]))));
            }
        }
        assertTrue(worst <= 1e-5, "largest |cos(residual, its centroid)| is " + worst);
    }

    @Test
    void euclideanResidualIsNotOrthogonal() {
        // The property above is the cosine residual's own, not an accident of the data.
        Codebook cb = EUCLIDEAN.codebook();
        double largest = 0;
        for (int i = 0; i < DATA.length; i += 7) {
            ItemCode code = cb.encode(DATA[i]);
            float[] taken = cb.decode(code, 1);
            double[] r = new double[cb.dimension()];
            for (int x = 0; x < r.length; x++) {
                r[x] = (double) DATA[i][x] - taken[x];
            }
            largest = Math.max(largest, Math.abs(cosine(r, cb.centroid(0, code.codes()[0]))));
        }
        assertTrue(largest > 1e-2, "largest |cos| " + largest);
    }

    @Test
    void reconstructionImprovesWithDepth() {
        for (CodebookTrainer.Trained t : new CodebookTrainer.Trained[] {COSINE, EUCLIDEAN}) {
            CodebookQuality q = CodebookQuality.measure(t.codebook(), DATA, 10, 0, 1);
            for (int l = 1; l < q.layers(); l++) {
                assertTrue(q.meanCosine()[l] > q.meanCosine()[l - 1], t.codebook() + " cosine by depth " + Arrays.toString(q.meanCosine()));
                assertTrue(q.relativeError()[l] < q.relativeError()[l - 1], t.codebook() + " error by depth " + Arrays.toString(q.relativeError()));
            }
            assertTrue(q.meanCosine()[q.layers() - 1] > 0.93, t.codebook() + " cosine by depth " + Arrays.toString(q.meanCosine()));
        }
    }

    @Test
    void codeSizesStayWithinTheBalanceBound() {
        for (CodebookTrainer.Trained t : new CodebookTrainer.Trained[] {COSINE, EUCLIDEAN}) {
            Codebook cb = t.codebook();
            int n = DATA.length;
            for (int l = 0; l < cb.layers(); l++) {
                int k = cb.k(l);
                assertEquals(16, k);
                // The bound balanced k-means aims for: max/min about R, symmetric around n/k.
                double lo = 2.0 * n / (k * (1 + 1.5));
                long min = Long.MAX_VALUE, max = 0, total = 0;
                for (int j = 0; j < k; j++) {
                    min = Math.min(min, cb.size(l, j));
                    max = Math.max(max, cb.size(l, j));
                    total += cb.size(l, j);
                }
                assertEquals(n, total);
                assertTrue(min >= Math.floor(lo) && max <= Math.ceil(1.5 * lo), cb + " layer " + l + " sizes " + min + ".." + max
                    + ", bound " + Math.floor(lo) + ".." + Math.ceil(1.5 * lo));
            }
        }
    }

    @Test
    void encodingATrainingItemGivesTheCodesTrainingGaveIt() {
        for (CodebookTrainer.Trained t : new CodebookTrainer.Trained[] {COSINE, EUCLIDEAN}) {
            for (int i = 0; i < DATA.length; i++) {
                ItemCode code = t.codebook().encode(DATA[i]);
                assertArrayEquals(t.codes()[i].codes(), code.codes(), "item " + i);
                assertArrayEquals(t.codes()[i].magnitudes(), code.magnitudes(), "item " + i);
            }
        }
    }

    @Test
    void sameSeedSameCodebookWhateverTheThreads() {
        Codebook two = new CodebookTrainer(options(Residual.COSINE).withThreads(2)).train(DATA, null).codebook();
        assertEquals(COSINE.codebook().contentHash(), two.contentHash());
        Codebook other = new CodebookTrainer(options(Residual.COSINE).withSeed(8)).train(DATA, null).codebook();
        assertTrue(!other.contentHash().equals(two.contentHash()));
    }

    @Test
    void cosineCodebookKeepsDirectionsBetterWhenNormsVary() {
        // Items whose lengths vary by 10x: Euclidean k-means spends its centroids on length, cosine on direction,
        // which is what cosine retrieval ranks by (the paper's ablation).
        float[][] data = new float[DATA.length][];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
        for (int i = 0; i < data.length; i++) {
            float s = (float) Math.exp(rng.nextDouble() * Math.log(10));
            data[i] = DATA[i].clone();
            for (int x = 0; x < data[i].length; x++) {
                data[i][x] *= s;
            }
        }
        CodebookOptions o = options(Residual.COSINE).withLayers(2);
        CodebookQuality cos = CodebookQuality.measure(new CodebookTrainer(o).train(data, null).codebook(), data, 10, 300, 5);
        CodebookQuality euc = CodebookQuality.measure(new CodebookTrainer(new CodebookOptions(Residual.EUCLIDEAN, o.layers(), o.k(),
            o.balanceRatio(), o.maxIterations(), o.seed(), o.threads(), o.samplePerCluster())).train(data, null).codebook(), data, 10, 300, 5);
        assertTrue(cos.meanCosine()[1] > euc.meanCosine()[1] + 0.01, "cosine " + Arrays.toString(cos.meanCosine()) + " vs euclidean "
            + Arrays.toString(euc.meanCosine()));
        assertTrue(cos.neighbourRecall() > euc.neighbourRecall(), "recall@10 cosine " + cos.neighbourRecall() + " vs euclidean " + euc.neighbourRecall());
    }

    @Test
    void encodeRejectsWrongInput() {
        Codebook cb = COSINE.codebook();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cb.encode(new float[3]));
        assertEquals("vector has 3 values but the codebook expects 16", e.getMessage());
        float[] nan = new float[16];
        nan[2] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> cb.encode(nan));
        assertEquals("vector value at position 2 is NaN: expected a finite number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cb.decode(new ItemCode(new int[] {0, 0, 0, 99}, new float[4])));
        assertEquals("code 99 at layer 3 is out of range: the layer has 16 codes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CodebookOptions.defaults(Residual.COSINE).withK(1));
        assertThrows(IllegalArgumentException.class, () -> CodebookOptions.defaults(Residual.COSINE).withLayers(0));
        assertThrows(IllegalArgumentException.class, () -> new CodebookTrainer(options(Residual.COSINE)).train(new float[0][], null));
    }

    static double cosine(double[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
