package io.rimirec.tools.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A method's hyper-parameters: an ordered name-to-value map (numbers, strings, booleans). */
public record Settings(Map<String, Object> values) {

    public Settings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Settings of(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name, value pairs");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Settings(m);
    }

    /** Every combination of the given values (the first name varies slowest), each merged over {@code base}. */
    public static List<Settings> grid(Settings base, Map<String, List<?>> axes) {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>(base.values));
        for (Map.Entry<String, List<?>> axis : axes.entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : out) {
                for (Object v : axis.getValue()) {
                    Map<String, Object> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out.stream().map(Settings::new).toList();
    }

    public Settings with(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(name, value);
        return new Settings(m);
    }

    /** These settings without {@code name} (the others keep their order, so the text form stays a stable cache key). */
    public Settings without(String name) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.remove(name);
        return new Settings(m);
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("setting [" + name + "] is missing; have " + values.keySet());
        }
        return v;
    }

    public int getInt(String name) {
        return ((Number) get(name)).intValue();
    }

    public long getLong(String name) {
        return ((Number) get(name)).longValue();
    }

    public double getDouble(String name) {
        return ((Number) get(name)).doubleValue();
    }

    public float getFloat(String name) {
        return ((Number) get(name)).floatValue();
    }

    public String getString(String name) {
        return String.valueOf(get(name));
    }

    public boolean getBoolean(String name) {
        Object v = get(name);
        return v instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(v));
    }

    @Override
    public String toString() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
