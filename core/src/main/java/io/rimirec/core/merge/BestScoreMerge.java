package io.rimirec.core.merge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the k-NN lists of several interest vectors of one user (HyMiRec serving): an item's score is its best score
 * over the interests, ties broken by id. When each list is the exact top-k of its interest and k &gt;= size, the merged
 * top {@code size} is exactly the top {@code size} of the catalogue by best score over the interests, which is how the
 * offline evaluation ranks (an item outside every list scores below each list's k-th item, so below k items).
 */
public final class BestScoreMerge {

    private BestScoreMerge() {}

    /** One interest's hits, best first. */
    public record Candidates(List<String> ids, List<Float> scores) {
        public Candidates {
            if (ids.size() != scores.size()) {
                throw new IllegalArgumentException(ids.size() + " ids but " + scores.size() + " scores");
            }
        }
    }

    /** A merged hit: the item, its best score, the interest that gave it, and its rank in that interest's list (0-based). */
    public record Hit(String item, float score, int interest, int rank) {}

    public static List<Hit> merge(List<Candidates> perInterest, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        Map<String, Hit> best = new HashMap<>();
        for (int i = 0; i < perInterest.size(); i++) {
            Candidates c = perInterest.get(i);
            for (int r = 0; r < c.ids().size(); r++) {
                Hit h = new Hit(c.ids().get(r), c.scores().get(r), i, r);
                best.merge(h.item(), h, (a, b) -> b.score() > a.score() ? b : a);
            }
        }
        List<Hit> all = new ArrayList<>(best.values());
        all.sort(Comparator.comparing(Hit::score).reversed().thenComparing(Hit::item));
        return all.size() <= size ? all : List.copyOf(all.subList(0, size));
    }
}
