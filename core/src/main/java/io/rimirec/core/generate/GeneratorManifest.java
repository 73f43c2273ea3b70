package io.rimirec.core.generate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator artifact's {@code generator.json}: what the serving side needs to run the two ONNX graphs
 * (documented in docs/formats.md). Everything else in the file (model shape, training record) is kept as
 * {@link #raw()} for tools and reports.
 */
public record GeneratorManifest(
    String encoderFile,
    String decoderFile,
    String treeHash,
    int levels,
    int fanOut,
    int vectorDimension,
    int maxHistory,
    int recentHistory,
    LengthPolicy lengthPolicy,
    Map<String, Object> raw
) {

    public static final String FILE_NAME = "generator.json";
    public static final String FORMAT = "rimirec-generator";
    public static final int FORMAT_VERSION = 1;

    public CircleVocabulary vocabulary() {
        return new CircleVocabulary(levels, fanOut);
    }

    public HistoryWindow window() {
        return new HistoryWindow(maxHistory, recentHistory);
    }

    public static GeneratorManifest read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("generator manifest [" + file + "] does not exist");
        }
        Map<String, Object> json;
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            Object v = readValue(p, p.nextToken());
            if (!(v instanceof Map<?, ?>)) {
                throw new IOException("generator manifest [" + file + "] is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            json = m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("generator manifest [" + file + "] is not valid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            return of(json);
        } catch (IllegalArgumentException e) {
            throw new IOException("generator manifest [" + file + "]: " + e.getMessage(), e);
        }
    }

    static GeneratorManifest of(Map<String, Object> json) {
        String format = string(json, "format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("format is [" + format + "], expected [" + FORMAT + "]");
        }
        int version = integer(json, "format_version");
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("format_version " + version + " is not supported (this build reads " + FORMAT_VERSION + ")");
        }
        Map<String, Object> files = object(json, "files");
        Map<String, Object> tree = object(json, "tree");
        Map<String, Object> vocab = object(json, "vocabulary");
        Map<String, Object> features = object(json, "features");
        Map<String, Object> search = json.containsKey("search") ? object(json, "search") : Map.of();
        if (integer(vocab, "pad") != CircleVocabulary.PAD || integer(vocab, "bos") != CircleVocabulary.BOS
            || integer(vocab, "eos") != CircleVocabulary.EOS || integer(vocab, "first_circle") != CircleVocabulary.FIRST_CIRCLE) {
            throw new IllegalArgumentException("vocabulary specials differ from this build's layout (pad 0, bos 1, eos 2, circles from 3)");
        }
        return new GeneratorManifest(
            string(files, "encoder"),
            string(files, "decoder"),
            string(tree, "content_hash"),
            integer(vocab, "levels"),
            integer(vocab, "fan_out"),
            integer(features, "vector_dimension"),
            integer(features, "max_history"),
            integer(features, "recent_history"),
            search.containsKey("length_policy") ? LengthPolicy.parse(string(search, "length_policy")) : LengthPolicy.DEFAULT,
            json
        );
    }

    private static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("field [" + key + "] is missing or not a string");
        }
        return s;
    }

    private static int integer(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("field [" + key + "] is missing or not an integer");
        }
        return n.intValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("field [" + key + "] is missing or not an object");
        }
        return (Map<String, Object>) v;
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            throw new IOException("unexpected end of JSON");
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, readValue(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(readValue(p, n));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }
}
