package io.rimirec.tools.data;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes an item-vector JSONL file that {@link VectorJsonlReader} reads back bit for bit: floats are written as
 * the shortest decimal that parses back to the same float. Optional extra fields (strings, numbers or JSON trees) follow
 * {@code vector}; readers of the format skip them.
 */
public final class VectorJsonlWriter implements Closeable {

    private static final JsonFactory JSON = new ObjectMapper().getFactory(); // with a codec, so JSON trees can be written

    private final JsonGenerator gen;
    private int dimension = -1;
    private long written;

    public VectorJsonlWriter(Path file) throws IOException {
        this(newOutput(file));
    }

    public VectorJsonlWriter(OutputStream out) throws IOException {
        this.gen = JSON.createGenerator(out, JsonEncoding.UTF8);
        gen.setRootValueSeparator(null); // we end every item with a newline ourselves
    }

    private static OutputStream newOutput(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.newOutputStream(file);
    }

    public void write(String id, float[] vector) throws IOException {
        write(id, vector, Map.of());
    }

    public void write(String id, float[] vector, Map<String, ?> extra) throws IOException {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("item " + written + ": id must not be empty");
        }
        if (dimension < 0) {
            dimension = vector.length;
        } else if (vector.length != dimension) {
            throw new IllegalArgumentException("item [" + id + "] has dimension " + vector.length + " but earlier items have " + dimension);
        }
        gen.writeStartObject();
        gen.writeStringField("id", id);
        gen.writeFieldName("vector");
        gen.writeStartArray();
        for (float f : vector) {
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException("item [" + id + "] has a non-finite value " + f);
            }
            gen.writeNumber(f);
        }
        gen.writeEndArray();
        for (Map.Entry<String, ?> e : extra.entrySet()) {
            if (e.getKey().equals("id") || e.getKey().equals("vector")) {
                throw new IllegalArgumentException("extra field must not be named " + e.getKey());
            }
            Object v = e.getValue();
            if (v instanceof JsonNode node) {
                gen.writeFieldName(e.getKey());
                gen.writeTree(node);
            } else if (v instanceof Number num) {
                if (num instanceof Integer || num instanceof Long) {
                    gen.writeNumberField(e.getKey(), num.longValue());
                } else {
                    gen.writeNumberField(e.getKey(), num.doubleValue());
                }
            } else {
                gen.writeStringField(e.getKey(), String.valueOf(v));
            }
        }
        gen.writeEndObject();
        gen.writeRaw('\n');
        written++;
    }

    public long written() {
        return written;
    }

    /** Writes every item of the set. */
    public static void writeAll(Path file, VectorSet set) throws IOException {
        try (VectorJsonlWriter w = new VectorJsonlWriter(file)) {
            for (int i = 0; i < set.size(); i++) {
                w.write(set.ids().get(i), set.vectors()[i]);
            }
        }
    }

    @Override
    public void close() throws IOException {
        gen.close();
    }
}
