package io.rimirec.tools.eval.baseline;

import io.rimirec.core.cluster.KMeans;
import io.rimirec.core.cluster.KMeansOptions;
import io.rimirec.core.cluster.KMeansResult;
import io.rimirec.core.merge.QuotaMerge;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.generator.MovieLensSequences;
import io.rimirec.tools.util.TopK;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Divide &amp; Conquer (Zhang et al., WWW 2023 companion; the HimiRec paper's baseline): the whole catalogue is cut into
 * K clusters by k-means over the item vectors, every cluster is searched with its own user vector, and the per-cluster
 * lists are merged with quotas {@code M · p^α / Σ p^α} by core's {@link QuotaMerge} (the merge rimirec uses).
 *
 * <ul>
 *   <li><b>Item vectors:</b> the rank-{@code dim} PPMI co-occurrence vectors rimirec's tree is built on
 *       ({@link MovieLensSequences#ppmiEmbedding}), so D&amp;C and rimirec differ only in how they partition and plan.</li>
 *   <li><b>Clusters:</b> flat cosine k-means over the catalogue (core's {@link KMeans}), fitted once per task.</li>
 *   <li><b>Per-cluster user vector:</b> the normalised, recency-weighted mean of the history items inside the cluster
 *       (weight {@code 2^(-age/halfLife)}, age 0 = newest; halfLife 0 = equal weights). The paper trains one user tower
 *       per cluster; like rimirec's mean-of-slice vectors this one is untrained, so the two compare the partitioning.</li>
 *   <li><b>Clusters searched and quotas:</b> the clusters holding at least one history item (at most
 *       {@code maxClusters} of them by weight, 0 = all), with probability = the cluster's share of the history weight.</li>
 * </ul>
 * A history with no item that has a vector gets no recommendations (as for rimirec).
 */
public final class DivideAndConquer implements Method {

    @Override
    public String name() {
        return "dnc";
    }

    @Override
    public String describe() {
        return "Divide&Conquer: k-means clusters of the catalogue (PPMI vectors), a per-cluster mean user vector, exact search "
            + "in every cluster the history touches, quota merge by history share^alpha";
    }

    static Settings defaults() {
        return Settings.of("dim", 32, "clusters", 16, "alpha", 1.0, "halfLife", 0.0, "maxClusters", 0);
    }

    @Override
    public List<Settings> grid(boolean quick) {
        if (quick) {
            return Settings.grid(defaults().with("dim", 16), Map.of("clusters", List.of(4, 8)));
        }
        Map<String, List<?>> axes = new LinkedHashMap<>();
        axes.put("dim", List.of(32, 64));
        axes.put("clusters", List.of(4, 8, 16, 32, 64));
        axes.put("alpha", List.of(0.5, 1.0, 2.0));
        axes.put("halfLife", List.of(0.0, 5.0, 20.0));
        return Settings.grid(defaults(), axes);
    }

    @Override
    public Recommender create(Settings settings) {
        return new Model(settings);
    }

    /** The fitted partition: unit item vectors (null for items no training sequence has), cluster of each, members. */
    record Partition(float[][] unit, int[] clusterOf, int[][] members, int[] sizes) {}

    static Partition partition(TrainingData data, int dim, int clusters, FitContext ctx) {
        float[][] vectors = data.derived("ppmi dim=" + dim + " seed=" + ctx.seed(), () -> MovieLensSequences.ppmiEmbedding(data.sequences(),
            IntStream.range(0, data.numSequences()).toArray(), data.numItems(), dim, ctx.seed()));
        return data.derived("dnc partition dim=" + dim + " clusters=" + clusters + " seed=" + ctx.seed(), () -> {
            int n = vectors.length;
            int[] kept = IntStream.range(0, n).filter(i -> vectors[i] != null).toArray();
            if (kept.length < clusters) {
                throw new IllegalArgumentException("dnc: [clusters] = " + clusters + " but only " + kept.length + " items have a vector");
            }
            float[][] unit = new float[n][];
            float[][] rows = new float[kept.length][];
            for (int r = 0; r < kept.length; r++) {
                unit[kept[r]] = normalized(vectors[kept[r]]);
                rows[r] = unit[kept[r]];
            }
            KMeansResult km = KMeans.fit(rows, KMeansOptions.of(Metric.COSINE, clusters).withSeed(ctx.seed()).withThreads(ctx.threads()));
            int[] clusterOf = new int[n];
            Arrays.fill(clusterOf, -1);
            List<List<Integer>> members = new ArrayList<>();
            for (int c = 0; c < clusters; c++) {
                members.add(new ArrayList<>());
            }
            for (int r = 0; r < kept.length; r++) {
                clusterOf[kept[r]] = km.assignment()[r];
                members.get(km.assignment()[r]).add(kept[r]);
            }
            int[][] m = members.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
            return new Partition(unit, clusterOf, m, Arrays.stream(m).mapToInt(a -> a.length).toArray());
        });
    }

    static float[] normalized(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    private static final class Model implements Recommender {
        private final Settings settings;
        private Partition partition;
        private final Map<String, Object> diagnostics = new LinkedHashMap<>();

        Model(Settings settings) {
            this.settings = settings;
        }

        @Override
        public void fit(TrainingData data, FitContext ctx) {
            partition = partition(data, settings.getInt("dim"), settings.getInt("clusters"), ctx);
            int[] sizes = partition.sizes().clone();
            Arrays.sort(sizes);
            diagnostics.put("clusters", sizes.length);
            diagnostics.put("cluster_size_min_median_max", List.of(sizes[0], sizes[sizes.length / 2], sizes[sizes.length - 1]));
        }

        @Override
        public int[][] recommend(List<Query> batch, int m) {
            return Recommender.eachQuery(batch, query -> recommendOne(query, m));
        }

        private int[] recommendOne(Query query, int m) {
            int[] history = query.history();
            float[] w = HistoryWeights.of(history, settings.getDouble("halfLife"));
            int k = partition.members().length;
            double[] mass = new double[k];
            float[][] sum = new float[k][];
            double total = 0;
            for (int j = 0; j < history.length; j++) {
                int item = history[j];
                int c = partition.clusterOf()[item];
                if (c < 0) {
                    continue;
                }
                float[] v = partition.unit()[item];
                if (sum[c] == null) {
                    sum[c] = new float[v.length];
                }
                for (int d = 0; d < v.length; d++) {
                    sum[c][d] += w[j] * v[d];
                }
                mass[c] += w[j];
                total += w[j];
            }
            if (total <= 0) {
                return new int[0];
            }
            // Clusters the history touches, heaviest first (ties: lower cluster first).
            Integer[] touched = IntStream.range(0, k).filter(c -> mass[c] > 0).boxed().toArray(Integer[]::new);
            Arrays.sort(touched, (a, b) -> mass[a] != mass[b] ? Double.compare(mass[b], mass[a]) : Integer.compare(a, b));
            int limit = settings.getInt("maxClusters");
            int searched = limit > 0 ? Math.min(limit, touched.length) : touched.length;
            List<QuotaMerge.CircleCandidates> candidates = new ArrayList<>(searched);
            for (int t = 0; t < searched; t++) {
                int c = touched[t];
                candidates.add(new QuotaMerge.CircleCandidates("c" + c, mass[c] / total, exactTop(normalized(sum[c]),
                    partition.members()[c], m, query.exclude())));
            }
            return QuotaMerge.merge(candidates, m, settings.getDouble("alpha")).stream()
                .mapToInt(h -> Integer.parseInt(h.item())).toArray();
        }

        private List<String> exactTop(float[] user, int[] members, int m, BitSet exclude) {
            float[][] unit = partition.unit();
            return TopK.selectAmong(members, item -> {
                float dot = 0;
                for (int d = 0; d < user.length; d++) {
                    dot += user[d] * unit[item][d];
                }
                return dot;
            }, m, exclude);
        }

        @Override
        public Map<String, Object> diagnostics() {
            return diagnostics;
        }
    }
}
