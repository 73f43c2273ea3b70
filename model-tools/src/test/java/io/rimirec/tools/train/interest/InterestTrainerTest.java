package io.rimirec.tools.train.interest;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interest model over given item vectors (what {@code rimirec train} fits beside the circles), without a cluster. */
class InterestTrainerTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final InterestConfig SMALL = InterestConfig.fromMap(Map.of("dim", 8, "maxLen", 6, "longLen", 12, "coarse", 2, "blocks", 1,
        "batch", 32, "lr", 1e-2, "epochs", 4, "perUser", 4, "dropout", 0.0));

    /** 4 genres of 10 items, vectors pointing at their genre; each user stays in one genre. */
    private static float[][] vectors(Random r) {
        float[][] v = new float[40][8];
        for (int i = 0; i < 40; i++) {
            v[i][i % 4] = 1;
            for (int d = 0; d < 8; d++) {
                v[i][d] += (float) (0.1 * r.nextGaussian());
            }
        }
        return v;
    }

    private static List<int[]> sequences(Random r) {
        List<int[]> out = new ArrayList<>();
        for (int u = 0; u < 120; u++) {
            int genre = u % 4;
            int[] s = new int[8];
            for (int t = 0; t < s.length; t++) {
                s[t] = genre + 4 * r.nextInt(10);
            }
            out.add(s);
        }
        return out;
    }

    @Test
    void givenVectorsStayAsTheyAreAndTheLossFalls() {
        Random r = new Random(1);
        float[][] items = vectors(r);
        try (InterestTrainer.Fit fit = new InterestTrainer(SMALL, 7, QUIET).fitOnVectors(sequences(r), items, null)) {
            float[][] after = fit.network().itemVectors();
            for (int i = 0; i < items.length; i++) {
                assertArrayEquals(items[i], after[i], "item " + i + " is held constant");
            }
            List<Double> losses = fit.curve().toMap().get("loss_curve") instanceof List<?> l ? l.stream().map(x -> (Double) x).toList() : List.of();
            assertEquals(4, losses.size());
            assertTrue(losses.get(3) < losses.get(0), "loss " + losses);
            // Interests of a genre-0 history point at genre 0's items more than at any other genre's.
            float[][][] interests = fit.network().interestsOf(List.of(new int[] {0, 4, 8, 12}));
            double best = Double.NEGATIVE_INFINITY;
            int bestGenre = -1;
            for (int g = 0; g < 4; g++) {
                double score = 0;
                for (float[] v : interests[0]) {
                    score = Math.max(score, Dmil.dot(v, Dmil.unit(items[g])));
                }
                if (score > best) {
                    best = score;
                    bestGenre = g;
                }
            }
            assertEquals(0, bestGenre, "the interests of a genre-0 history");
        }
    }

    /** Arrays left in the parameters' manager after a fit of {@code epochs} epochs (steps run in sub-managers). */
    private static int arraysAfter(int epochs, boolean given) {
        Random r = new Random(3);
        float[][] items = vectors(r);
        InterestConfig config = SMALL.with("warmup", "0").with("epochs", Integer.toString(epochs));
        InterestTrainer trainer = new InterestTrainer(config, 7, QUIET);
        try (InterestTrainer.Fit fit = given ? trainer.fitOnVectors(sequences(r), items, null) : trainer.fit(sequences(r), items.length)) {
            return fit.network().params().manager().getManagedArrays().size();
        }
    }

    @Test
    void nativeMemoryDoesNotGrowWithEpochs() {
        // Every step's arrays must die with the step: a per-step leak into the parameters' manager (the HyMiRec and
        // pretraining leaks) shows as more arrays after three epochs than after one. The learned mode rebuilds its
        // codebook reconstructions every epoch, the given mode reads them once.
        for (boolean given : new boolean[] {true, false}) {
            assertEquals(arraysAfter(1, given), arraysAfter(3, given), given ? "item vectors given" : "item table learned");
        }
    }

        @Test
    void inputsThatCannotTrainAreRefusedWithTheReason() {
        Random r = new Random(2);
        float[][] items = vectors(r);
        InterestTrainer trainer = new InterestTrainer(SMALL, 7, QUIET);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
            () -> trainer.fitOnVectors(List.of(new int[] {1}, new int[0]), items, null));
        assertTrue(none.getMessage().contains("no sequence of two or more items"), none.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> trainer.fitOnVectors(sequences(r), new float[0][], null));
        assertTrue(empty.getMessage().contains("no item vectors"), empty.getMessage());
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class, () -> new InterestTrainer(SMALL.with("dim", "9").with("heads", "3"),
            7, QUIET).fitOnVectors(sequences(r), items, null));
        assertTrue(heads.getMessage().contains("the item vectors' dimension 8 must be a multiple of [heads] 3"), heads.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> SMALL.with("beams", "3"));
        assertTrue(unknown.getMessage().contains("unknown HyMiRec setting [beams]") && unknown.getMessage().contains("perUser"), unknown.getMessage());
    }
}
