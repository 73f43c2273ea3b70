package io.rimirec.plugin.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What keeps a dropped model's ONNX sessions from outliving their use, with a resource that counts opens and closes. */
class LeasedResourceTests {

    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    private AutoCloseable open() {
        opened.incrementAndGet();
        return closed::incrementAndGet;
    }

    @Test
    void openedOnFirstUseKeptWhileOwnedAndClosedAtOnceWhenDroppedIdle() throws Exception {
        LeasedResource<AutoCloseable> r = new LeasedResource<>();
        assertFalse(r.isOpen());
        r.use(this::open, x -> 1);
        r.use(this::open, x -> 2);
        assertEquals(1, opened.get(), "opened once, reused");
        assertTrue(r.isOpen());
        r.drop();
        assertFalse(r.isOpen());
        assertEquals(1, closed.get());

        // A use after the drop (a request that got the model just before) runs, and leaves nothing open.
        assertEquals(Integer.valueOf(3), r.<Integer>use(this::open, x -> 3));
        assertFalse(r.isOpen());
        assertEquals(2, opened.get());
        assertEquals(2, closed.get());
    }

    @Test
    void droppedWhileInUseItClosesWhenTheLastUseFinishes() throws Exception {
        LeasedResource<AutoCloseable> r = new LeasedResource<>();
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch finish = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> r.use(this::open, x -> await(inside, finish)));
            Future<?> b = pool.submit(() -> r.use(this::open, x -> await(inside, finish)));
            inside.await();
            r.drop();
            assertTrue(r.isOpen(), "two uses running: kept open");
            assertEquals(0, closed.get());
            finish.countDown();
            a.get();
            b.get();
            assertFalse(r.isOpen());
            assertEquals(1, opened.get());
            assertEquals(1, closed.get(), "closed once, by the last use");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedOpenOrAFailingUseLeavesTheCountRight() throws Exception {
        LeasedResource<AutoCloseable> r = new LeasedResource<>();
        assertThrows(IOException.class, () -> r.use(() -> {
            throw new IOException("corrupt graph");
        }, x -> 1));
        assertThrows(IllegalStateException.class, () -> r.use(this::open, x -> {
            throw new IllegalStateException("query failed");
        }));
        r.drop();
        assertFalse(r.isOpen(), "the failed use released its hold");
        assertEquals(1, closed.get());
    }

    private static Object await(CountDownLatch inside, CountDownLatch finish) {
        inside.countDown();
        try {
            finish.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }
}
