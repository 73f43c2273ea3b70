package io.rimirec.tools.eval;

import java.util.BitSet;

/**
 * One held-out user: the history the method is given and the items it should find.
 *
 * @param user    the user's index in the dataset
 * @param history item indexes before the targets, oldest first
 * @param targets held-out item indexes (in time order)
 */
public record EvalCase(int user, int[] history, int[] targets) {

    public BitSet targetSet() {
        BitSet b = new BitSet();
        for (int t : targets) {
            b.set(t);
        }
        return b;
    }
}
