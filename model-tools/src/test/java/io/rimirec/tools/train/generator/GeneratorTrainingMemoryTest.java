package io.rimirec.tools.train.generator;

import ai.djl.ndarray.NDManager;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.train.tower.UserTowerConfig;
import io.rimirec.tools.train.tower.UserTowerNetwork;
import io.rimirec.tools.train.tower.UserTowerTrainer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Training (the generator's and the user tower's) holds a constant number of native arrays: what one step creates goes with the step. An array derived from a
 * parameter (the decoder's position slice) used to land in the parameters' manager, one more per step until training
 * ended: native memory grew with every step (issue 15 saw 18.6 GB resident behind a 4 GB heap on a large data set).
 */
class GeneratorTrainingMemoryTest {

    private static int arraysAfter(int epochs) {
        PlantedInterests planted = PlantedInterests.generate(120, 3, 3, 3, 6, 8, 0.65, 0.30, 20, 40, 11);
        CircleTree tree = planted.data.tree();
        GeneratorConfig config = new GeneratorConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), 16, 4, 16, 1, 1, 1, 32, 0.0f);
        TargetBuilder targets = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        GeneratorTrainer trainer = new GeneratorTrainer(planted.data, config, targets,
            new GeneratorTrainer.Options(epochs, 16, 2, 0.15, 5e-3f, 100, 10, 3, 0));
        int[] users = new int[planted.data.users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            GeneratorTrainer.Result result = trainer.train(users, manager);
            try (GeneratorNetwork net = result.network()) {
                return net.managedArrays();
            }
        }
    }

    private static int towerArraysAfter(int epochs) {
        PlantedInterests planted = PlantedInterests.generate(120, 3, 3, 3, 6, 8, 0.65, 0.30, 20, 40, 11);
        CircleTree tree = planted.data.tree();
        TargetBuilder targets = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        UserTowerTrainer trainer = new UserTowerTrainer(planted.data.sequences(), planted.data.vectors(), tree, tree.metric(),
            new UserTowerConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), 16, 16, 2, 1, 32, 0f), targets,
            new UserTowerTrainer.Options(epochs, 32, 2, 0.15, 5e-3f, 100, 10, 15, 0.5, 0f, 3, 0));
        int[] users = new int[planted.data.users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            UserTowerTrainer.Result result = trainer.train(users, manager, null, false, ProgressListener.NONE);
            try (UserTowerNetwork net = result.network()) {
                return net.managedArrays();
            }
        }
    }

    /**
     * Pretraining (no tree, item table trained) normalises the table every step: those arrays used to land in the table's
     * manager, an items × dimension array per step for the whole run (issue 15: resident memory grew by a gigabyte every
     * 20 seconds on a 12k-item data set).
     */
    private static int pretrainingArraysAfter(int epochs) {
        PlantedInterests planted = PlantedInterests.generate(120, 3, 3, 3, 6, 8, 0.65, 0.30, 20, 40, 11);
        CircleTree tree = planted.data.tree();
        // Cosine, as RimirecPipeline pretrains: the table's rows are normalised in every step.
        UserTowerTrainer trainer = new UserTowerTrainer(planted.data.sequences(), planted.data.vectors(), null, Metric.COSINE,
            new UserTowerConfig(tree.dimension(), 1, 1, 16, 16, 2, 1, 32, 0f), null,
            new UserTowerTrainer.Options(epochs, 32, 2, 0.15, 5e-3f, 100, 10, 15, 1.0, 0f, 3, 0));
        int[] users = new int[planted.data.users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = i;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            UserTowerTrainer.Result result = trainer.train(users, manager, null, true, ProgressListener.NONE);
            try (UserTowerNetwork net = result.network()) {
                return manager.getManagedArrays().size();
            }
        }
    }

    @Test
    void pretrainingLeavesNoArrayPerStepInTheItemTablesManager() {
        int one = pretrainingArraysAfter(1);
        int three = pretrainingArraysAfter(3);
        assertEquals(one, three, "arrays left in the item table's manager: " + one + " after 1 epoch, " + three + " after 3");
    }

    @Test
    void theUserTowersParametersManagerHoldsAsManyArraysAfterThreeEpochsAsAfterOne() {
        int one = towerArraysAfter(1);
        int three = towerArraysAfter(3);
        assertEquals(one, three, "arrays left in the tower's parameters' manager: " + one + " after 1 epoch, " + three + " after 3");
    }

    @Test
    void theParametersManagerHoldsAsManyArraysAfterThreeEpochsAsAfterOne() {
        int one = arraysAfter(1);
        int three = arraysAfter(3);
        assertEquals(one, three, "arrays left in the parameters' manager: " + one + " after 1 epoch, " + three + " after 3");
    }
}
