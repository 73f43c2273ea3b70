package io.rimirec.tools.train.generator;

import io.rimirec.core.tree.CircleTree;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * What the generator trains on: item vectors, each item's leaf node in the tree, and users' chronological
 * sequences of item indexes. Items without a vector are left out of the sequences by the reader.
 *
 * @param userIds   external user ids, for reports
 * @param sequences per user, item indexes oldest first
 * @param vectors   per item, its vector
 * @param leaves    per item, its leaf node in {@code tree}
 */
public record SequenceData(String name, List<String> userIds, List<int[]> sequences, float[][] vectors, int[] leaves, CircleTree tree) {

    public static SequenceData of(String name, List<String> userIds, List<int[]> sequences, float[][] vectors, CircleTree tree) {
        int[] leaves = new int[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            leaves[i] = tree.assignNode(vectors[i]);
        }
        return new SequenceData(name, userIds, sequences, vectors, leaves, tree);
    }

    /** Train and test users (indexes, ascending). */
    public record UserSplit(int[] train, int[] test) {}

    /** A seeded random split of {@code users} users, {@code testShare} of them (rounded) held out for testing. */
    public static UserSplit splitUsers(int users, double testShare, long seed) {
        List<Integer> order = new java.util.ArrayList<>();
        for (int i = 0; i < users; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        int nTest = (int) Math.round(users * testShare);
        int[] test = order.subList(0, nTest).stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] train = order.subList(nTest, order.size()).stream().mapToInt(Integer::intValue).sorted().toArray();
        return new UserSplit(train, test);
    }

    public int users() {
        return sequences.size();
    }

    public long interactions() {
        long n = 0;
        for (int[] s : sequences) {
            n += s.length;
        }
        return n;
    }

    /** SHA-256 over the sequences and vectors: recorded with the model so a result can be tied to its data. */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            for (int[] s : sequences) {
                md.update(b.clear().putInt(s.length).array(), 0, 4);
                for (int v : s) {
                    md.update(b.clear().putInt(v).array(), 0, 4);
                }
            }
            for (float[] v : vectors) {
                for (float f : v) {
                    md.update(b.clear().putFloat(f).array(), 0, 4);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
