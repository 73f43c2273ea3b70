package io.rimirec.tools.data.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Users with planted interests over a {@link SyntheticCatalogue}: each user has a <em>heavy</em> interest in one
 * sub-topic and a <em>light</em> interest spread over a whole other topic, the shape of interest that multi-interest
 * recall should recover (one deep circle plus one shallow circle). A history mixes the two: each event is an item
 * of the heavy sub-topic with probability {@code heavyShare}, else an item of the light topic.
 */
public final class SyntheticUsers {

    private SyntheticUsers() {}

    /**
     * @param users         number of users
     * @param historyLength events per user (items may repeat)
     * @param heavyShare    share of events from the heavy sub-topic (0..1)
     * @param seed          decides everything
     */
    public record Options(int users, int historyLength, double heavyShare, long seed) {
        public Options {
            if (users < 1) {
                throw new IllegalArgumentException("users must be >= 1, got " + users);
            }
            if (historyLength < 1) {
                throw new IllegalArgumentException("history length must be >= 1, got " + historyLength);
            }
            if (!(heavyShare >= 0 && heavyShare <= 1)) {
                throw new IllegalArgumentException("heavy share must be in [0, 1], got " + heavyShare);
            }
        }
    }

    /**
     * @param id            {@code "u" + index}
     * @param heavyTopic    topic of the heavy sub-topic
     * @param heavySubtopic the heavy sub-topic (index within {@code heavyTopic})
     * @param lightTopic    the light topic (never {@code heavyTopic} when the catalogue has two topics or more)
     * @param history       item indexes in time order
     */
    public record User(String id, int heavyTopic, int heavySubtopic, int lightTopic, int[] history) {}

    public static List<User> generate(SyntheticCatalogue catalogue, Options o) {
        Stream users = new Stream(catalogue, o.heavyShare(), o.seed());
        List<User> out = new ArrayList<>(o.users());
        for (int u = 0; u < o.users(); u++) {
            out.add(users.next(o.historyLength()));
        }
        return out;
    }

    /**
     * Users one at a time, each with its own history length: what a data set too large to hold as {@link User}
     * objects is written from ({@code rimirec data interactions}). The same seed gives the same users as
     * {@link #generate} for the same lengths.
     */
    public static final class Stream {
        private final int subs;
        private final int[][] bySub;
        private final int[][] byTopic;
        private final List<Integer> nonEmptySubs = new ArrayList<>();
        private final double heavyShare;
        private final SplittableRandom rng;
        private int next;

        public Stream(SyntheticCatalogue catalogue, double heavyShare, long seed) {
            SyntheticOptions co = catalogue.options();
            this.subs = co.subtopics();
            // Items per sub-topic and per topic, in item order.
            this.bySub = group(catalogue, co.topics() * subs, true);
            this.byTopic = group(catalogue, co.topics(), false);
            for (int key = 0; key < bySub.length; key++) {
                if (bySub[key].length > 0) {
                    nonEmptySubs.add(key);
                }
            }
            this.heavyShare = heavyShare;
            this.rng = new SplittableRandom(seed);
        }

        /** The next user, with {@code length} events. */
        public User next(int length) {
            int key = nonEmptySubs.get(rng.nextInt(nonEmptySubs.size()));
            int heavyTopic = key / subs;
            int lightTopic = otherTopic(byTopic, heavyTopic, rng);
            int[] history = new int[length];
            for (int e = 0; e < history.length; e++) {
                int[] pool = rng.nextDouble() < heavyShare ? bySub[key] : byTopic[lightTopic];
                history[e] = pool[rng.nextInt(pool.length)];
            }
            return new User("u" + next++, heavyTopic, key % subs, lightTopic, history);
        }
    }

    private static int otherTopic(int[][] byTopic, int heavyTopic, SplittableRandom rng) {
        List<Integer> candidates = new ArrayList<>();
        for (int t = 0; t < byTopic.length; t++) {
            if (t != heavyTopic && byTopic[t].length > 0) {
                candidates.add(t);
            }
        }
        // A one-topic catalogue has no other topic: the light interest then falls back to the heavy topic.
        return candidates.isEmpty() ? heavyTopic : candidates.get(rng.nextInt(candidates.size()));
    }

    private static int[][] group(SyntheticCatalogue c, int groups, boolean bySubtopic) {
        int[] count = new int[groups];
        for (int i = 0; i < c.size(); i++) {
            count[bySubtopic ? c.subtopicKey(i) : c.topic(i)]++;
        }
        int[][] out = new int[groups][];
        for (int g = 0; g < groups; g++) {
            out[g] = new int[count[g]];
        }
        int[] fill = new int[groups];
        for (int i = 0; i < c.size(); i++) {
            int g = bySubtopic ? c.subtopicKey(i) : c.topic(i);
            out[g][fill[g]++] = i;
        }
        return out;
    }
}
