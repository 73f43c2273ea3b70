package io.rimirec.tools.train.nn;

import java.util.Arrays;
import java.util.Random;

/**
 * Which training users an epoch visits. Without a cap, all of them. With a cap on an epoch's samples, a random share of
 * the users, drawn anew each epoch, so that an epoch on a million users costs what one on a few hundred thousand does
 * and every user still trains over the epochs; early stopping on validation still decides how many epochs run. Both
 * trainers (generator, user tower) use it, and cap their validation users at {@value #MAX_VALIDATION_USERS}.
 */
public final class EpochUsers {

    /** Validation users at most: enough for a stable loss, without a validation pass longer than an epoch. */
    public static final int MAX_VALIDATION_USERS = 10_000;

    private EpochUsers() {}

    /**
     * The users of one epoch: all of {@code users} when {@code maxSamples} is 0 or they give no more samples than that
     * (no random draw is made then, so uncapped training is unchanged); else {@code ceil(maxSamples / samplesPerUser)} of
     * them, drawn with {@code random}, in ascending order.
     */
    public static int[] pick(int[] users, int samplesPerUser, int maxSamples, Random random) {
        long samples = (long) users.length * Math.max(1, samplesPerUser);
        if (maxSamples <= 0 || samples <= maxSamples) {
            return users;
        }
        int take = (int) Math.ceil((double) maxSamples / Math.max(1, samplesPerUser));
        int[] copy = users.clone();
        for (int i = 0; i < take; i++) {
            int j = i + random.nextInt(copy.length - i);
            int t = copy[i];
            copy[i] = copy[j];
            copy[j] = t;
        }
        int[] out = Arrays.copyOf(copy, take);
        Arrays.sort(out);
        return out;
    }
}
