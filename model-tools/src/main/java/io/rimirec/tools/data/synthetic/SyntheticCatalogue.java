package io.rimirec.tools.data.synthetic;

import io.rimirec.tools.data.VectorSet;

import java.util.AbstractList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A seeded item catalogue with a planted two-level hierarchy, for demos, integration tests and benchmarks.
 *
 * <p>There are T topics, each with S sub-topics. Topic {@code t} has a random unit direction {@code u_t}; its
 * sub-topic {@code s} has a random offset {@code o_ts} of length {@code subtopicScale}. Item {@code i} draws a
 * topic (by popularity, see {@link SyntheticOptions#topicSkew()}) and a sub-topic (uniformly), and its vector is
 * {@code normalise(u_t + o_ts + noise)}. Every item knows its planted topic and sub-topic, so a circle tree can
 * be checked against the truth.
 *
 * <p>Item {@code i} depends only on the seed and {@code i} (its own random stream), so a catalogue can be generated
 * in parallel, or streamed item by item with {@link #item(SyntheticOptions, float[][], int)} without holding it.
 * Users with planted interests are made from a catalogue by {@link SyntheticUsers}.
 */
public final class SyntheticCatalogue {

    private final SyntheticOptions options;
    private final float[][] vectors;
    private final int[] topic;
    private final int[] subtopic;

    private SyntheticCatalogue(SyntheticOptions options, float[][] vectors, int[] topic, int[] subtopic) {
        this.options = options;
        this.vectors = vectors;
        this.topic = topic;
        this.subtopic = subtopic;
    }

    /** One generated item: its vector, planted topic and sub-topic (index within the topic). */
    public record Item(float[] vector, int topic, int subtopic) {}

    /** The topic directions followed by the sub-topic offsets, as {@link #item} needs them. */
    public static float[][] directions(SyntheticOptions o) {
        SplittableRandom rng = new SplittableRandom(o.seed());
        float[][] out = new float[o.topics() + o.topics() * o.subtopics()][];
        for (int t = 0; t < o.topics(); t++) {
            out[t] = randomDirection(rng, o.dimension(), 1.0);
        }
        for (int j = 0; j < o.topics() * o.subtopics(); j++) {
            out[o.topics() + j] = randomDirection(rng, o.dimension(), o.subtopicScale());
        }
        return out;
    }

    /** Item {@code i} alone; {@code directions} from {@link #directions}. */
    public static Item item(SyntheticOptions o, float[][] directions, int i) {
        SplittableRandom rng = new SplittableRandom(mix(o.seed() ^ 0x5DEECE66DL) ^ mix(i + 1L));
        int t = drawTopic(o, rng.nextDouble());
        int s = rng.nextInt(o.subtopics());
        float[] u = directions[t];
        float[] off = directions[o.topics() + t * o.subtopics() + s];
        int d = o.dimension();
        double sigma = o.noise() / Math.sqrt(d);
        double[] v = new double[d];
        double norm = 0;
        for (int x = 0; x < d; x++) {
            v[x] = u[x] + off[x] + sigma * rng.nextGaussian();
            norm += v[x] * v[x];
        }
        double inv = norm > 0 ? 1.0 / Math.sqrt(norm) : 0;
        float[] out = new float[d];
        for (int x = 0; x < d; x++) {
            out[x] = (float) (v[x] * inv);
        }
        return new Item(out, t, s);
    }

    /** Generates every item in memory, in parallel (the result does not depend on scheduling). */
    public static SyntheticCatalogue generate(SyntheticOptions o) {
        float[][] directions = directions(o);
        float[][] vectors = new float[o.items()][];
        int[] topic = new int[o.items()];
        int[] subtopic = new int[o.items()];
        IntStream.range(0, o.items()).parallel().forEach(i -> {
            Item item = item(o, directions, i);
            vectors[i] = item.vector();
            topic[i] = item.topic();
            subtopic[i] = item.subtopic();
        });
        return new SyntheticCatalogue(o, vectors, topic, subtopic);
    }

    /** The id of item {@code i}: {@code "i" + i}. */
    public static String id(int i) {
        return "i" + i;
    }

    public SyntheticOptions options() {
        return options;
    }

    public int size() {
        return vectors.length;
    }

    /** The vectors themselves (shared, not copied). */
    public float[][] vectors() {
        return vectors;
    }

    public float[] vector(int i) {
        return vectors[i];
    }

    public int topic(int i) {
        return topic[i];
    }

    /** The sub-topic's index within its topic (0 .. S-1). */
    public int subtopic(int i) {
        return subtopic[i];
    }

    /** A global sub-topic number, {@code topic * S + subtopic}. */
    public int subtopicKey(int i) {
        return topic[i] * options.subtopics() + subtopic[i];
    }

    /** Ids and vectors, for code that takes a {@link VectorSet}. */
    public VectorSet toVectorSet() {
        List<String> ids = new AbstractList<>() {
            @Override
            public String get(int index) {
                return id(index);
            }

            @Override
            public int size() {
                return vectors.length;
            }
        };
        return new VectorSet(ids, vectors);
    }

    private static int drawTopic(SyntheticOptions o, double u) {
        if (o.topicSkew() == 0) {
            return Math.min(o.topics() - 1, (int) (u * o.topics()));
        }
        double total = 0;
        for (int t = 0; t < o.topics(); t++) {
            total += Math.pow(t + 1, -o.topicSkew());
        }
        double acc = 0;
        for (int t = 0; t < o.topics(); t++) {
            acc += Math.pow(t + 1, -o.topicSkew()) / total;
            if (u < acc) {
                return t;
            }
        }
        return o.topics() - 1;
    }

    private static float[] randomDirection(SplittableRandom rng, int d, double length) {
        double[] v = new double[d];
        double norm = 0;
        for (int x = 0; x < d; x++) {
            v[x] = rng.nextGaussian();
            norm += v[x] * v[x];
        }
        float[] out = new float[d];
        double scale = length / Math.sqrt(norm);
        for (int x = 0; x < d; x++) {
            out[x] = (float) (v[x] * scale);
        }
        return out;
    }

    /** SplitMix64 finaliser: decorrelates the per-item streams. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
