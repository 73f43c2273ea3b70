package io.rimirec.tools.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's standard error, and whether it is a terminal (then progress bars redraw in place). */
public final class Terminal {

    /** Standard error as the CLI writes it; commands whose err is this writer may draw live progress bars. */
    public static final PrintWriter STDERR = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);

    private static volatile Boolean stderrIsTerminal;

    private Terminal() {}

    /** True when {@code err} is the real standard error and that is a terminal. */
    public static boolean isTerminal(PrintWriter err) {
        return err == STDERR && stderrIsTerminal();
    }

    static boolean stderrIsTerminal() {
        Boolean known = stderrIsTerminal;
        if (known == null) {
            known = detect();
            stderrIsTerminal = known;
        }
        return known;
    }

    private static boolean detect() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            // Linux: fd 2 points at a pseudo-terminal or a tty when stderr is a terminal, at a file or pipe otherwise.
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null; // elsewhere: the best the JDK offers (checks stdin/stdout)
        }
    }
}
