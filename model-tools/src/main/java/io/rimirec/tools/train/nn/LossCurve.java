package io.rimirec.tools.train.nn;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mean training loss per epoch of a trained baseline, and the check that it learned: a model that ranks
 * the positive no better than chance sits at the loss of a uniform guess, {@code ln(candidates)} for softmax
 * over {@code candidates} items (1 positive + negatives, or the whole catalogue). The final loss must end well
 * below that, at most {@link #LEARNED_FRACTION} of it.
 */
public final class LossCurve {

    /** The last epoch's loss must be at most this share of the chance-level loss. */
    public static final double LEARNED_FRACTION = 0.85;

    private final String what;
    private final double chance;
    private final List<Double> losses = new ArrayList<>();

    /**
     * @param what       e.g. "softmax over 3706 items"
     * @param candidates how many items each softmax chooses among
     */
    public LossCurve(String what, long candidates) {
        this.what = what;
        this.chance = Math.log(candidates);
    }

    /** The curve of a softmax over all {@code numItems} items ({@code negatives} = 0) or over 1 positive + {@code negatives}. */
    public static LossCurve softmax(int negatives, int numItems) {
        return negatives <= 0
            ? new LossCurve("softmax over all " + numItems + " items", numItems)
            : new LossCurve("sampled softmax, 1 positive + " + negatives + " negatives", 1L + negatives);
    }

    public void add(int epoch, double meanLoss, double seconds, PrintStream log) {
        losses.add(meanLoss);
        log.printf(Locale.ROOT, "epoch %3d  loss %.4f  (chance %.4f)  %.1fs%n", epoch, meanLoss, chance, seconds);
        if (!Double.isFinite(meanLoss)) {
            throw new IllegalStateException("training loss is " + meanLoss + " at epoch " + epoch + ": training diverged");
        }
    }

    public double chance() {
        return chance;
    }

    public double last() {
        return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    }

    public boolean learned() {
        return !losses.isEmpty() && last() <= LEARNED_FRACTION * chance;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", what);
        m.put("loss_chance", round(chance));
        m.put("loss_curve", losses.stream().map(LossCurve::round).toList());
        m.put("learned", learned());
        return m;
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
