package io.rimirec.tools.cli;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeSummary;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.data.synthetic.SyntheticOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

/**
 * {@code rimirec bench tree}: builds a circle tree over an in-memory synthetic catalogue and reports wall time,
 * items/s and peak heap, plus the build time in units of a baseline measured in the same run: one brute-force pass
 * assigning every item to k centroids with the same similarity kernel and threads. A tree build assigns every item
 * once per level (and trains each split on a sample), so its cost in passes is the number that stays comparable
 * across noisy machines.
 */
@Command(
    name = "tree",
    mixinStandardHelpOptions = true,
    description = "Benchmark the circle tree build on a synthetic catalogue held in memory. "
        + "Prints wall time, items/s, peak heap and the build time in baseline passes "
        + "(one brute-force pass assigning all items to k centroids, measured in the same run)."
)
public final class BenchTreeCommand implements Callable<Integer> {

    private static final int BASELINE_REPEATS = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--items", defaultValue = "1000000", description = "Catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--dim", defaultValue = "64", description = "Vector dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--k", defaultValue = "8", description = "Clusters per split (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--c", defaultValue = "1000", description = "Leaf capacity (default: ${DEFAULT-VALUE}).")
    int c;

    @Option(names = "--metric", defaultValue = "cosine", converter = CliSupport.MetricConverter.class,
        description = "cosine, inner_product or l2 (default: ${DEFAULT-VALUE}).")
    Metric metric;

    @Option(names = "--balance-ratio", defaultValue = "0", paramLabel = "<R>", description = "0 = plain k-means (default: ${DEFAULT-VALUE}).")
    float balanceRatio;

    @Option(names = "--threads", paramLabel = "<N>", description = "Worker threads (default: available cores).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the catalogue and the tree (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--topics", defaultValue = "20", description = "Planted topics (default: ${DEFAULT-VALUE}).")
    int topics;

    @Option(names = "--subtopics", defaultValue = "8", description = "Planted sub-topics per topic (default: ${DEFAULT-VALUE}).")
    int subtopics;

    @Option(names = "--warmup-items", defaultValue = "100000", description = "Items of an untimed warm-up build, so the JIT has compiled the loops (default: ${DEFAULT-VALUE}).")
    int warmupItems;

    @Option(names = "--no-progress", description = "Do not show progress on stderr.")
    boolean noProgress;

    @Override
    public Integer call() {
        CliSupport.atLeast(spec, "--items", items, 1);
        CliSupport.atLeast(spec, "--dim", dim, 2);
        CliSupport.atLeast(spec, "--k", k, 2);
        CliSupport.atLeast(spec, "--c", c, 1);
        CliSupport.atLeast(spec, "--topics", topics, 1);
        CliSupport.atLeast(spec, "--subtopics", subtopics, 1);
        CliSupport.atLeast(spec, "--warmup-items", warmupItems, 0);
        CliSupport.balanceRatio(spec, balanceRatio);
        int workers = CliSupport.threads(spec, threads);
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();

        out.printf(Locale.ROOT, "machine: %d cores, Java %s (%s), max heap %,d MB%n", rt.availableProcessors(),
            System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.maxMemory() >> 20);
        long t0 = System.nanoTime();
        SyntheticOptions data = SyntheticOptions.defaults(items, dim).withTopics(topics, subtopics).withSeed(seed);
        SyntheticCatalogue catalogue = SyntheticCatalogue.generate(data);
        out.printf(Locale.ROOT, "data: synthetic catalogue, %,d items x %d dims, %d topics x %d sub-topics, seed %d (generated in %s)%n",
            items, dim, topics, subtopics, seed, CliSupport.seconds(System.nanoTime() - t0));
        TreeOptions options = new TreeOptions(metric, k, c, balanceRatio, seed, workers, 25);
        out.printf(Locale.ROOT, "tree options: metric %s, k=%d, c=%d, balance ratio %s, threads %d, max iterations %d%n",
            metric.id(), k, c, balanceRatio == 0f ? "0 (plain)" : Float.toString(balanceRatio), workers, options.maxIterations());
        out.flush();

        float[][] vectors = catalogue.vectors();
        // Warm-up: let the JIT compile the build and the baseline loops before anything is timed.
        if (warmupItems > 0) {
            float[][] head = Arrays.copyOf(vectors, Math.min(warmupItems, items));
            CircleTree warm = new HierarchicalKMeans(options).build(head);
            baselinePass(head, baselineCentroids(warm, head), workers);
            out.printf(Locale.ROOT, "warm-up: built a tree over %,d items (not timed)%n", head.length);
        }

        float[][] centroids = baselineCentroids(new HierarchicalKMeans(options.withLeafCapacity(Integer.MAX_VALUE))
            .build(Arrays.copyOf(vectors, Math.min(items, 20_000))), vectors);
        long baseline = Long.MAX_VALUE;
        for (int r = 0; r < BASELINE_REPEATS; r++) {
            long s = System.nanoTime();
            baselinePass(vectors, centroids, workers);
            baseline = Math.min(baseline, System.nanoTime() - s);
        }
        out.printf(Locale.ROOT, "baseline: one brute-force pass assigning all %,d items to %d centroids (%s similarity, %d threads): %s (best of %d)%n",
            items, centroids.length, metric.id(), workers, CliSupport.seconds(baseline), BASELINE_REPEATS);
        out.flush();

        System.gc();
        long catalogueHeap = usedHeap();
        resetPeaks();
        ProgressListener progress = noProgress ? ProgressListener.NONE : ProgressBar.on(spec.commandLine().getErr());
        long s = System.nanoTime();
        HierarchicalKMeans.Result result = new HierarchicalKMeans(options).fit(vectors, progress);
        long build = System.nanoTime() - s;
        long peak = peakHeap();
        CircleTree tree = result.tree();

        out.printf(Locale.ROOT, "build: %s wall, %,.0f items/s%n", CliSupport.seconds(build), items / (build / 1e9));
        out.printf(Locale.ROOT, "ratio: build = %.1f baseline passes (depth %d: each level assigns every item once, plus training each split on a sample)%n",
            (double) build / baseline, tree.maxDepth());
        out.printf(Locale.ROOT, "peak heap: %,d MB during the build (sum of per-pool peaks; the catalogue alone holds %,d MB)%n",
            peak >> 20, catalogueHeap >> 20);
        TreeSummary summary = TreeSummary.of(tree, vectors, result.leafNode(), TreeSummary.DEFAULT_SAMPLE, seed);
        out.println(summary.format());
        out.printf(Locale.ROOT, "topic cohesion: %.2f%% of items share the level-1 circle that holds most of their planted topic%n",
            100 * topicCohesion(catalogue, result));
        if (items == 1_000_000 && dim == 64 && k == 8 && c == 1000) {
            out.printf(Locale.ROOT, "target: 1M x 64-d, k=8, c=1000 in under 120 s: %s (%s)%n",
                build < 120e9 ? "met" : "NOT met", CliSupport.seconds(build));
        }
        out.flush();
        return 0;
    }

    /** The root's children of a small tree: k realistic centroids (with their biases folded out: the pass uses none). */
    private static float[][] baselineCentroids(CircleTree tree, float[][] fallback) {
        if (tree.childCount(0) == 0) {
            return new float[][] {fallback[0]};
        }
        float[][] out = new float[tree.childCount(0)][];
        for (int i = 0; i < out.length; i++) {
            out[i] = tree.centroid(tree.child(0, i));
        }
        return out;
    }

    /** Assigns every vector to its most similar centroid, in 1024-row chunks over {@code threads} workers. */
    private void baselinePass(float[][] vectors, float[][] centroids, int threads) {
        int chunk = 1024;
        int chunks = (vectors.length + chunk - 1) / chunk;
        AtomicLongArray counts = new AtomicLongArray(centroids.length);
        Runnable body = () -> IntStream.range(0, chunks).parallel().forEach(ch -> {
            long[] local = new long[centroids.length];
            for (int i = ch * chunk, end = Math.min(vectors.length, i + chunk); i < end; i++) {
                int best = 0;
                float bestScore = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < centroids.length; j++) {
                    float score = metric.similarity(vectors[i], centroids[j], 0);
                    if (score > bestScore) {
                        bestScore = score;
                        best = j;
                    }
                }
                local[best]++;
            }
            for (int j = 0; j < local.length; j++) {
                counts.addAndGet(j, local[j]);
            }
        });
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(body).join();
        } finally {
            pool.shutdown();
        }
        long total = 0;
        for (int j = 0; j < centroids.length; j++) {
            total += counts.get(j);
        }
        if (total != vectors.length) {
            throw new IllegalStateException("baseline pass assigned " + total + " of " + vectors.length + " items");
        }
    }

    /** Share of items in the level-1 circle where most of their planted topic went. */
    private static double topicCohesion(SyntheticCatalogue catalogue, HierarchicalKMeans.Result result) {
        CircleTree tree = result.tree();
        int top = Math.max(1, tree.childCount(0));
        int topicCount = catalogue.options().topics();
        long[][] counts = new long[topicCount][top];
        for (int i = 0; i < catalogue.size(); i++) {
            int leaf = result.leafNode()[i];
            int circle = tree.path(leaf).isRoot() ? 0 : tree.path(leaf).index(0);
            counts[catalogue.topic(i)][circle]++;
        }
        long kept = 0;
        for (long[] row : counts) {
            kept += Arrays.stream(row).max().orElse(0);
        }
        return (double) kept / catalogue.size();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        List<MemoryPoolMXBean> out = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                out.add(pool);
            }
        }
        return out;
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : heapPools()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : heapPools()) {
            sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }
}
