package io.rimirec.tools.eval;

import java.util.List;

/** A recall method the eval command can run: how to build it and which settings to try. */
public interface Method {

    /** The name used on the command line and in tables ({@code pop}, {@code ease}, ...). */
    String name();

    /** One line for reports. */
    String describe();

    /**
     * Settings tried on the validation task, the one with the best validation score is used for the test run;
     * a grid of one is used as it is. {@code quick} asks for a small, fast grid (for the test suite).
     */
    List<Settings> grid(boolean quick);

    /** A fresh, unfitted recommender with these settings. */
    Recommender create(Settings settings);
}
