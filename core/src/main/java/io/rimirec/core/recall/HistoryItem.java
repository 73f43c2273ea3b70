package io.rimirec.core.recall;

import io.rimirec.core.tree.CirclePath;

/**
 * One item of a user's history as recall sees it: its id (null for an inline vector), its vector, and its leaf circle
 * in the model's tree (found by descent, so it always matches the tree in use, whatever the document says).
 */
public record HistoryItem(String id, float[] vector, CirclePath leaf) {
    public HistoryItem {
        if (vector == null) {
            throw new IllegalArgumentException("a history item needs a vector");
        }
        if (leaf == null) {
            throw new IllegalArgumentException("a history item needs its leaf circle");
        }
    }
}
