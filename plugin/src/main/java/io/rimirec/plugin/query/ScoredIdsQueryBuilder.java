package io.rimirec.plugin.query;

import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.index.mapper.Uid;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryShardContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code rimirec_scored_ids}: documents by {@code _id}, each with a given score and explanation.
 *
 * <pre>
 * { "rimirec_scored_ids": { "hits": [ { "id": "1193", "score": 50.0, "explanation": "circle 2/4 ..." }, ... ] } }
 * </pre>
 * A {@code rimirec} query rewrites itself into one of these on the coordinating node, so the shards only look up
 * ids: no model runs there. It is a public query too (handy for replaying a result), but rarely written by hand.
 */
public final class ScoredIdsQueryBuilder extends AbstractQueryBuilder<ScoredIdsQueryBuilder> {

    public static final String NAME = "rimirec_scored_ids";
    private static final ParseField HITS = new ParseField("hits");
    private static final ParseField ID = new ParseField("id");
    private static final ParseField SCORE = new ParseField("score");
    private static final ParseField EXPLANATION = new ParseField("explanation");
    private static final ParseField SUMMARY = new ParseField("summary");

    /** One hit: a document id, its score (finite, >= 0) and a human-readable reason. */
    public record ScoredId(String id, float score, String explanation) {
        public ScoredId {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("[" + NAME + "] every hit needs a non-empty [id]");
            }
            if (!Float.isFinite(score) || score < 0) {
                throw new IllegalArgumentException("[" + NAME + "] score of id [" + id + "] must be a finite number >= 0, got " + score);
            }
            explanation = explanation == null ? "" : explanation;
        }
    }

    private final List<ScoredId> hits;
    /** How the hits were found (circles, quotas, timings); shown by the profile API as the query's description. */
    private String summary = "";

    public ScoredIdsQueryBuilder(List<ScoredId> hits) {
        Set<String> seen = new HashSet<>();
        for (ScoredId h : hits) {
            if (!seen.add(h.id())) {
                throw new IllegalArgumentException("[" + NAME + "] id [" + h.id() + "] is listed twice");
            }
        }
        this.hits = Collections.unmodifiableList(new ArrayList<>(hits));
    }

    public ScoredIdsQueryBuilder(StreamInput in) throws IOException {
        super(in);
        int n = in.readVInt();
        List<ScoredId> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new ScoredId(in.readString(), in.readFloat(), in.readString()));
        }
        this.hits = Collections.unmodifiableList(list);
        this.summary = in.readString();
    }

    public ScoredIdsQueryBuilder summary(String summary) {
        this.summary = summary == null ? "" : summary;
        return this;
    }

    public String summary() {
        return summary;
    }

    public List<ScoredId> hits() {
        return hits;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeVInt(hits.size());
        for (ScoredId h : hits) {
            out.writeString(h.id());
            out.writeFloat(h.score());
            out.writeString(h.explanation());
        }
        out.writeString(summary);
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.startArray(HITS.getPreferredName());
        for (ScoredId h : hits) {
            builder.startObject()
                .field(ID.getPreferredName(), h.id())
                .field(SCORE.getPreferredName(), h.score())
                .field(EXPLANATION.getPreferredName(), h.explanation())
                .endObject();
        }
        builder.endArray();
        if (!summary.isEmpty()) {
            builder.field(SUMMARY.getPreferredName(), summary);
        }
        printBoostAndQueryName(builder);
        builder.endObject();
    }

    public static ScoredIdsQueryBuilder fromXContent(XContentParser parser) throws IOException {
        List<ScoredId> hits = null;
        float boost = DEFAULT_BOOST;
        String queryName = null;
        String summary = "";
        String field = null;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                field = parser.currentName();
            } else if (token == XContentParser.Token.VALUE_STRING && SUMMARY.match(field, parser.getDeprecationHandler())) {
                summary = parser.text();
            } else if (token == XContentParser.Token.START_ARRAY && HITS.match(field, parser.getDeprecationHandler())) {
                hits = new ArrayList<>();
                while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
                    hits.add(parseHit(parser));
                }
            } else if (token.isValue() && BOOST_FIELD.match(field, parser.getDeprecationHandler())) {
                boost = parser.floatValue();
            } else if (token.isValue() && NAME_FIELD.match(field, parser.getDeprecationHandler())) {
                queryName = parser.text();
            } else {
                throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] unknown field [" + field + "]: expected hits, summary, boost or _name");
            }
        }
        if (hits == null) {
            throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] requires [hits]: an array of {id, score, explanation}");
        }
        try {
            return new ScoredIdsQueryBuilder(hits).summary(summary).boost(boost).queryName(queryName);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage());
        }
    }

    private static ScoredId parseHit(XContentParser parser) throws IOException {
        if (parser.currentToken() != XContentParser.Token.START_OBJECT) {
            throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] each hit must be an object {id, score, explanation}");
        }
        String id = null;
        Float score = null;
        String explanation = null;
        String field = null;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                field = parser.currentName();
            } else if (ID.match(field, parser.getDeprecationHandler())) {
                id = parser.text();
            } else if (SCORE.match(field, parser.getDeprecationHandler())) {
                score = parser.floatValue();
            } else if (EXPLANATION.match(field, parser.getDeprecationHandler())) {
                explanation = parser.text();
            } else {
                throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] unknown hit field [" + field + "]: expected id, score or explanation");
            }
        }
        if (id == null || score == null) {
            throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] each hit needs [id] and [score]");
        }
        try {
            return new ScoredId(id, score, explanation);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage());
        }
    }

    @Override
    protected Query doToQuery(QueryShardContext context) {
        if (hits.isEmpty()) {
            return new MatchNoDocsQuery("rimirec found no candidates");
        }
        List<BytesRef> terms = new ArrayList<>(hits.size());
        float[] scores = new float[hits.size()];
        String[] explanations = new String[hits.size()];
        for (int i = 0; i < hits.size(); i++) {
            ScoredId h = hits.get(i);
            terms.add(Uid.encodeId(h.id()));
            scores[i] = h.score();
            explanations[i] = h.explanation();
        }
        return new ScoredIdsQuery(IdFieldMapper.NAME, terms, scores, explanations, summary);
    }

    @Override
    protected boolean doEquals(ScoredIdsQueryBuilder other) {
        return hits.equals(other.hits) && summary.equals(other.summary);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(hits, summary);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }
}
