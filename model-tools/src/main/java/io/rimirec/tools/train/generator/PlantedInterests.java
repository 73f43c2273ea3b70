package io.rimirec.tools.train.generator;

import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded catalogue and user set with a planted hierarchy, for checking that the generator finds interests at
 * the right depth: {@code topics x subTopics x leavesPerSub} leaf circles of items, and users who are heavy users
 * of one sub-topic (depth 2: {@code heavyShare} of their items, spread over its leaves) and light users of a
 * whole other topic (depth 1: {@code lightShare}, spread over all its sub-topics), plus uniform noise.
 *
 * <p>The circle tree is the planted hierarchy itself (centroids = the planted means), so the evidence measures
 * the generator, not the clustering.
 */
public final class PlantedInterests {

    /** Per user: the planted heavy (depth 2) and light (depth 1) circles. */
    public record Planted(CirclePath heavy, CirclePath light) {}

    public final SequenceData data;
    public final List<Planted> planted;

    private PlantedInterests(SequenceData data, List<Planted> planted) {
        this.data = data;
        this.planted = planted;
    }

    public static PlantedInterests generate(int users, long seed) {
        return generate(users, 4, 4, 4, 8, 16, 0.65, 0.30, 30, 80, seed);
    }

    public static PlantedInterests generate(int users, int topics, int subTopics, int leavesPerSub, int itemsPerLeaf, int dim,
                                            double heavyShare, double lightShare, int minLength, int maxLength, long seed) {
        Random r = new Random(seed);
        CircleTree.Builder b = CircleTree.builder(Metric.L2, dim).branching(Math.max(topics, Math.max(subTopics, leavesPerSub))).leafCapacity(itemsPerLeaf).seed(seed)
            .info("source", "planted synthetic hierarchy");
        int items = topics * subTopics * leavesPerSub * itemsPerLeaf;
        float[][] vectors = new float[items][];
        int root = b.root(new float[dim], items);
        int item = 0;
        for (int t = 0; t < topics; t++) {
            float[] tc = around(new float[dim], 8f, r);
            int tn = b.child(root, tc, 0f, (long) subTopics * leavesPerSub * itemsPerLeaf);
            for (int s = 0; s < subTopics; s++) {
                float[] sc = around(tc, 2.5f, r);
                int sn = b.child(tn, sc, 0f, (long) leavesPerSub * itemsPerLeaf);
                for (int l = 0; l < leavesPerSub; l++) {
                    float[] lc = around(sc, 0.8f, r);
                    b.child(sn, lc, 0f, itemsPerLeaf);
                    for (int i = 0; i < itemsPerLeaf; i++) {
                        vectors[item++] = around(lc, 0.1f, r);
                    }
                }
            }
        }
        CircleTree tree = b.build();
        int perTopic = subTopics * leavesPerSub * itemsPerLeaf;
        int perSub = leavesPerSub * itemsPerLeaf;
        List<String> ids = new ArrayList<>();
        List<int[]> seqs = new ArrayList<>();
        List<Planted> planted = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int ht = r.nextInt(topics);
            int hs = r.nextInt(subTopics);
            int lt = (ht + 1 + r.nextInt(topics - 1)) % topics;
            int n = minLength + r.nextInt(maxLength - minLength + 1);
            int[] seq = new int[n];
            for (int i = 0; i < n; i++) {
                double x = r.nextDouble();
                if (x < heavyShare) {
                    seq[i] = ht * perTopic + hs * perSub + r.nextInt(perSub);
                } else if (x < heavyShare + lightShare) {
                    seq[i] = lt * perTopic + r.nextInt(perTopic);
                } else {
                    seq[i] = r.nextInt(items);
                }
            }
            ids.add("u" + u);
            seqs.add(seq);
            planted.add(new Planted(CirclePath.of(ht, hs), CirclePath.of(lt)));
        }
        return new PlantedInterests(SequenceData.of("synthetic-planted(users=" + users + ",seed=" + seed + ")", ids, seqs, vectors, tree), planted);
    }

    private static float[] around(float[] c, float scale, Random r) {
        float[] v = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            v[i] = c[i] + (float) r.nextGaussian() * scale;
        }
        return v;
    }
}
