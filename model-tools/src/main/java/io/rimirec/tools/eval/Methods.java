package io.rimirec.tools.eval;

import io.rimirec.tools.eval.baseline.DivideAndConquer;
import io.rimirec.tools.eval.baseline.Ease;
import io.rimirec.tools.eval.baseline.ItemKnn;
import io.rimirec.tools.eval.baseline.Popularity;
import io.rimirec.tools.eval.neural.ComiRecSa;
import io.rimirec.tools.eval.neural.HyMiRec;
import io.rimirec.tools.eval.neural.HyMiRecInCircles;
import io.rimirec.tools.eval.neural.Mind;
import io.rimirec.tools.eval.neural.SasRec;
import io.rimirec.tools.eval.neural.TwoTower;
import io.rimirec.tools.eval.rimirec.RimirecMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The methods the eval command knows, by name. */
public final class Methods {

    private Methods() {}

    /**
     * Every name {@link #all()} knows, for the command's help ({@code {a,b}} expands to each choice). {@code
     * MethodsTest} keeps it equal to {@link #all()}.
     */
    public static final String NAMES = "pop, itemknn, ease, ease-rw, twotower, sasrec, mind, comirec, dnc, rimirec-b{1,2,4,6}, "
        + "rimirec-wholelib-b{1,2,4,6}, rimirec-unified-b{1,2,4,6}, rimirec-mean-b{1,2,4,6}, rimirec-b6-codes, "
        + "hymirec, hymirec-{nolight,exact,euclid,nodmil,w1,maxmatch}, hymirec-circles";

    /** Every method, in table order, fresh for one run (methods may share caches within a run). */
    public static Map<String, Method> all() {
        Map<String, Method> m = new LinkedHashMap<>();
        add(m, new Popularity());
        add(m, new ItemKnn());
        add(m, new Ease(false));
        add(m, new Ease(true));
        add(m, new TwoTower());
        add(m, new SasRec());
        add(m, new Mind());
        add(m, new ComiRecSa());
        add(m, new DivideAndConquer());
        for (RimirecMethod.Variant variant : RimirecMethod.Variant.values()) {
            for (int beams : new int[] {1, 2, 4, 6}) {
                add(m, new RimirecMethod(beams, variant));
            }
        }
        add(m, new RimirecMethod(6, true)); // the history read from residual codes, as "history_source": "codes" does
        for (Method h : HyMiRec.variants()) { // hymirec and its ablations (docs/hymirec.md)
            add(m, h);
        }
        add(m, new HyMiRecInCircles()); // each interest inside its best circle
        return m;
    }

    private static void add(Map<String, Method> m, Method method) {
        m.put(method.name(), method);
    }

    /** Methods from a comma-separated list ({@code all} for every one), in the order given. */
    public static List<Method> parse(String list) {
        Map<String, Method> known = all();
        List<Method> out = new ArrayList<>();
        for (String raw : list.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("all")) {
                out.addAll(known.values());
                continue;
            }
            Method m = known.get(name);
            if (m == null) {
                throw new IllegalArgumentException("unknown method [" + raw.trim() + "]: expected one of " + known.keySet() + " or all");
            }
            out.add(m);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no methods given: expected a comma-separated list of " + known.keySet());
        }
        return out;
    }
}
