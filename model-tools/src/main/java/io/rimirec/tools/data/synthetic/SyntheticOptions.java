package io.rimirec.tools.data.synthetic;

/**
 * Settings of a {@link SyntheticCatalogue}.
 *
 * @param items          number of items N
 * @param dimension      vector dimension d
 * @param topics         top-level topics T
 * @param subtopics      sub-topics S per topic
 * @param subtopicScale  length of a sub-topic's offset from its topic direction (topic directions have length 1)
 * @param noise          expected length of an item's Gaussian noise (per coordinate: noise / sqrt(d))
 * @param topicSkew      topic popularity ∝ 1 / (rank + 1)^skew; 0 gives equally likely topics
 * @param seed           everything is a function of the seed
 */
public record SyntheticOptions(
    int items,
    int dimension,
    int topics,
    int subtopics,
    double subtopicScale,
    double noise,
    double topicSkew,
    long seed
) {

    public SyntheticOptions {
        require(items >= 1, "items must be >= 1, got " + items);
        require(dimension >= 2, "dimension must be >= 2, got " + dimension);
        require(topics >= 1, "topics must be >= 1, got " + topics);
        require(subtopics >= 1, "sub-topics per topic must be >= 1, got " + subtopics);
        require(subtopicScale >= 0 && Double.isFinite(subtopicScale), "sub-topic scale must be a finite number >= 0, got " + subtopicScale);
        require(noise >= 0 && Double.isFinite(noise), "noise must be a finite number >= 0, got " + noise);
        require(topicSkew >= 0 && Double.isFinite(topicSkew), "topic skew must be a finite number >= 0, got " + topicSkew);
    }

    /**
     * 20 topics × 8 sub-topics, sub-topic offsets of length 0.6, noise of length 0.35, uniform topics, seed 42:
     * items of one sub-topic have cosine about 0.9, of one topic about 0.7, of different topics about 0.
     */
    public static SyntheticOptions defaults(int items, int dimension) {
        return new SyntheticOptions(items, dimension, 20, 8, 0.6, 0.35, 0.0, 42L);
    }

    public SyntheticOptions withTopics(int topics, int subtopics) {
        return new SyntheticOptions(items, dimension, topics, subtopics, subtopicScale, noise, topicSkew, seed);
    }

    public SyntheticOptions withShape(double subtopicScale, double noise, double topicSkew) {
        return new SyntheticOptions(items, dimension, topics, subtopics, subtopicScale, noise, topicSkew, seed);
    }

    public SyntheticOptions withSeed(long seed) {
        return new SyntheticOptions(items, dimension, topics, subtopics, subtopicScale, noise, topicSkew, seed);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
