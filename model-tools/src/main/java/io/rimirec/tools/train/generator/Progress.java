package io.rimirec.tools.train.generator;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr: redrawn in place on a terminal, an occasional plain line (every 10 s) otherwise,
 * so logs of a CI run or a redirected run stay readable.
 */
final class Progress {

    private final PrintStream err = System.err;
    private final boolean tty = System.console() != null;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private long lastLine = System.nanoTime();

    Progress(String label, int total) {
        this.label = label;
        this.total = total;
    }

    void update(int done, double loss) {
        double secs = (System.nanoTime() - start) / 1e9;
        if (tty) {
            int width = 30;
            int filled = total == 0 ? width : (int) ((long) done * width / total);
            err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d loss %.4f %.0fs", label, "=".repeat(filled), " ".repeat(width - filled), done, total, loss, secs);
            err.flush();
        } else if (System.nanoTime() - lastLine > 10_000_000_000L || done == total) {
            err.printf(Locale.ROOT, "%s %d/%d loss %.4f %.0fs%n", label, done, total, loss, secs);
            lastLine = System.nanoTime();
        }
    }

    void finish() {
        if (tty) {
            err.println();
        }
    }
}
