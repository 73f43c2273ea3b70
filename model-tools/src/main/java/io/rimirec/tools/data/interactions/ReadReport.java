package io.rimirec.tools.data.interactions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What reading a file (or an index) did: lines (documents) read, interactions kept, and every line left out with the reason (counted by reason,
 * the first {@value #EXAMPLES} quoted with their file and line). Nothing is dropped without appearing here.
 */
public final class ReadReport {

    static final int EXAMPLES = 20;

    private final String source;
    private final String format;
    private long lines;
    private long kept;
    private long bad;
    private final Map<String, Long> skipped = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private final Map<String, Object> notes = new LinkedHashMap<>();

    ReadReport(String source, String format) {
        this.source = source;
        this.format = format;
    }

    void line() {
        lines++;
    }

    void kept() {
        kept++;
    }

    /** A bad record at {@code where} ({@code "line 12"}, {@code "document 8f2"}): counted under {@code reason}, quoted when among the first few. */
    void bad(String where, String reason, String detail) {
        bad++;
        skipped.merge(reason, 1L, Long::sum);
        if (examples.size() < EXAMPLES) {
            examples.add(source + " " + where + ": " + reason + (detail.isEmpty() ? "" : " (" + detail + ")"));
        }
    }

    /** A line left out on purpose (a filter), counted, not quoted. */
    void filtered(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    void note(String key, Object value) {
        notes.put(key, value);
    }

    public String source() {
        return source;
    }

    public long lines() {
        return lines;
    }

    public long keptInteractions() {
        return kept;
    }

    /** Records skipped as bad (not those a filter left out). */
    public long badRecords() {
        return bad;
    }

    public long skippedLines() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<String, Long> skippedByReason() {
        return Map.copyOf(skipped);
    }

    public List<String> examples() {
        return List.copyOf(examples);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("format", format);
        m.put("lines", lines);
        m.put("interactions_kept", kept);
        m.put("lines_skipped", new LinkedHashMap<>(skipped));
        if (!examples.isEmpty()) {
            m.put("first_skipped_lines", List.copyOf(examples));
        }
        m.putAll(notes);
        return m;
    }
}
