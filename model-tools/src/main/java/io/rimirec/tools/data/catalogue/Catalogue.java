package io.rimirec.tools.data.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.util.Abbreviate;
import io.rimirec.tools.data.TextFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A user's item catalogue: JSON Lines (gzip allowed), one item per line, {@code {"id": ..., "vector": [...], ...}}. The
 * id is required (a string or an integer; {@code item_id} is read when there is no {@code id}); the vector is optional
 * (from any embedding model: without it the item's vector is learned from interactions); every other field is kept as
 * it is, to be indexed with the item.
 *
 * <p>A bad line — not a JSON object, no id, a vector that is not an array of finite numbers, of another length than the
 * first vector, or all zeros; an id seen before with another vector — is skipped and reported with its line; reading stops
 * when more than the allowed share of lines is bad. An id repeated with the same vector and fields is counted and read once.
 */
public final class Catalogue {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One item: its id, its vector (null = none given), its other fields (never null), the line it came from. */
    public record Item(String id, float[] vector, ObjectNode fields, long line) {}

    private final String source;
    private final Map<String, Item> items;
    private final int dimension;
    private final long lines;
    private final Map<String, Long> skipped;
    private final List<String> examples;

    private Catalogue(String source, Map<String, Item> items, int dimension, long lines, Map<String, Long> skipped, List<String> examples) {
        this.source = source;
        this.items = items;
        this.dimension = dimension;
        this.lines = lines;
        this.skipped = skipped;
        this.examples = examples;
    }

    public static Catalogue read(Path file, double maxBadShare) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "items file does not exist");
        }
        String source = file.toString();
        Map<String, Item> items = new LinkedHashMap<>();
        Map<String, Long> skipped = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        int dimension = -1;
        long firstVectorLine = -1;
        long lines = 0;
        long bad = 0;
        try (BufferedReader r = TextFiles.open(file, StandardCharsets.UTF_8)) {
            String line;
            long no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                String problem;
                String detail = "";
                Item item = null;
                JsonNode node = null;
                try {
                    node = JSON.readTree(line);
                    problem = node != null && node.isObject() ? null : "not a JSON object";
                } catch (IOException e) {
                    problem = "malformed JSON";
                    detail = Abbreviate.text(e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse(""));
                }
                if (problem == null) {
                    ObjectNode fields = ((ObjectNode) node).deepCopy();
                    JsonNode idNode = fields.has("id") ? fields.remove("id") : fields.remove("item_id");
                    JsonNode vectorNode = fields.remove("vector");
                    float[] vector = null;
                    if (idNode == null || idNode.isNull() || !(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isBlank()) {
                        problem = "no id";
                        detail = "\"id\" must be a non-empty string or an integer";
                    } else if (vectorNode != null && !vectorNode.isNull()) {
                        vector = readVector(vectorNode);
                        if (vector == null) {
                            problem = "vector is not an array of finite numbers";
                            detail = "item " + idNode.asText();
                        } else if (allZero(vector)) {
                            problem = "vector is all zeros";
                            detail = "item " + idNode.asText() + ": it has no direction to compare";
                        } else if (dimension >= 0 && vector.length != dimension) {
                            problem = "vector of another length";
                            detail = String.format(Locale.ROOT, "item %s has %d values, the item on line %d has %d", idNode.asText(), vector.length,
                                firstVectorLine, dimension);
                        } else if (dimension < 0) {
                            dimension = vector.length;
                            firstVectorLine = no;
                        }
                    }
                    if (problem == null) {
                        String id = idNode.asText().trim();
                        item = new Item(id, vector, fields, no);
                        Item before = items.get(id);
                        if (before != null) {
                            if (Arrays.equals(before.vector(), vector) && before.fields().equals(fields)) {
                                skipped.merge("duplicate id, same item (read once)", 1L, Long::sum);
                                item = null;
                            } else {
                                problem = "duplicate id with another vector or fields";
                                detail = "item " + id + " first on line " + before.line();
                                item = null;
                            }
                        }
                    }
                }
                if (problem != null) {
                    bad++;
                    skipped.merge(problem, 1L, Long::sum);
                    if (examples.size() < 20) {
                        examples.add(source + " line " + no + ": " + problem + (detail.isEmpty() ? "" : " (" + detail + ")"));
                    }
                } else if (item != null) {
                    items.put(item.id(), item);
                }
                if (lines >= 1000 && lines % 1000 == 0) {
                    TextFiles.checkBadShare(source, bad, lines, maxBadShare, skipped, examples);
                }
            }
        }
        TextFiles.checkBadShare(source, bad, lines, maxBadShare, skipped, examples);
        if (items.isEmpty()) {
            throw new IllegalArgumentException(source + ": no item was read (" + lines + " lines, skipped " + skipped + ")");
        }
        return new Catalogue(source, items, dimension, lines, skipped, examples);
    }

    private static float[] readVector(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            return null;
        }
        float[] v = new float[node.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = node.get(i);
            if (!x.isNumber()) {
                return null;
            }
            v[i] = (float) x.asDouble();
            if (!Float.isFinite(v[i])) {
                return null;
            }
        }
        return v;
    }

    private static boolean allZero(float[] v) {
        for (float x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    public String source() {
        return source;
    }

    /** Items in file order, by id. */
    public Map<String, Item> items() {
        return items;
    }

    public Item item(String id) {
        return items.get(id);
    }

    /** The vectors' length; -1 when no item has a vector. */
    public int dimension() {
        return dimension;
    }

    public long itemsWithVector() {
        return items.values().stream().filter(i -> i.vector() != null).count();
    }

    public Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("lines", lines);
        m.put("items", items.size());
        m.put("items_with_vector", itemsWithVector());
        m.put("dimension", dimension);
        m.put("lines_skipped", new LinkedHashMap<>(skipped));
        if (!examples.isEmpty()) {
            m.put("first_skipped_lines", List.copyOf(examples));
        }
        return m;
    }
}
