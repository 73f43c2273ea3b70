package io.rimirec.tools.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A method whose grid has some settings replaced from the command line ({@code --set method.name=v1,v2}): every
 * grid point takes each of the given values for that name (so one value fixes it, several make it an axis), and
 * duplicate points are dropped. The override is part of the recorded command line, so tables stay reproducible.
 */
public final class Overridden implements Method {

    private final Method method;
    private final Map<String, List<Object>> overrides;

    public Overridden(Method method, Map<String, List<Object>> overrides) {
        this.method = method;
        this.overrides = new LinkedHashMap<>(overrides);
    }

    /** {@code m} itself, or the method an {@link Overridden} wraps. */
    public static Method unwrap(Method m) {
        return m instanceof Overridden o ? o.method : m;
    }

    /** The method whose grid is overridden. */
    public Method method() {
        return method;
    }

    /** Parses {@code method.name=v1,v2,...}: ints, then doubles, then true/false, else strings. */
    public static Map.Entry<String, Map.Entry<String, List<Object>>> parse(String spec) {
        int eq = spec.indexOf('=');
        int dot = spec.indexOf('.');
        if (eq < 0 || dot < 1 || dot > eq - 2 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("--set expects method.name=value[,value...], got [" + spec + "]");
        }
        String method = spec.substring(0, dot).trim().toLowerCase(Locale.ROOT);
        String name = spec.substring(dot + 1, eq).trim();
        List<Object> values = new ArrayList<>();
        for (String raw : spec.substring(eq + 1).split(",")) {
            values.add(value(raw.trim()));
        }
        return Map.entry(method, Map.entry(name, values));
    }

    /** A command-line value: an int, else a double, else true/false, else the string. */
    public static Object value(String s) {
        if (s.matches("-?\\d+")) {
            return Integer.parseInt(s);
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            // not a number
        }
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        return s;
    }

    @Override
    public String name() {
        return method.name();
    }

    @Override
    public String describe() {
        return method.describe();
    }

    @Override
    public List<Settings> grid(boolean quick) {
        List<Settings> points = method.grid(quick);
        for (Map.Entry<String, List<Object>> o : overrides.entrySet()) {
            Set<Settings> next = new LinkedHashSet<>();
            for (Settings s : points) {
                if (!s.values().containsKey(o.getKey())) {
                    throw new IllegalArgumentException("method " + name() + " has no setting [" + o.getKey() + "]; it has "
                        + s.values().keySet());
                }
                for (Object v : o.getValue()) {
                    next.add(s.with(o.getKey(), v));
                }
            }
            points = List.copyOf(next);
        }
        return points;
    }

    @Override
    public Recommender create(Settings settings) {
        return method.create(settings);
    }
}
