package io.rimirec.tools.eval;

import java.util.List;

/**
 * A ready-to-run evaluation: what a method is fitted on and the users it is then asked about. Protocols build
 * these; {@link Evaluator} runs them.
 *
 * @param label    "test" or "validation"
 * @param split    how it was built (users, seed, fractions), for result stamps
 */
public record EvalTask(String label, String split, TrainingData train, List<EvalCase> cases) {

    public EvalTask {
        cases = List.copyOf(cases);
    }
}
