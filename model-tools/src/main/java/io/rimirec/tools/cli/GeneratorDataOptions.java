package io.rimirec.tools.cli;

import io.rimirec.tools.train.generator.MovieLensSequences;
import io.rimirec.tools.train.generator.PlantedInterests;
import io.rimirec.tools.train.generator.SequenceData;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The data set options shared by the generator commands; train and eval rebuild the same data from them. */
public final class GeneratorDataOptions {

    @Option(names = "--data", required = true, description = "synthetic (planted hierarchy) or ml1m")
    String data;

    @Option(names = "--ml1m", defaultValue = "../shared/data/ml-1m/sequences.txt", description = "ML-1M sequences.txt (default: ${DEFAULT-VALUE})")
    Path ml1m;

    @Option(names = "--users", defaultValue = "3000", description = "synthetic users (default: ${DEFAULT-VALUE})")
    int users;

    @Option(names = "--dim", defaultValue = "32", description = "ML-1M item vector dimension (PPMI + SVD on training users) (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--k", defaultValue = "4", description = "ML-1M tree branching k (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--c", defaultValue = "250", description = "ML-1M tree leaf capacity c (default: ${DEFAULT-VALUE})")
    int c;

    @Option(names = "--test-share", defaultValue = "0.2", description = "share of users held out for evaluation (default: ${DEFAULT-VALUE})")
    double testShare;

    @Option(names = "--data-seed", defaultValue = "42", description = "seed of the data, split, vectors and tree (default: ${DEFAULT-VALUE})")
    long seed;

    /** The loaded data with its train/test user split. */
    public record Loaded(SequenceData data, int[] trainUsers, int[] testUsers, PlantedInterests planted, String note) {}

    public Loaded load() throws IOException {
        switch (data) {
            case "synthetic": {
                PlantedInterests p = PlantedInterests.generate(users, seed);
                SequenceData.UserSplit split = SequenceData.splitUsers(p.data.users(), testShare, seed);
                return new Loaded(p.data, split.train(), split.test(), p, "");
            }
            case "ml1m": {
                long t0 = System.nanoTime();
                MovieLensSequences m = MovieLensSequences.load(ml1m, testShare, dim, k, c, seed);
                String note = String.format(java.util.Locale.ROOT, "items without a training interaction (no vector, dropped): %d items, %d interactions; vectors + tree %.1f s",
                    m.droppedItems, m.droppedInteractions, (System.nanoTime() - t0) / 1e9);
                return new Loaded(m.data, m.trainUsers, m.testUsers, null, note);
            }
            default:
                throw new IllegalArgumentException("--data must be synthetic or ml1m, got " + data);
        }
    }
}
