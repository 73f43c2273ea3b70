package io.rimirec.tools.cli;

import io.rimirec.core.util.ProgressListener;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link ProgressListener} that shows progress on a terminal: on a terminal a bar redrawn in place (at most
 * every {@value #REDRAW_MILLIS} ms), otherwise (a file, a pipe, CI logs) a plain line every 10% of the work or
 * every {@value #PLAIN_LINE_SECONDS} s, whichever comes first. {@link #advance} may be called from any thread.
 */
public final class ProgressBar implements ProgressListener {

    static final long REDRAW_MILLIS = 100;
    static final long PLAIN_LINE_SECONDS = 30;
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanos;
    private final AtomicLong done = new AtomicLong();
    private String task = "";
    private long total;
    private long startNanos;
    private long lastDrawNanos;
    private long lastPlainPercent;
    private int lastWidth;
    private boolean started;

    public ProgressBar(PrintWriter out, boolean terminal, LongSupplier nanos) {
        this.out = out;
        this.terminal = terminal;
        this.nanos = nanos;
    }

    /** A bar on {@code err}: redrawn in place when {@code err} is a terminal, plain lines otherwise. */
    public static ProgressBar on(PrintWriter err) {
        return new ProgressBar(err, Terminal.isTerminal(err), System::nanoTime);
    }

    @Override
    public synchronized void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.done.set(0);
        this.startNanos = nanos.getAsLong();
        this.lastDrawNanos = startNanos;
        this.lastPlainPercent = 0;
        this.started = true;
        if (!terminal) {
            out.println(task + ": started" + (total > 0 ? String.format(Locale.ROOT, " (%,d)", total) : ""));
            out.flush();
        } else {
            draw(startNanos);
        }
    }

    @Override
    public void advance(long units) {
        long now = done.addAndGet(units);
        if (started) {
            maybeShow(now);
        }
    }

    private synchronized void maybeShow(long doneNow) {
        long t = nanos.getAsLong();
        if (terminal) {
            if (t - lastDrawNanos >= TimeUnit.MILLISECONDS.toNanos(REDRAW_MILLIS)) {
                draw(t);
            }
            return;
        }
        long percent = total > 0 ? doneNow * 100 / total : 0;
        boolean step = total > 0 && percent / 10 > lastPlainPercent / 10 && percent < 100;
        boolean slow = t - lastDrawNanos >= TimeUnit.SECONDS.toNanos(PLAIN_LINE_SECONDS);
        if (step || slow) {
            lastPlainPercent = percent;
            lastDrawNanos = t;
            out.println(task + ": " + status(doneNow, t));
            out.flush();
        }
    }

    private void draw(long t) {
        lastDrawNanos = t;
        long d = done.get();
        StringBuilder line = new StringBuilder("\r").append(task).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, d * WIDTH / total);
            line.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
        }
        line.append(status(d, t));
        int visible = line.length() - 1;
        if (visible < lastWidth) {
            line.append(" ".repeat(lastWidth - visible)); // wipe the tail of a longer previous line
        }
        lastWidth = visible;
        out.print(line);
        out.flush();
    }

    private String status(long d, long t) {
        double seconds = (t - startNanos) / 1e9;
        if (total <= 0) {
            return String.format(Locale.ROOT, "%,d done, %s", d, duration(seconds));
        }
        double fraction = Math.min(1.0, (double) d / total);
        String eta = fraction > 0 && fraction < 1 ? ", ETA " + duration(seconds / fraction - seconds) : "";
        return String.format(Locale.ROOT, "%3d%% %,d/%,d, %s%s", (int) (fraction * 100), d, total, duration(seconds), eta);
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
            : String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    @Override
    public synchronized void finish() {
        if (!started) {
            return;
        }
        long t = nanos.getAsLong();
        if (terminal) {
            draw(t);
            out.println();
        } else {
            out.println(task + ": finished, " + status(done.get(), t));
        }
        out.flush();
        started = false;
    }
}
