package io.rimirec.core.cluster;

import io.rimirec.core.testing.TestVectors;
import io.rimirec.core.vector.Metric;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KMeansTest {

    /** Every vector's cluster is the argmax of similarity + bias (ties low), and sizes match the assignment. */
    static void assertConsistent(float[][] data, KMeansResult r) {
        int[] counted = new int[r.k()];
        for (int i = 0; i < data.length; i++) {
            int j = r.assignment()[i];
            counted[j]++;
            assertEquals(j, r.assign(data[i]), "vector " + i);
        }
        assertArrayEquals(counted, r.sizes());
        for (int s : r.sizes()) {
            assertTrue(s > 0, "no empty clusters");
        }
    }

    /** Each planted blob maps to exactly one cluster and different blobs to different clusters. */
    static void assertRecovers(int[] labels, int blobs, KMeansResult r) {
        int[] clusterOf = new int[blobs];
        Arrays.fill(clusterOf, -1);
        for (int i = 0; i < labels.length; i++) {
            int c = r.assignment()[i];
            if (clusterOf[labels[i]] < 0) {
                clusterOf[labels[i]] = c;
            }
            assertEquals(clusterOf[labels[i]], c, "blob " + labels[i] + " is split");
        }
        Set<Integer> distinct = new HashSet<>();
        for (int c : clusterOf) {
            distinct.add(c);
        }
        assertEquals(blobs, distinct.size(), "blobs merged: " + Arrays.toString(clusterOf));
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void recoversSeparatedBlobs(Metric metric) {
        int[] sizes = {300, 200, 250, 150, 100};
        int[] labels = new int[1000];
        float[][] data = TestVectors.blobs(sizes, 16, 10.0, 0.3, 7, labels);
        KMeansResult r = KMeans.fit(data, KMeansOptions.of(metric, 5).withSeed(3));
        assertConsistent(data, r);
        assertRecovers(labels, sizes.length, r);
        if (metric == Metric.COSINE) {
            for (float[] c : r.centroids()) {
                double norm = 0;
                for (float f : c) {
                    norm += f * f;
                }
                assertEquals(1.0, norm, 1e-5, "spherical k-means keeps unit centroids");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void sameSeedIsBitIdenticalForAnyThreadCount(Metric metric) {
        float[][] data = TestVectors.gaussian(5000, 12, 11);
        // samplePerCluster 0: train on all 5000 vectors, i.e. several chunks whose sums must add in a fixed order.
        KMeansOptions o = KMeansOptions.of(metric, 6).withSeed(99).withSamplePerCluster(0);
        KMeansResult one = KMeans.fit(data, o);
        KMeansResult again = KMeans.fit(data, o);
        KMeansResult three = KMeans.fit(data, o.withThreads(3));
        for (KMeansResult other : new KMeansResult[] {again, three}) {
            assertEquals(one.k(), other.k());
            for (int j = 0; j < one.k(); j++) {
                assertArrayEquals(one.centroids()[j], other.centroids()[j], 0f); // 0 delta: exact floats
            }
            assertArrayEquals(one.assignment(), other.assignment());
            assertArrayEquals(one.bias(), other.bias(), 0f);
        }
        KMeansResult otherSeed = KMeans.fit(data, o.withSeed(100));
        assertFalse(Arrays.equals(one.centroids()[0], otherSeed.centroids()[0]), "the seed matters");
    }

    @Test
    void balancedModeIsDeterministicAcrossThreads() {
        float[][] data = TestVectors.gaussian(4000, 8, 5);
        KMeansOptions o = KMeansOptions.of(Metric.L2, 5).withBalanceRatio(1.2f).withSeed(4).withSamplePerCluster(300);
        KMeansResult a = KMeans.fit(data, o);
        KMeansResult b = KMeans.fit(data, o.withThreads(2));
        assertArrayEquals(a.assignment(), b.assignment());
        assertArrayEquals(a.bias(), b.bias(), 0f);
    }

    @Test
    void fewerItemsThanKGivesFewerClusters() {
        float[][] data = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (Metric metric : Metric.values()) {
            KMeansResult r = KMeans.fit(data, KMeansOptions.of(metric, 8));
            assertEquals(3, r.k(), metric.id());
            assertConsistent(data, r);
            assertEquals(3, new HashSet<>(Arrays.asList(r.assignment()[0], r.assignment()[1], r.assignment()[2])).size());
        }
    }

    @Test
    void duplicatesLimitTheNumberOfClusters() {
        float[][] data = new float[100][];
        for (int i = 0; i < 100; i++) {
            data[i] = i % 2 == 0 ? new float[] {1f, 2f, 3f} : new float[] {-3f, 1f, 0.5f};
        }
        for (Metric metric : Metric.values()) {
            KMeansResult r = KMeans.fit(data, KMeansOptions.of(metric, 5));
            assertEquals(2, r.k(), metric.id());
            assertArrayEquals(new int[] {50, 50}, r.sizes());
            assertConsistent(data, r);
        }
    }

    @Test
    void identicalVectorsMakeOneCluster() {
        float[][] data = new float[40][];
        Arrays.setAll(data, i -> new float[] {0.5f, -0.25f});
        KMeansResult r = KMeans.fit(data, KMeansOptions.of(Metric.COSINE, 4).withBalanceRatio(1.5f));
        assertEquals(1, r.k());
        assertEquals(40, r.sizes()[0]);
    }

    @Test
    void emptyClusterIsReseededFromTheWorstServedVector() {
        int[] labels = new int[300];
        float[][] data = TestVectors.blobs(new int[] {100, 100, 100}, 8, 10.0, 0.2, 21, labels);
        // Two identical starting centroids: ties go to the lower index, so centroid 1 starts empty.
        float[][] init = {data[0].clone(), data[0].clone(), data[150].clone()};
        KMeansOptions o = KMeansOptions.of(Metric.L2, 3);
        KMeansResult r;
        try (Parallel par = Parallel.create(1)) {
            r = KMeans.fit(data, null, o, par, init, true);
        }
        assertEquals(3, r.k(), "the empty cluster was re-seeded instead of dropped");
        assertConsistent(data, r);
        assertRecovers(labels, 3, r);
    }

    @Test
    void withoutIterationsAnEmptyStartingClusterIsDropped() {
        float[][] data = TestVectors.blobs(new int[] {50, 50}, 4, 10.0, 0.2, 2, null);
        float[][] init = {data[0].clone(), data[0].clone()};
        KMeansResult r;
        try (Parallel par = Parallel.create(1)) {
            r = KMeans.fit(data, null, KMeansOptions.of(Metric.L2, 2).withMaxIterations(0), par, init, true);
        }
        assertEquals(1, r.k());
        assertEquals(100, r.sizes()[0]);
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void balancedModeEvensOutSkewedClusters(Metric metric) {
        int[] sizes = {1200, 400, 200, 200};
        float[][] data = TestVectors.blobs(sizes, 8, 3.0, 1.0, 13, null);
        KMeansOptions plainOptions = KMeansOptions.of(metric, 4).withSeed(1);
        KMeansResult plain = KMeans.fit(data, plainOptions);
        KMeansResult balanced = KMeans.fit(data, plainOptions.withBalanceRatio(1.5f));
        assertConsistent(data, balanced);
        assertEquals(4, balanced.k());
        int[] bounds = BiasBalancer.bounds(data.length, 4, 1.5f);
        for (int s : balanced.sizes()) {
            assertTrue(s >= bounds[0] && s <= bounds[1], "size " + s + " outside " + Arrays.toString(bounds)
                + ": " + Arrays.toString(balanced.sizes()));
        }
        assertTrue(balanced.sizeRatio() <= 1.5 + 1e-9, "ratio " + balanced.sizeRatio());
        assertTrue(plain.sizeRatio() > 2, "the data is skewed to begin with: " + Arrays.toString(plain.sizes()));
        boolean anyBias = false;
        for (float b : balanced.bias()) {
            anyBias |= b != 0f;
        }
        assertTrue(anyBias, "balance comes from the bias offsets");
    }

    @Test
    void ratioOneGivesEqualSizes() {
        float[][] data = TestVectors.gaussian(1200, 6, 8);
        KMeansResult r = KMeans.fit(data, KMeansOptions.of(Metric.COSINE, 4).withBalanceRatio(1f));
        assertArrayEquals(new int[] {300, 300, 300, 300}, r.sizes());
        assertConsistent(data, r);
    }

    @Test
    void balanceIsBestEffortWhenDuplicatesMakeItImpossible() {
        float[][] data = new float[100][];
        for (int i = 0; i < 100; i++) {
            data[i] = i < 90 ? new float[] {1f, 1f} : new float[] {(float) Math.cos(i), (float) Math.sin(i)};
        }
        KMeansResult r = KMeans.fit(data, KMeansOptions.of(Metric.COSINE, 2).withBalanceRatio(1f));
        assertConsistent(data, r);
        int dupCluster = r.assignment()[0];
        for (int i = 0; i < 90; i++) {
            assertEquals(dupCluster, r.assignment()[i], "identical vectors share a cluster");
        }
    }

    @Test
    void samplingStillAssignsEveryVector() {
        int[] labels = new int[20000];
        float[][] data = TestVectors.blobs(new int[] {8000, 6000, 4000, 2000}, 16, 10.0, 0.5, 17, labels);
        // 4 × 64 = 256 training vectors out of 20000.
        KMeansResult r = KMeans.fit(data, KMeansOptions.of(Metric.COSINE, 4).withSamplePerCluster(64).withThreads(2));
        assertConsistent(data, r);
        assertRecovers(labels, 4, r);
    }

    @Test
    void subsetOfRowsIsIndexedLikeRows() {
        float[][] data = TestVectors.gaussian(200, 4, 3);
        int[] rows = {5, 17, 42, 99, 150, 151, 199, 0};
        KMeansResult r = KMeans.fit(data, rows, KMeansOptions.of(Metric.L2, 3));
        assertEquals(rows.length, r.assignment().length);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(r.assign(data[rows[i]]), r.assignment()[i]);
        }
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> KMeans.fit(new float[][] {{1, 2}, {1, 2, 3}}, KMeansOptions.of(Metric.L2, 2)));
        assertTrue(e.getMessage().contains("dimension 3") && e.getMessage().contains("dimension 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> KMeans.fit(new float[][] {{1, Float.NaN}}, KMeansOptions.of(Metric.L2, 2)));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KMeans.fit(new float[0][], KMeansOptions.of(Metric.L2, 2)));
        e = assertThrows(IllegalArgumentException.class, () -> KMeansOptions.of(Metric.L2, 2).withBalanceRatio(0.5f));
        assertTrue(e.getMessage().contains("balance ratio"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KMeansOptions.of(Metric.L2, 0));
        assertThrows(IllegalArgumentException.class, () -> KMeansOptions.of(Metric.L2, 2).withThreads(0));
    }

    @Test
    void kthSmallestMatchesSorting() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rng.nextInt(300);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = rng.nextInt(4) == 0 ? 0.5f : (float) rng.nextGaussian(); // with ties
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            int kth = rng.nextInt(n);
            float[] work = a.clone();
            assertEquals(sorted[kth], Select.kthSmallest(work, n, kth));
            for (int i = kth + 1; i < n; i++) {
                assertTrue(work[i] >= sorted[kth]);
            }
        }
    }

    @Test
    void balancerReachesBoundsOnRandomScores() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
        int n = 3000, k = 7;
        float[] scores = new float[n * k];
        for (int i = 0; i < scores.length; i++) {
            // cluster 0 is far more attractive: without bias it takes nearly everything
            scores[i] = (float) rng.nextGaussian() * 0.1f + (i % k == 0 ? 0.3f : 0f);
        }
        float[] bias = new float[k];
        int[] assignment = new int[n];
        int[] sizes = new int[k];
        int[] bounds = BiasBalancer.bounds(n, k, 1.1f);
        try (Parallel par = Parallel.create(2)) {
            BiasBalancer.balance(scores, n, k, bias, bounds[0], bounds[1], 1000, assignment, sizes, par);
        }
        assertEquals(0, BiasBalancer.violation(sizes, bounds[0], bounds[1]), Arrays.toString(sizes));
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (scores[i * k + j] + bias[j] > scores[i * k + best] + bias[best]) {
                    best = j;
                }
            }
            assertEquals(best, assignment[i]);
        }
        assertNotEquals(0f, bias[0]);
    }

    @Test
    void balancerHandlesNearIdenticalTwinClusters() {
        // Clusters 0 and 1 are twins (almost the same score for every vector) and take nearly everything;
        // 2 and 3 are far behind. Shrinking one twin alone only hands its surplus to the other twin, so the
        // balancer must move both together and shed to 2 and 3.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        int n = 4000, k = 4;
        float[] scores = new float[n * k];
        for (int i = 0; i < n; i++) {
            float base = (float) rng.nextGaussian() * 0.05f;
            scores[i * k] = base;
            scores[i * k + 1] = base + (float) rng.nextGaussian() * 1e-3f;
            scores[i * k + 2] = base - 0.1f + (float) rng.nextGaussian() * 0.05f;
            scores[i * k + 3] = base - 0.1f + (float) rng.nextGaussian() * 0.05f;
        }
        float[] bias = new float[k];
        int[] assignment = new int[n];
        int[] sizes = new int[k];
        int[] bounds = BiasBalancer.bounds(n, k, 1.5f);
        try (Parallel par = Parallel.create(1)) {
            BiasBalancer.balance(scores, n, k, bias, bounds[0], bounds[1], 40 * k, assignment, sizes, par);
        }
        assertEquals(0, BiasBalancer.violation(sizes, bounds[0], bounds[1]), Arrays.toString(sizes) + " not in " + Arrays.toString(bounds));
    }

    @Test
    void boundsFollowTheRatio() {
        assertArrayEquals(new int[] {250, 250}, BiasBalancer.bounds(1000, 4, 1f));
        assertArrayEquals(new int[] {200, 300}, BiasBalancer.bounds(1000, 4, 1.5f));
        int[] b = BiasBalancer.bounds(1001, 4, 1f);
        assertArrayEquals(new int[] {250, 251}, b);
    }
}
