package io.rimirec.core.json;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A parsed JSON object with typed getters whose errors name the field by its full path
 * ({@code manifest.json: field [generator.files.encoder] ...}).
 */
public final class JsonObject {

    private final Map<String, Object> map;
    private final String source; // the document, e.g. "manifest.json"
    private final String prefix; // dotted path of this object inside it, "" at the top

    public JsonObject(Map<String, Object> map, String source) {
        this(map, source, "");
    }

    private JsonObject(Map<String, Object> map, String source, String prefix) {
        this.map = map;
        this.source = source;
        this.prefix = prefix;
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(map);
    }

    public boolean has(String field) {
        return map.get(field) != null;
    }

    public String string(String field) {
        Object v = required(field);
        if (!(v instanceof String s)) {
            throw error(field, "must be a string");
        }
        return s;
    }

    public String string(String field, String defaultValue) {
        return has(field) ? string(field) : defaultValue;
    }

    public long longValue(String field) {
        Object v = required(field);
        if (!(v instanceof Long l)) {
            throw error(field, "must be an integer");
        }
        return l;
    }

    public int intValue(String field) {
        long l = longValue(field);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw error(field, "is out of range");
        }
        return (int) l;
    }

    public int intValue(String field, int defaultValue) {
        return has(field) ? intValue(field) : defaultValue;
    }

    public double doubleValue(String field) {
        Object v = required(field);
        if (!(v instanceof Number n)) {
            throw error(field, "must be a number");
        }
        return n.doubleValue();
    }

    public double doubleValue(String field, double defaultValue) {
        return has(field) ? doubleValue(field) : defaultValue;
    }

    public boolean booleanValue(String field, boolean defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        Object v = map.get(field);
        if (!(v instanceof Boolean b)) {
            throw error(field, "must be true or false");
        }
        return b;
    }

    public JsonObject object(String field) {
        Object v = required(field);
        if (!(v instanceof Map<?, ?>)) {
            throw error(field, "must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return new JsonObject(m, source, qualified(field));
    }

    public JsonObject optionalObject(String field) {
        return has(field) ? object(field) : null;
    }

    public List<Object> list(String field) {
        Object v = required(field);
        if (!(v instanceof List<?>)) {
            throw error(field, "must be an array");
        }
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) v;
        return l;
    }

    /** Elements of an array of objects, each addressable as {@code field[i]}. */
    public List<JsonObject> objects(String field) {
        List<Object> l = list(field);
        java.util.ArrayList<JsonObject> out = new java.util.ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?>)) {
                throw error(field + "[" + i + "]", "must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) l.get(i);
            out.add(new JsonObject(m, source, qualified(field + "[" + i + "]")));
        }
        return out;
    }

    private Object required(String field) {
        Object v = map.get(field);
        if (v == null) {
            throw error(field, "is missing");
        }
        return v;
    }

    private String qualified(String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    /** An error about {@code field} of this object, naming the document and the field's full path. */
    public IllegalArgumentException error(String field, String problem) {
        return new IllegalArgumentException(source + ": field [" + qualified(field) + "] " + problem);
    }
}
