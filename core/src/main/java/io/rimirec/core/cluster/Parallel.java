package io.rimirec.core.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Runs work on a fixed number of threads without giving up determinism: loops are cut into chunks whose size
 * does not depend on the thread count, and callers reduce per-chunk results in chunk order. So 1 thread and 16
 * threads produce bit-identical floats.
 */
final class Parallel implements AutoCloseable {

    /** Rows per chunk. Fixed (never derived from the thread count) so reductions always add in the same order. */
    static final int CHUNK = 1024;

    @FunctionalInterface
    interface ChunkBody {
        void run(int chunk, int from, int to);
    }

    private final ForkJoinPool pool; // null: run everything on the calling thread
    private final int threads;

    private Parallel(ForkJoinPool pool, int threads) {
        this.pool = pool;
        this.threads = threads;
    }

    static Parallel create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads == 1 ? new Parallel(null, 1) : new Parallel(new ForkJoinPool(threads), threads);
    }

    int threads() {
        return threads;
    }

    static int chunkCount(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    /** Calls {@code body} once per chunk of {@code [0, n)}; chunks may run concurrently. */
    void forEachChunk(int n, ChunkBody body) {
        int chunks = chunkCount(n);
        if (pool == null || chunks <= 1) {
            for (int c = 0; c < chunks; c++) {
                body.run(c, c * CHUNK, Math.min(n, (c + 1) * CHUNK));
            }
            return;
        }
        List<Runnable> tasks = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int chunk = c;
            tasks.add(() -> body.run(chunk, chunk * CHUNK, Math.min(n, (chunk + 1) * CHUNK)));
        }
        runAll(tasks);
    }

    /** Runs the tasks, concurrently when this has threads, and returns when all are done (rethrowing a failure). */
    void runAll(List<Runnable> tasks) {
        if (pool == null || tasks.size() <= 1) {
            for (Runnable r : tasks) {
                r.run();
            }
            return;
        }
        List<RecursiveAction> actions = new ArrayList<>(tasks.size());
        for (Runnable r : tasks) {
            actions.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    r.run();
                }
            });
        }
        if (ForkJoinTask.getPool() == pool) {
            ForkJoinTask.invokeAll(actions); // nested call from one of our workers: let work stealing share it
        } else {
            pool.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    ForkJoinTask.invokeAll(actions);
                }
            });
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
