package io.rimirec.tools.cli;

import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookQuality;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.codebook.Residual;
import io.rimirec.core.cluster.KMeansOptions;
import io.rimirec.tools.data.VectorJsonlReader;
import io.rimirec.tools.train.generator.MovieLensSequences;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rimirec codebook train}: item vectors in, {@code .rcodebook} out, reconstruction report printed. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a residual codebook over item vectors (HyMiRec: L layers of balanced k-means under cosine, each layer coding "
        + "the part of the vector orthogonal to the centroids before it) and report how well it reconstructs them."
)
public final class CodebookTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--input", paramLabel = "<items.jsonl>", description = "Item vectors, one JSON object per line (docs/formats.md).")
        Path input;

        @Option(names = "--ml1m", paramLabel = "<sequences.txt>",
            description = "Instead of --input: ML-1M item vectors (PPMI + SVD of the training users, as the generator and evaluation build them).")
        Path ml1m;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--ml1m-dim", defaultValue = "32", description = "Dimension of the ML-1M vectors (default: ${DEFAULT-VALUE}).")
    int ml1mDim;

    @Option(names = "--output", paramLabel = "<codebook.rcodebook>", description = "Where to write the codebook (omit to only report).")
    Path output;

    @Option(names = "--residual", defaultValue = "cosine", description = "cosine (HyMiRec) or euclidean (ablation) (default: ${DEFAULT-VALUE}).")
    String residual;

    @Option(names = "--compare", description = "Also train the other residual with the same settings and report both.")
    boolean compare;

    @Option(names = "--layers", defaultValue = "3", description = "L: codes per item, 1-16 (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--k", defaultValue = "256", description = "Codes per layer, 2-65536; up to 256 packs in one byte (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--balance-ratio", defaultValue = "2", paramLabel = "<R>",
        description = "Largest/smallest code size per layer (>= 1, balanced k-means), 0 for plain k-means (default: ${DEFAULT-VALUE}).")
    float balanceRatio;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed; same seed and data give the same codebook (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "<N>", description = "Worker threads (default: available cores). The codebook does not depend on it.")
    Integer threads;

    @Option(names = "--max-iterations", defaultValue = "25", description = "Lloyd iterations per layer at most (default: ${DEFAULT-VALUE}).")
    int maxIterations;

    @Option(names = "--recall-k", defaultValue = "10", description = "k of the neighbour recall in the report (default: ${DEFAULT-VALUE}).")
    int recallK;

    @Option(names = "--recall-queries", defaultValue = "1000", description = "Items sampled for the neighbour recall; 0 skips it (default: ${DEFAULT-VALUE}).")
    int recallQueries;

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--max-iterations", maxIterations, 1);
        CliSupport.atLeast(spec, "--recall-k", recallK, 1);
        CliSupport.atLeast(spec, "--recall-queries", recallQueries, 0);
        CliSupport.balanceRatio(spec, balanceRatio);
        int workers = CliSupport.threads(spec, threads);
        Residual main = Residual.fromId(residual);
        CodebookOptions options = new CodebookOptions(main, layers, k, balanceRatio, maxIterations, seed, workers,
            KMeansOptions.DEFAULT_SAMPLE_PER_CLUSTER);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        long t0 = System.nanoTime();
        float[][] vectors;
        String sourceName;
        if (source.input != null) {
            CliSupport.existingFile(spec, "--input", source.input);
            vectors = VectorJsonlReader.readAll(source.input).vectors();
            sourceName = source.input.getFileName().toString();
        } else {
            CliSupport.existingFile(spec, "--ml1m", source.ml1m);
            CliSupport.atLeast(spec, "--ml1m-dim", ml1mDim, 2);
            vectors = MovieLensSequences.load(source.ml1m, 0.2, ml1mDim, 4, 250, seed).data.vectors();
            sourceName = "ml-1m " + source.ml1m.getFileName() + " (PPMI-SVD, dim " + ml1mDim + ")";
        }
        if (vectors.length == 0) {
            throw new IllegalArgumentException("the input holds no items");
        }
        err.printf(Locale.ROOT, "read %,d items of dimension %d from %s in %s%n", vectors.length, vectors[0].length, sourceName,
            CliSupport.seconds(System.nanoTime() - t0));
        err.flush();

        List<Residual> residuals = new ArrayList<>(List.of(main));
        if (compare) {
            residuals.add(main == Residual.COSINE ? Residual.EUCLIDEAN : Residual.COSINE);
        }
        out.printf(Locale.ROOT, "%,d items, dimension %d, %d layers x %d codes, balance ratio %s, seed %d%n", vectors.length, vectors[0].length,
            layers, k, balanceRatio, seed);
        for (Residual r : residuals) {
            CodebookOptions o = new CodebookOptions(r, options.layers(), options.k(), options.balanceRatio(), options.maxIterations(),
                options.seed(), options.threads(), options.samplePerCluster());
            long t1 = System.nanoTime();
            Codebook codebook = new CodebookTrainer(o)
                .info("source", sourceName)
                .info("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .train(vectors, null).codebook();
            long trainNanos = System.nanoTime() - t1;
            if (output != null && r == main) {
                CodebookFormat.write(codebook, output);
                err.printf(Locale.ROOT, "wrote %s%n", output);
            }
            CodebookQuality q = CodebookQuality.measure(codebook, vectors, recallK, recallQueries, seed);
            out.print(report(codebook, q, trainNanos, vectors[0].length));
        }
        out.flush();
        return 0;
    }

    static String report(Codebook codebook, CodebookQuality q, long trainNanos, int dimension) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s residual codebook %s: trained in %s, %d bytes per item packed (a float vector: %d bytes)%n",
            codebook.residual().id(), codebook.contentHash().substring(0, 12), CliSupport.seconds(trainNanos), PackedCodes.length(codebook),
            4 * dimension));
        s.append("  depth  mean cosine  relative error\n");
        for (int l = 0; l < q.layers(); l++) {
            s.append(String.format(Locale.ROOT, "  %5d  %11.4f  %14.4f%n", l + 1, q.meanCosine()[l], q.relativeError()[l]));
        }
        if (!Double.isNaN(q.neighbourRecall())) {
            s.append(String.format(Locale.ROOT, "  neighbour recall@%d of the reconstruction in the original catalogue (%d items): %.4f%n",
                q.recallK(), q.recallQueries(), q.neighbourRecall()));
        }
        return s.toString();
    }
}
