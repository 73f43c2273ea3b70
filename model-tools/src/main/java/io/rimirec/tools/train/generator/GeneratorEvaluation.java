package io.rimirec.tools.train.generator;

import io.rimirec.core.generate.Interest;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The generator's offline evidence. For each test user the last {@code holdout} items are the targets and
 * everything before them the history; a method proposes B circles; coverage is the share of target items whose
 * leaf lies under one of them (averaged over users; every user has exactly {@code holdout} targets). Baselines
 * run the same way:
 * <ul>
 *   <li>popular: the B leaf circles with the most training-user interactions;</li>
 *   <li>recent: the distinct leaf circles of the user's most recent history items, newest first, until B;</li>
 *   <li>frequent: the B leaf circles holding most of the user's own history.</li>
 * </ul>
 * Catalogue share = share of all items under the union of the B circles: broad circles cover more targets but
 * leave the retrieval stage a larger space, so the two columns belong together.
 */
public final class GeneratorEvaluation {

    private GeneratorEvaluation() {}

    /** Mean coverage and catalogue share of one method at one B. */
    public record Row(String method, int beams, double coverage, double catalogueShare, double meanDepth) {}

    public interface Method {
        List<CirclePath> propose(int user, int[] history, int beams);
    }

    public static Method generator(SequenceData data, InterestGenerator g) {
        return (u, history, beams) -> {
            List<float[]> v = new ArrayList<>(history.length);
            List<CirclePath> p = new ArrayList<>(history.length);
            for (int item : history) {
                v.add(data.vectors()[item]);
                p.add(data.tree().path(data.leaves()[item]));
            }
            return g.generate(v, p, beams).stream().map(Interest::circle).toList();
        };
    }

    public static Method popular(SequenceData data, int[] trainUsers) {
        CircleTree tree = data.tree();
        long[] counts = new long[tree.nodeCount()];
        for (int u : trainUsers) {
            for (int item : data.sequences().get(u)) {
                counts[data.leaves()[item]]++;
            }
        }
        List<Integer> leaves = new ArrayList<>();
        for (int i = 0; i < tree.nodeCount(); i++) {
            if (tree.isLeaf(i)) {
                leaves.add(i);
            }
        }
        leaves.sort((a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : tree.path(a).compareTo(tree.path(b)));
        return (u, history, beams) -> leaves.subList(0, Math.min(beams, leaves.size())).stream().map(tree::path).toList();
    }

    public static Method recent(SequenceData data) {
        return (u, history, beams) -> {
            Set<CirclePath> out = new LinkedHashSet<>();
            for (int i = history.length - 1; i >= 0 && out.size() < beams; i--) {
                out.add(data.tree().path(data.leaves()[history[i]]));
            }
            return new ArrayList<>(out);
        };
    }

    public static Method frequent(SequenceData data) {
        return (u, history, beams) -> {
            Map<Integer, Integer> c = new LinkedHashMap<>();
            for (int item : history) {
                c.merge(data.leaves()[item], 1, Integer::sum);
            }
            List<Integer> leaves = new ArrayList<>(c.keySet());
            leaves.sort((a, b) -> !c.get(a).equals(c.get(b)) ? c.get(b) - c.get(a) : data.tree().path(a).compareTo(data.tree().path(b)));
            return leaves.subList(0, Math.min(beams, leaves.size())).stream().map(data.tree()::path).toList();
        };
    }

    public static Row coverage(String name, Method method, SequenceData data, int[] testUsers, int holdout, int beams) {
        CircleTree tree = data.tree();
        long[] under = new long[tree.nodeCount()];
        for (int leaf : data.leaves()) {
            for (int n = leaf; n >= 0; n = tree.parentOf(n)) {
                under[n]++;
            }
        }
        double cov = 0, share = 0, depth = 0;
        int users = 0, circles = 0;
        for (int u : testUsers) {
            int[] seq = data.sequences().get(u);
            if (seq.length <= holdout) {
                continue;
            }
            int[] history = java.util.Arrays.copyOf(seq, seq.length - holdout);
            List<CirclePath> proposed = method.propose(u, history, beams);
            int hit = 0;
            for (int i = seq.length - holdout; i < seq.length; i++) {
                CirclePath leaf = tree.path(data.leaves()[seq[i]]);
                for (CirclePath c : proposed) {
                    if (c.contains(leaf)) {
                        hit++;
                        break;
                    }
                }
            }
            cov += hit / (double) holdout;
            // Union of the proposed subtrees: drop circles inside another proposed circle.
            long items = 0;
            for (CirclePath c : proposed) {
                boolean nested = false;
                for (CirclePath o : proposed) {
                    if (o != c && o.depth() < c.depth() && o.contains(c)) {
                        nested = true;
                        break;
                    }
                }
                if (!nested) {
                    items += under[tree.nodeOf(c)];
                }
                depth += c.depth();
                circles++;
            }
            share += items / (double) data.leaves().length;
            users++;
        }
        return new Row(name, beams, cov / users, share / users, circles == 0 ? 0 : depth / circles);
    }

    /** Planted-hierarchy hit rates: how often the heavy (depth 2) and light (depth 1) circles are among the beams, exactly. */
    public record PlantedRow(int beams, double heavy, double light, double both, double heavyAnyDepth, double lightAnyDepth) {}

    public static PlantedRow planted(PlantedInterests p, InterestGenerator g, int[] testUsers, int holdout, int beams) {
        Method m = generator(p.data, g);
        int heavy = 0, light = 0, both = 0, heavyAny = 0, lightAny = 0, users = 0;
        for (int u : testUsers) {
            int[] seq = p.data.sequences().get(u);
            int[] history = java.util.Arrays.copyOf(seq, seq.length - holdout);
            List<CirclePath> out = m.propose(u, history, beams);
            PlantedInterests.Planted pl = p.planted.get(u);
            boolean h = out.contains(pl.heavy());
            boolean l = out.contains(pl.light());
            heavy += h ? 1 : 0;
            light += l ? 1 : 0;
            both += h && l ? 1 : 0;
            heavyAny += out.stream().anyMatch(c -> c.contains(pl.heavy()) || pl.heavy().contains(c)) ? 1 : 0;
            lightAny += out.stream().anyMatch(c -> c.contains(pl.light()) || pl.light().contains(c)) ? 1 : 0;
            users++;
        }
        return new PlantedRow(beams, heavy / (double) users, light / (double) users, both / (double) users, heavyAny / (double) users, lightAny / (double) users);
    }

    public static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
