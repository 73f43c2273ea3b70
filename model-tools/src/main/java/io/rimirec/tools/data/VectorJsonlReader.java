package io.rimirec.tools.data;

import io.rimirec.core.util.Abbreviate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams an item-vector JSONL file: one JSON object per line, {@code {"id": "...", "vector": [floats]}}
 * (see docs/formats.md). Other fields are skipped; blank lines are allowed. Every problem is reported as a
 * {@link VectorFileException} naming the line: malformed JSON, an item spread over several lines, a missing or
 * empty id, a missing or empty vector, a value that is not a number or not a finite float, a dimension that
 * differs from the first item's, or an id seen before. One streaming parser over the whole file (no per-line
 * objects), with Jackson's fast float parser.
 */
public final class VectorJsonlReader implements Closeable {

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private final String source;
    private final JsonParser parser;
    private final Map<String, Integer> seenIds = new HashMap<>();
    private int dimension = -1;
    private int firstLine;
    private int lastEndLine;
    private float[] buffer = new float[64];

    public VectorJsonlReader(Path file) throws IOException {
        this(openExisting(file), file.toString());
    }

    public VectorJsonlReader(InputStream in, String source) throws IOException {
        this.source = source;
        this.parser = JSON.createParser(in);
    }

    private static InputStream openExisting(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException("item vector file [" + file + "] does not exist");
        }
        return Files.newInputStream(file);
    }

    /** Reads a whole file into memory. */
    public static VectorSet readAll(Path file) throws IOException {
        try (VectorJsonlReader reader = new VectorJsonlReader(file)) {
            return reader.readAll();
        }
    }

    public VectorSet readAll() throws IOException {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (VectorItem item = next(); item != null; item = next()) {
            ids.add(item.id());
            vectors.add(item.vector());
        }
        return new VectorSet(ids, vectors.toArray(new float[0][]));
    }

    /** The dimension of the items read so far (-1 before the first). */
    public int dimension() {
        return dimension;
    }

    /** The next item, or null at the end of the file. */
    public VectorItem next() throws IOException {
        JsonToken token;
        try {
            token = parser.nextToken();
        } catch (StreamReadException e) {
            throw malformed(e);
        }
        if (token == null) {
            return null;
        }
        int line = lineOf(parser.currentTokenLocation().getLineNr());
        if (token != JsonToken.START_OBJECT) {
            throw new VectorFileException(source, line, "expected a JSON object {\"id\": ..., \"vector\": [...]}, found " + describe(token));
        }
        if (line == lastEndLine) {
            throw new VectorFileException(source, line, "two items on one line: put each item on its own line");
        }
        String id = null;
        float[] vector = null;
        try {
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "id" -> {
                        if (id != null) {
                            throw new VectorFileException(source, line, "field \"id\" appears twice");
                        }
                        id = readId(value, line);
                    }
                    case "vector" -> {
                        if (vector != null) {
                            throw new VectorFileException(source, line, "field \"vector\" appears twice");
                        }
                        vector = readVector(value, line);
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (StreamReadException e) {
            throw malformed(e);
        }
        int endLine = lineOf(parser.currentLocation().getLineNr());
        if (endLine != line) {
            throw new VectorFileException(source, line, "the item continues on line " + endLine + ": each item must be on one line");
        }
        lastEndLine = endLine;
        if (id == null) {
            throw new VectorFileException(source, line, "missing field \"id\"");
        }
        if (vector == null) {
            throw new VectorFileException(source, line, "item [" + id + "] has no field \"vector\"");
        }
        Integer before = seenIds.putIfAbsent(id, line);
        if (before != null) {
            throw new VectorFileException(source, line, "duplicate id [" + id + "], first seen on line " + before);
        }
        return new VectorItem(id, vector);
    }

    private String readId(JsonToken value, int line) throws IOException {
        if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NUMBER_INT) {
            throw new VectorFileException(source, line, "\"id\" must be a string (or an integer), found " + describe(value));
        }
        String id = parser.getText();
        if (id.isEmpty()) {
            throw new VectorFileException(source, line, "\"id\" is empty");
        }
        return id;
    }

    private float[] readVector(JsonToken value, int line) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new VectorFileException(source, line, "\"vector\" must be an array of numbers, found " + describe(value));
        }
        int n = 0;
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw new VectorFileException(source, line, "vector[" + n + "] is " + describe(t) + ": expected a number");
            }
            float f = parser.getFloatValue();
            if (!Float.isFinite(f)) {
                throw new VectorFileException(source, line, "vector[" + n + "] = " + parser.getText() + " does not fit a finite float");
            }
            if (n == buffer.length) {
                buffer = Arrays.copyOf(buffer, n * 2);
            }
            buffer[n++] = f;
        }
        if (n == 0) {
            throw new VectorFileException(source, line, "\"vector\" is empty");
        }
        if (dimension < 0) {
            dimension = n;
            firstLine = line;
        } else if (n != dimension) {
            throw new VectorFileException(source, line, "vector has " + n + " values but the item on line " + firstLine + " has " + dimension);
        }
        return Arrays.copyOf(buffer, n);
    }

    private VectorFileException malformed(StreamReadException e) {
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        return new VectorFileException(source, line, "malformed JSON: " + e.getOriginalMessage());
    }

    private static int lineOf(int jacksonLine) {
        return jacksonLine; // Jackson counts lines from 1, like editors
    }

    private String describe(JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> "the string \"" + Abbreviate.text(parser.getText()) + "\"";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> parser.getText();
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + parser.getText();
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
