package io.rimirec.tools.eval;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * What a {@link Recommender} may learn from: behaviour sequences (item indexes, oldest first) over a catalogue of
 * {@code numItems} items. A protocol builds it so that no evaluation target is ever in it.
 *
 * <p>Immutable, and built once per task, so it also memoises structures derived from it ({@link #derived}):
 * the grid points of a method tuned on the same data share one co-occurrence matrix or one inversion.
 */
public final class TrainingData {

    private final int numItems;
    private final List<int[]> sequences;
    private final Map<String, FutureTask<?>> derived = new ConcurrentHashMap<>();

    public TrainingData(int numItems, List<int[]> sequences) {
        if (numItems <= 0) {
            throw new IllegalArgumentException("numItems must be > 0, got " + numItems);
        }
        this.numItems = numItems;
        this.sequences = List.copyOf(sequences);
        for (int[] s : this.sequences) {
            for (int item : s) {
                if (item < 0 || item >= numItems) {
                    throw new IllegalArgumentException("item index " + item + " outside [0, " + numItems + ")");
                }
            }
        }
    }

    public int numItems() {
        return numItems;
    }

    /** The sequences; shared, do not modify. */
    public List<int[]> sequences() {
        return sequences;
    }

    public int numSequences() {
        return sequences.size();
    }

    public long numInteractions() {
        long n = 0;
        for (int[] s : sequences) {
            n += s.length;
        }
        return n;
    }

    /** How many times each item occurs in the training sequences. */
    public long[] itemCounts() {
        long[] c = new long[numItems];
        for (int[] s : sequences) {
            for (int item : s) {
                c[item]++;
            }
        }
        return c;
    }

    /**
     * A value computed from this data once and shared by every caller with the same key (concurrent callers wait
     * for the first). The value must be treated as read-only. It lives as long as this object.
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(String key, Supplier<T> compute) {
        FutureTask<T> task = new FutureTask<>(compute::get);
        FutureTask<T> prior = (FutureTask<T>) derived.putIfAbsent(key, task);
        if (prior == null) {
            task.run();
        } else {
            task = prior;
        }
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + key, e);
        } catch (ExecutionException e) {
            derived.remove(key, task); // let a later caller retry
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Shares an already computed value under {@code key} unless one is there (or being computed) already: what a fit
     * offers to later {@link #derived} callers without waiting on itself when it runs inside one.
     */
    public <T> void offer(String key, T value) {
        FutureTask<T> done = new FutureTask<>(() -> value);
        done.run();
        derived.putIfAbsent(key, done);
    }
}
