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

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The demo's interest generator: small enough to train in about a minute on 2 cores, real enough to learn the plant. */
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
}
