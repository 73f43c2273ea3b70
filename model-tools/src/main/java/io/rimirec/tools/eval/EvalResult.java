package io.rimirec.tools.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mean and standard error of each metric over the evaluated users.
 *
 * @param seconds wall time of the recommend calls
 */
public record EvalResult(List<MetricSpec> metrics, double[] means, double[] stdErrors, int users, double seconds) {

    public double mean(MetricSpec spec) {
        return means[index(spec)];
    }

    public double stdError(MetricSpec spec) {
        return stdErrors[index(spec)];
    }

    private int index(MetricSpec spec) {
        int i = metrics.indexOf(spec);
        if (i < 0) {
            throw new IllegalArgumentException("metric " + spec + " was not evaluated; have " + metrics);
        }
        return i;
    }

    /** Metric name to mean, in table order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < metrics.size(); i++) {
            m.put(metrics.get(i).name(), means[i]);
        }
        return m;
    }
}
