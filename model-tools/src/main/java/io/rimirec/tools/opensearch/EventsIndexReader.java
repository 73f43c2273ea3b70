package io.rimirec.tools.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.data.interactions.InteractionColumns;
import io.rimirec.tools.data.interactions.InteractionReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads interactions held in an OpenSearch index of events (one document per interaction), so data already in the
 * cluster needs no export: a point in time over the index and {@code search_after} pages in shard and document order
 * (a consistent snapshot however the index changes meanwhile, any size), only the needed fields fetched; each user's
 * interactions are then ordered by the time field. The fields are
 * found in the index's mapping by the same names as a file's columns, or named. A document missing the user or item
 * field, or with a time that is not a number or a date, is skipped and reported by its {@code _id}, under the same
 * bad-record share as a file.
 */
public final class EventsIndexReader {

    static final String KEEP_ALIVE = "5m";

    private final JsonHttp http;
    private final int pageSize;

    public EventsIndexReader(JsonHttp http, int pageSize) {
        this.http = http;
        this.pageSize = pageSize;
    }

    public InteractionReader.Result read(String index, InteractionReader.Options options, ProgressListener progress) throws IOException {
        List<String> fields = mappedFields(index);
        String source = "index [" + index + "]";
        InteractionColumns.Resolved cols = options.columns().resolve(fields, source);
        if (!Double.isNaN(options.minRating()) && cols.rating() < 0) {
            throw new IllegalArgumentException(source + ": --min-rating needs a rating field, none among " + fields + ": name it with --rating-column");
        }
        if (!options.events().isEmpty() && cols.event() < 0) {
            throw new IllegalArgumentException(source + ": --events needs an event type field, none among " + fields + ": name it with --event-column");
        }
        String user = fields.get(cols.user());
        String item = fields.get(cols.item());
        String time = cols.time() < 0 ? null : fields.get(cols.time());
        String rating = cols.rating() < 0 ? null : fields.get(cols.rating());
        String event = cols.event() < 0 ? null : fields.get(cols.event());
        long total = http.get("/" + index + "/_count").path("count").asLong();
        InteractionReader.Collector collector = new InteractionReader.Collector(options, source, index, "events index [" + index + "] (" + total
            + " documents at the start)", time != null, "user=" + user + ", item=" + item + ", time=" + (time == null ? "(none: the order read)" : time)
            + (rating == null ? "" : ", rating=" + rating) + (event == null ? "" : ", event=" + event));
        String pit = http.post("/" + index + "/_search/point_in_time?keep_alive=" + KEEP_ALIVE, null).path("pit_id").asText(null);
        if (pit == null) {
            throw new IOException(source + ": the cluster did not open a point in time");
        }
        progress.start("reading " + source, total);
        try {
            JsonNode after = null;
            while (true) {
                ObjectNode body = JsonHttp.MAPPER.createObjectNode();
                body.put("size", pageSize);
                body.putObject("pit").put("id", pit).put("keep_alive", KEEP_ALIVE);
                // Shard and document order: every document once, whatever its fields' types; the time order is made per user after.
                body.putArray("sort").addObject().put("_shard_doc", "asc");
                ArrayNode include = body.putArray("_source");
                for (String f : new String[] {user, item, time, rating, event}) {
                    if (f != null) {
                        include.add(f);
                    }
                }
                body.put("track_total_hits", false);
                if (after != null) {
                    body.set("search_after", after);
                }
                JsonNode page = http.post("/_search", body);
                pit = page.path("pit_id").asText(pit); // the point in time's id may change from page to page
                JsonNode hits = page.path("hits").path("hits");
                if (hits.isEmpty()) {
                    break;
                }
                for (JsonNode hit : hits) {
                    JsonNode doc = hit.path("_source");
                    collector.add("document " + hit.path("_id").asText(), text(doc, user), text(doc, item), time == null ? null : text(doc, time),
                        rating == null ? null : text(doc, rating), event == null ? null : text(doc, event));
                }
                progress.advance(hits.size());
                after = hits.get(hits.size() - 1).path("sort");
            }
        } finally {
            progress.finish();
            try {
                http.call("DELETE", "/_search/point_in_time", Map.of("pit_id", List.of(pit)));
            } catch (IOException ignored) {
                // The point in time expires by itself after KEEP_ALIVE.
            }
        }
        return collector.finish();
    }

    /** A field's value as text; missing or null is the empty string (reported as a missing id). */
    private static String text(JsonNode doc, String field) {
        JsonNode v = doc.get(field);
        return v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
    }

    /** The top-level fields the index maps (the names a file's header would have). */
    private List<String> mappedFields(String index) throws IOException {
        JsonNode mappings = http.get("/" + index + "/_mapping");
        List<String> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = mappings.fields(); it.hasNext(); ) {
            JsonNode props = it.next().getValue().path("mappings").path("properties");
            for (Iterator<String> names = props.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!fields.contains(name)) {
                    fields.add(name);
                }
            }
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("index [" + index + "] maps no fields: is it empty, or the wrong index?");
        }
        return fields;
    }
}
