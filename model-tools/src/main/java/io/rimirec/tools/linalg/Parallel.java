package io.rimirec.tools.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A fixed pool of threads for splitting loops. Thread c of t takes indexes {@code from + c, from + c + t, ...}
 * (interleaved, so triangular loops stay balanced). Each index is handled by exactly one thread with the same
 * arithmetic as a serial loop, so results do not depend on the thread count.
 */
public final class Parallel implements AutoCloseable {

    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "rimirec-linalg");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} for every index in {@code [from, to)}, spread over the threads. */
    public void forRange(int from, int to, IntConsumer body) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        if (pool == null || n == 1) {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
            return;
        }
        int chunks = Math.min(threads, n);
        List<Future<?>> fs = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int first = from + c;
            fs.add(pool.submit(() -> {
                for (int i = first; i < to; i += chunks) {
                    body.accept(i);
                }
            }));
        }
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
