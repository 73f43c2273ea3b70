package io.rimirec.plugin.query;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.plugin.query.RimirecQueryBuilder.HistoryEntry;
import org.junit.jupiter.api.Test;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.TermQueryBuilder;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rimirec clause's DSL: xcontent and stream round-trips with every field, and errors that name the field. */
class RimirecQueryBuilderTests {

    static final NamedXContentRegistry XCONTENT = new NamedXContentRegistry(List.of(
        new NamedXContentRegistry.Entry(QueryBuilder.class, new ParseField(TermQueryBuilder.NAME), TermQueryBuilder::fromXContent)));
    static final NamedWriteableRegistry WRITEABLES = new NamedWriteableRegistry(List.of(
        new NamedWriteableRegistry.Entry(QueryBuilder.class, TermQueryBuilder.NAME, TermQueryBuilder::new)));

    static RimirecQueryBuilder parse(String json) throws IOException {
        return parse(json, XCONTENT);
    }

    static RimirecQueryBuilder parse(String json, NamedXContentRegistry registry) throws IOException {
        XContentParser p = JsonXContent.jsonXContent.createParser(registry, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json);
        p.nextToken(); // {
        p.nextToken(); // rimirec
        p.nextToken(); // {
        return RimirecQueryBuilder.fromXContent(p, () -> null);
    }

    static RimirecQueryBuilder full() {
        return new RimirecQueryBuilder("ml1m", List.of(new HistoryEntry("1193", null), new HistoryEntry("661", new float[] {0.5f, -1f}),
            new HistoryEntry(null, new float[] {1f, 2f})), () -> null)
            .historyIndex("items").size(30).beams(4).alpha(0.5).excludeHistory(false)
            .filter(new TermQueryBuilder("in_stock", true)).k(40).efSearch(200).historySource("codes").codesField("meta.codes").strategy("hymirec")
            .historySplit(false).field("embedding").circlesField("taxonomy").treeField("taxonomy_tree").allowPartialResults(true).allowTreeMismatch(true);
    }

    @Test
    void xcontentRoundTripKeepsEveryField() throws IOException {
        RimirecQueryBuilder original = full();
        String json = ScoredIdsQueryBuilderTests.toJson(original);
        RimirecQueryBuilder parsed = parse(json);
        assertEquals(original, parsed);
        assertEquals(json, ScoredIdsQueryBuilderTests.toJson(parsed));
        assertEquals(30, parsed.size());
        assertEquals(40, parsed.k());
        assertTrue(parsed.historyFromCodes());
        assertEquals("meta.codes", parsed.codesField());
        assertEquals(new BundleManifest.Fields("embedding", "taxonomy", "circle_leaf", "taxonomy_tree"), parsed.fields(BundleManifest.Fields.DEFAULT),
            "the index's own field names replace the bundle's");
        assertTrue(parsed.allowTreeMismatch());
        assertEquals(Boolean.FALSE, parsed.historySplit());
        assertFalse(parse("{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"]}}").allowTreeMismatch(), "refused by default");
        // Without a model, the query follows the history index's pipeline; it round-trips without one.
        RimirecQueryBuilder followsIndex = parse("{\"rimirec\": {\"history\": [\"a\"]}}");
        assertNull(followsIndex.model());
        assertEquals(followsIndex, parse(ScoredIdsQueryBuilderTests.toJson(followsIndex)));
    }

    @Test
    void streamRoundTripKeepsEveryField() throws IOException {
        RimirecQueryBuilder original = full();
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            original.writeTo(out);
            RimirecQueryBuilder read = new RimirecQueryBuilder(new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES),
                () -> null);
            assertEquals(original, read);
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws IOException {
        RimirecQueryBuilder q = parse("{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"]}}");
        assertEquals(50, q.size());
        assertNull(q.beams(), "beams, strategy and the history split default to the model's serving defaults (else 6, circles, true)");
        assertNull(q.strategy());
        assertNull(q.historySplit());
        assertEquals(1.0, q.alpha());
        assertTrue(q.excludeHistory());
        assertNull(q.k(), "no fixed k: each circle asks for its quota plus headroom");
        assertFalse(q.historyFromCodes(), "history is read as vectors unless asked");
        assertEquals("item_codes", q.codesField());
        BundleManifest.Fields bundle = new BundleManifest.Fields("vec", "circ", "leaf", "stamp");
        assertEquals(bundle, q.fields(bundle), "without field names the bundle's are used");
    }

    @Test
    void badInputNamesTheFieldAndWhatWasExpected() {
        List<String[]> cases = List.of(
            new String[] {"{\"rimirec\": {\"model\": \"m\"}}", "requires [history]"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": []}}", "[history] is empty"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"size\": 0}}", "[size] must be between 1 and"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"beams\": 65}}", "[beams] must be between 1 and 64"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"alpha\": -1}}", "[alpha] must be a finite number >= 0"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [{\"colour\": 1}]}}", "[history][0]"},
            new String[] {"{\"rimirec\": {\"model\": \"Bad Id\", \"history\": [\"a\"]}}", "invalid model id"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"history_source\": \"bytes\"}}",
                "[history_source] is [bytes]: expected vectors or codes"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"codes_field\": \"\"}}", "[codes_field] must be a non-empty"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"field\": \"\"}}", "[field] must be a non-empty"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"circles_field\": 3}}", "circles_field"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"strategy\": \"llm\"}}",
                "[strategy] is [llm]: expected circles (the default) or hymirec"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"strategy\": 3}}", "[strategy] must be a string"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"colour\": \"red\"}}", "colour"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"alpha\": true}}", "[alpha] must be a number"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"alpha\": \"x\"}}", "[alpha] must be a number"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"_name\": {\"a\": 1}}}", "[_name] must be a string"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"boost\": [1]}}", "[boost] must be a number"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"boost\": -2}}", "[boost] must be a finite number >= 0"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"allow_partial_results\": \"yes\"}}",
                "[allow_partial_results] must be true or false"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"allow_tree_mismatch\": 1}}",
                "[allow_tree_mismatch] must be true or false"},
            new String[] {"{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\", \"\"]}}", "[history][1] is an empty id"});
        for (String[] c : cases) {
            ParsingException e = assertThrows(ParsingException.class, () -> parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    private static String head(String message) {
        return message.substring(0, Math.min(200, message.length()));
    }

    @Test
    void aHugeIdIsRefusedWithoutBeingEchoedWhole() {
        String huge = "x".repeat(1_000_000);
        ParsingException e = assertThrows(ParsingException.class,
            () -> parse("{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\", \"" + huge + "\"]}}"));
        assertTrue(e.getMessage().contains("[history][1] is an id of more than 512 bytes"), head(e.getMessage()));
        assertTrue(e.getMessage().length() < 500, "the id is abbreviated: " + e.getMessage().length() + " characters");
        e = assertThrows(ParsingException.class, () -> parse("{\"rimirec\": {\"model\": \"" + huge + "\", \"history\": [\"a\"]}}"));
        assertTrue(e.getMessage().contains("invalid model id") && e.getMessage().length() < 500, head(e.getMessage()));
        e = assertThrows(ParsingException.class, () -> parse("{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"" + huge.substring(0, 40_000) + "\": 1}}"));
        assertTrue(e.getMessage().contains("unknown field") && e.getMessage().length() < 800, head(e.getMessage()));
    }

    @Test
    void aRimirecClauseInsideTheFilterIsRefusedAtAnyDepth() {
        NamedXContentRegistry registry = new NamedXContentRegistry(List.of(
            new NamedXContentRegistry.Entry(QueryBuilder.class, new ParseField(TermQueryBuilder.NAME), TermQueryBuilder::fromXContent),
            new NamedXContentRegistry.Entry(QueryBuilder.class, new ParseField(BoolQueryBuilder.NAME), BoolQueryBuilder::fromXContent),
            new NamedXContentRegistry.Entry(QueryBuilder.class, new ParseField(RimirecQueryBuilder.NAME),
                p -> RimirecQueryBuilder.fromXContent(p, () -> null))));
        String inner = "{\"rimirec\": {\"model\": \"m\", \"history\": [\"b\"], \"beams\": 64}}";
        for (String filter : List.of(inner, "{\"bool\": {\"filter\": [{\"term\": {\"a\": 1}}, {\"bool\": {\"should\": [" + inner + "]}}]}}")) {
            ParsingException e = assertThrows(ParsingException.class, () -> parse(
                "{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"beams\": 64, \"filter\": " + filter + "}}", registry), filter);
            assertTrue(e.getMessage().contains("[filter] may not contain another [rimirec] query"), e.getMessage());
        }
        // The Java API and the transport stream check the same.
        RimirecQueryBuilder nested = new RimirecQueryBuilder("m", List.of(new HistoryEntry("b", null)), () -> null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RimirecQueryBuilder("m",
            List.of(new HistoryEntry("a", null)), () -> null).filter(QueryBuilders.boolQuery().must(QueryBuilders.boolQuery().filter(nested))));
        assertTrue(e.getMessage().contains("may not contain another [rimirec]"), e.getMessage());
        // A parse that failed leaves nothing behind on the thread: the next query parses.
        assertDoesNotThrow(() -> parse("{\"rimirec\": {\"model\": \"m\", \"history\": [\"a\"], \"filter\": {\"term\": {\"a\": 1}}}}", registry));
    }
}
