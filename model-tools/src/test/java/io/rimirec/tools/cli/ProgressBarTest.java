package io.rimirec.tools.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {

    private final AtomicLong clock = new AtomicLong();
    private final StringWriter text = new StringWriter();

    @Test
    void plainModePrintsALineEveryTenPercent() {
        ProgressBar bar = new ProgressBar(new PrintWriter(text), false, clock::get);
        bar.start("work", 1000);
        for (int i = 0; i < 1000; i++) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
            bar.advance(1);
        }
        bar.finish();
        String[] lines = text.toString().split("\n");
        assertEquals("work: started (1,000)", lines[0]);
        assertEquals(11, lines.length, text.toString()); // started, 10%..90%, finished
        assertTrue(lines[1].startsWith("work:  10% 100/1,000"), lines[1]);
        assertTrue(lines[10].startsWith("work: finished, 100% 1,000/1,000, 1.0s"), lines[10]);
        assertFalse(text.toString().contains("\r"), "no carriage returns in logs");
    }

    @Test
    void plainModeAlsoPrintsWhenWorkIsSlow() {
        ProgressBar bar = new ProgressBar(new PrintWriter(text), false, clock::get);
        bar.start("slow", 1_000_000);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(ProgressBar.PLAIN_LINE_SECONDS + 1));
        bar.advance(1);
        assertEquals(2, text.toString().split("\n").length, text.toString());
    }

    @Test
    void terminalModeRedrawsInPlaceAtMostEveryHundredMillis() {
        ProgressBar bar = new ProgressBar(new PrintWriter(text), true, clock::get);
        bar.start("build", 100);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
            bar.advance(1);
        }
        bar.finish();
        String s = text.toString();
        long redraws = s.chars().filter(ch -> ch == '\r').count();
        // start + one per 100 ms over 1 s + finish
        assertEquals(12, redraws, s);
        assertTrue(s.contains("build [##############################] 100% 100/100"), s);
        assertTrue(s.endsWith("\n"));
    }

    @Test
    void concurrentAdvancesAreAllCounted() throws InterruptedException {
        ProgressBar bar = new ProgressBar(new PrintWriter(text), false, System::nanoTime);
        bar.start("par", 40_000);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    bar.advance(1);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        bar.finish();
        assertTrue(text.toString().contains("finished, 100% 40,000/40,000"), text.toString());
    }

    @Test
    void durationsReadWell() {
        assertEquals("5.0s", ProgressBar.duration(5));
        assertEquals("2m05s", ProgressBar.duration(125));
        assertEquals("1h01m", ProgressBar.duration(3660));
    }
}
