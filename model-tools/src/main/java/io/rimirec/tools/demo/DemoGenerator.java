package io.rimirec.tools.demo;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.data.synthetic.SyntheticUsers;
import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.tools.train.generator.GeneratorConfig;
import io.rimirec.tools.train.generator.GeneratorTrainer;
import io.rimirec.tools.train.generator.SequenceData;
import io.rimirec.tools.train.generator.TargetBuilder;
import io.rimirec.tools.train.tower.UserTowerArtifact;
import io.rimirec.tools.train.tower.UserTowerConfig;
import io.rimirec.tools.train.tower.UserTowerTrainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The demo's interest generator and user tower: small enough to train in about a minute on 2 cores, real enough to learn the plant. */
final class DemoGenerator {

    private DemoGenerator() {}

    /** Trains on the users' histories, writes the ONNX artifact to {@code dir}, returns the training record. */
    static Map<String, Object> train(SyntheticCatalogue catalogue, CircleTree tree, List<SyntheticUsers.User> users, int epochs, long seed,
                                     Path dir, ProgressListener progress) throws IOException {
        List<String> ids = new ArrayList<>(users.size());
        List<int[]> sequences = new ArrayList<>(users.size());
        for (SyntheticUsers.User u : users) {
            ids.add(u.id());
            sequences.add(u.history());
        }
        SequenceData data = SequenceData.of("rimirec demo: synthetic users", ids, sequences, catalogue.vectors(), tree);
        GeneratorConfig config = new GeneratorConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), 64, 16, 32, 4, 1, 1, 64, 0.0f);
        TargetBuilder targets = new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6);
        GeneratorTrainer trainer = new GeneratorTrainer(data, config, targets,
            new GeneratorTrainer.Options(epochs, 64, 2, 0.1, 3e-3f, 2, 10, seed, 0));
        return GeneratorArtifact.trainAndWrite(trainer, config, targets, tree, dir, progress);
    }

    /**
     * Trains the demo's user tower on the catalogue's own (content) vectors and tree, writes the ONNX artifact to
     * {@code dir}, returns the training record. Small and time-limited, like the generator.
     */
    static Map<String, Object> trainTower(SyntheticCatalogue catalogue, CircleTree tree, List<SyntheticUsers.User> users, long seed,
                                          Path dir, ProgressListener progress) throws IOException {
        List<int[]> sequences = new ArrayList<>(users.size());
        for (SyntheticUsers.User u : users) {
            sequences.add(u.history());
        }
        int[] all = new int[sequences.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        UserTowerConfig config = new UserTowerConfig(tree.dimension(), tree.maxDepth(), tree.maxFanOut(), 32, 32, 2, 1, 64, 0f);
        UserTowerTrainer trainer = new UserTowerTrainer(sequences, catalogue.vectors(), tree, tree.metric(), config,
            new TargetBuilder(tree, TargetBuilder.Mode.ADAPTIVE, 2, 0.6),
            new UserTowerTrainer.Options(4, 128, 4, 0.1, 3e-3f, 2, 10, 64, 0.5, 0f, seed, 1.0));
        return UserTowerArtifact.trainAndWrite(trainer, all, null, tree, dir, progress).info();
    }
}
