package io.rimirec.tools.cli;

import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code rimirec bench generator}: latency of one generate call (encoder + beam search) for a fixed history length
 * and beam width, with the encoder / decoder split. Histories are random vectors near the tree's leaf centroids,
 * so the beam search explores the tree as it would for real users.
 */
@Command(name = "generator", mixinStandardHelpOptions = true, description = "Benchmark interest generation latency.")
public final class BenchGeneratorCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "the folder written by generator train") Path model;
    @Option(names = "--history", defaultValue = "200") int history;
    @Option(names = "--beams", defaultValue = "6") int beams;
    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE})") int threads;
    @Option(names = "--cuda", description = "ask for the CUDA provider (falls back to CPU with a warning)") boolean cuda;
    @Option(names = "--iterations", defaultValue = "2000") int iterations;
    @Option(names = "--warmup", defaultValue = "300") int warmup;
    @Option(names = "--seed", defaultValue = "1") long seed;

    @Override
    public Integer call() throws Exception {
        CircleTree tree = TreeFormat.read(model.resolve(GeneratorArtifact.TREE_FILE));
        OnnxSessionFactory sessions = new OnnxSessionFactory(new OnnxSessionFactory.Options(threads, cuda, 0));
        long t0 = System.nanoTime();
        try (InterestGenerator g = InterestGenerator.load(model.resolve(GeneratorArtifact.DIRECTORY), tree, sessions)) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            Random r = new Random(seed);
            List<Integer> leaves = new ArrayList<>();
            for (int i = 0; i < tree.nodeCount(); i++) {
                if (tree.isLeaf(i)) {
                    leaves.add(i);
                }
            }
            List<List<float[]>> histories = new ArrayList<>();
            for (int h = 0; h < 64; h++) {
                List<float[]> v = new ArrayList<>();
                for (int i = 0; i < history; i++) {
                    float[] c = tree.centroid(leaves.get(r.nextInt(Math.min(leaves.size(), 1 + r.nextInt(6)) + h % Math.max(1, leaves.size() - 6))));
                    for (int d = 0; d < c.length; d++) {
                        c[d] += (float) r.nextGaussian() * 0.01f;
                    }
                    v.add(c);
                }
                histories.add(v);
            }
            long[] total = new long[iterations], enc = new long[iterations], dec = new long[iterations];
            for (int i = 0; i < warmup + iterations; i++) {
                List<float[]> v = histories.get(i % histories.size());
                long a = System.nanoTime();
                InterestGenerator.Memory m = g.encode(v, null);
                long b = System.nanoTime();
                g.search(m, beams);
                long c = System.nanoTime();
                if (i >= warmup) {
                    enc[i - warmup] = b - a;
                    dec[i - warmup] = c - b;
                    total[i - warmup] = c - a;
                }
            }
            System.out.printf(Locale.ROOT, "generator bench: history %d, B=%d, %d intra-op thread(s), provider %s, tree %d leaves depth %d, width %s; sessions loaded in %.1f ms%n",
                history, beams, threads, sessions.provider(), tree.leafCount(), tree.maxDepth(), g.manifest().raw().get("model") instanceof java.util.Map<?, ?> mm ? mm.get("width") : "?", loadMs);
            System.out.println("| part | p50 ms | p99 ms | mean ms |");
            System.out.println("|---|---|---|---|");
            row("total (encode + search)", total);
            row("encoder (incl. tree descent of history items)", enc);
            row("beam search (decoder steps)", dec);
            double share = Arrays.stream(dec).average().orElse(0) / Arrays.stream(total).average().orElse(1);
            System.out.printf(Locale.ROOT, "decoder share of mean latency: %.0f%%%n", 100 * share);
        }
        return 0;
    }

    private static void row(String name, long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", name, s[s.length / 2] / 1e6, s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1e6,
            Arrays.stream(s).average().orElse(0) / 1e6);
    }
}
