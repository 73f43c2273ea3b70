package io.rimirec.tools.train.interest;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DmilTest {

    /** Targets around {@code directions}: target i is near direction {@code of[i]}. */
    static float[][] planted(float[][] directions, int[] of, double noise, long seed) {
        Random rnd = new Random(seed);
        float[][] t = new float[of.length][];
        for (int i = 0; i < of.length; i++) {
            float[] d = directions[of[i]];
            t[i] = new float[d.length];
            for (int x = 0; x < d.length; x++) {
                t[i][x] = (float) (d[x] * (1 + rnd.nextDouble()) + noise * rnd.nextGaussian());
            }
        }
        return t;
    }

    static final float[][] AXES = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};

    @Test
    void clusteringRecoversPlantedGroupsAndIsDeterministic() {
        int[] of = {2, 0, 2, 1, 0, 1, 2, 0};
        float[][] t = planted(AXES, of, 0.05, 3);
        int[] g = Dmil.cluster(t, 3, 5);
        assertArrayEquals(g, Dmil.cluster(t, 3, 5), "same targets, same groups");
        for (int i = 0; i < of.length; i++) {
            for (int j = 0; j < of.length; j++) {
                assertEquals(of[i] == of[j], g[i] == g[j], "targets " + i + " and " + j + " groups " + java.util.Arrays.toString(g));
            }
        }
        assertEquals(0, g[0], "the first target seeds group 0");
    }

    @Test
    void clusteringScaleInvariantAndHandlesFewTargets() {
        int[] of = {1, 1, 0};
        float[][] t = planted(AXES, of, 0.05, 4);
        float[][] scaled = new float[t.length][];
        for (int i = 0; i < t.length; i++) {
            scaled[i] = t[i].clone();
            for (int x = 0; x < scaled[i].length; x++) {
                scaled[i][x] *= 7;
            }
        }
        assertArrayEquals(Dmil.cluster(t, 2, 5), Dmil.cluster(scaled, 2, 5), "cosine clustering ignores length");
        assertArrayEquals(new int[] {0}, Dmil.cluster(new float[][] {{1, 2}}, 4, 5), "one target, more groups than targets");
        assertEquals(0, Dmil.cluster(new float[0][], 3, 5).length);
    }

    @Test
    void hungarianAssignmentSendsEachGroupToItsInterest() {
        // Interests point at axes 1 and 0; targets come from axes 0 and 1: each group goes to the interest along it.
        float[][] interests = {{0.1f, 1, 0, 0}, {1, 0.2f, 0, 0}};
        int[] of = {0, 1, 0, 1};
        int[] chosen = Dmil.assign(interests, planted(AXES, of, 0.05, 5), Dmil.Matching.HUNGARIAN, 5);
        assertArrayEquals(new int[] {1, 0, 1, 0}, chosen);
    }

    @Test
    void hungarianUsesEveryInterestWhereMaxMatchingCollapses() {
        // One interest is close to both target groups, the other to neither: max matching sends every target to
        // interest 0; DMIL gives each group its own interest (one-to-one), so interest 1 is trained too.
        float[][] interests = {{1, 1, 0, 0}, {0, 0, 0, 1}};
        int[] of = {0, 1, 0, 1};
        float[][] t = planted(AXES, of, 0.01, 6);
        int[] max = Dmil.assign(interests, t, Dmil.Matching.MAX, 5);
        assertArrayEquals(new int[] {0, 0, 0, 0}, max);
        int[] dmil = Dmil.assign(interests, t, Dmil.Matching.HUNGARIAN, 5);
        assertEquals(dmil[0], dmil[2]);
        assertEquals(dmil[1], dmil[3]);
        assertNotEquals(dmil[0], dmil[1]);
        assertTrue(dmil[0] + dmil[1] == 1);
    }
}
