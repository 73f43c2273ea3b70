package io.rimirec.tools.eval;

import java.io.PrintStream;

/**
 * What a {@link Recommender} gets besides its data when it is fitted.
 *
 * @param seed    the only source of randomness a fit may use
 * @param threads how many threads the fit may keep busy
 * @param log     progress output (loss curves); never results
 */
public record FitContext(long seed, int threads, PrintStream log) {

    public FitContext {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }
}
