package io.rimirec.plugin.query;

import io.rimirec.plugin.query.ScoredIdsQueryBuilder.ScoredId;

import org.junit.jupiter.api.Test;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoredIdsQueryBuilderTests {

    static XContentParser parser(String json) throws IOException {
        XContentParser p = JsonXContent.jsonXContent.createParser(
            NamedXContentRegistry.EMPTY,
            DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
            json
        );
        p.nextToken(); // {
        p.nextToken(); // query name
        p.nextToken(); // {
        return p;
    }

    static String toJson(ToXContent x) throws IOException {
        XContentBuilder b = JsonXContent.contentBuilder();
        x.toXContent(b, ToXContent.EMPTY_PARAMS); // query builders write their own enclosing object
        return BytesReference.bytes(b).utf8ToString();
    }

    private static ScoredIdsQueryBuilder sample() {
        return new ScoredIdsQueryBuilder(
            List.of(new ScoredId("a", 3f, "circle 2/4 (p=0.5, quota 2), rank 0"), new ScoredId("b", 1.5f, ""))
        ).summary("rimirec model=m circles=[2/4 p=0.5 quota=2]").boost(2f).queryName("recall");
    }

    @Test
    void xcontentRoundTrip() throws IOException {
        ScoredIdsQueryBuilder original = sample();
        String json = toJson(original);
        ScoredIdsQueryBuilder parsed = ScoredIdsQueryBuilder.fromXContent(parser(json));
        assertEquals(original, parsed);
        assertEquals(original.hashCode(), parsed.hashCode());
        assertEquals(json, toJson(parsed));
    }

    @Test
    void streamRoundTrip() throws IOException {
        ScoredIdsQueryBuilder original = sample();
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            original.writeTo(out);
            ScoredIdsQueryBuilder read = new ScoredIdsQueryBuilder(out.bytes().streamInput());
            assertEquals(original, read);
            assertEquals(2f, read.boost());
            assertEquals("recall", read.queryName());
            assertEquals("rimirec model=m circles=[2/4 p=0.5 quota=2]", read.summary());
        }
    }

    @Test
    void malformedInputGetsClearErrors() {
        ParsingException e = assertThrows(ParsingException.class, () -> ScoredIdsQueryBuilder.fromXContent(parser("{\"q\":{\"idz\":[]}}")));
        assertTrue(e.getMessage().contains("unknown field [idz]"), e.getMessage());
        e = assertThrows(ParsingException.class, () -> ScoredIdsQueryBuilder.fromXContent(parser("{\"q\":{}}")));
        assertTrue(e.getMessage().contains("requires [hits]"), e.getMessage());
        e = assertThrows(ParsingException.class, () -> ScoredIdsQueryBuilder.fromXContent(parser("{\"q\":{\"hits\":[{\"id\":\"a\"}]}}")));
        assertTrue(e.getMessage().contains("needs [id] and [score]"), e.getMessage());
        e = assertThrows(ParsingException.class,
            () -> ScoredIdsQueryBuilder.fromXContent(parser("{\"q\":{\"hits\":[{\"id\":\"a\",\"score\":-1}]}}")));
        assertTrue(e.getMessage().contains("must be a finite number >= 0"), e.getMessage());
        e = assertThrows(ParsingException.class,
            () -> ScoredIdsQueryBuilder.fromXContent(parser("{\"q\":{\"hits\":[{\"id\":\"a\",\"score\":1},{\"id\":\"a\",\"score\":2}]}}")));
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    }
}
