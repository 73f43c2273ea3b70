package io.rimirec.plugin.query;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.util.Abbreviate;
import io.rimirec.core.vector.VectorValues;
import io.rimirec.plugin.model.ModelIds;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.SetOnce;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.ParseField;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentLocation;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilderVisitor;
import org.opensearch.index.query.QueryCoordinatorContext;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.tasks.Task;
import org.opensearch.transport.client.ParentTaskAssigningClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code rimirec} query: partitioned multi-interest recall for one user.
 *
 * <pre>
 * { "rimirec": {
 *     "model": "ml1m",                       // a model uploaded to /_plugins/rimirec/models (default: the model of the
 *                                            // rimirec_circles processor in the history index's default pipeline)
 *     "history": ["1193", "661", "914"],     // required, oldest first: item ids, or {"id": .., "vector": [..]} objects
 *     "history_index": "items",              // where history ids are looked up (default: the searched index)
 *     "size": 50,                            // M: candidates merged across circles
 *     "beams": 6,                            // B: circles generated (default: the model's serving defaults, else 6)
 *     "alpha": 1.0,                          // quota sharpness: quota_n = M * p_n^alpha / sum p^alpha
 *     "exclude_history": true,               // never return items of the history
 *     "filter": { "term": { "in_stock": true } },  // applied inside every circle's k-NN search
 *     "k": 50,                               // per-circle k-NN k (default: quota + headroom, see QuotaMerge)
 *     "ef_search": 100,                      // HNSW candidate list (default: the index's)
 *     "history_source": "codes",             // read history ids' packed codes and decode them (default: vectors)
 *     "codes_field": "item_codes",           // where the codes are (default: item_codes)
 *     "field": "embedding",                  // the index's vector field (default: the one the model's bundle names)
 *     "circles_field": "circles",            // the circle prefixes' keyword field (default: the bundle's)
 *     "tree_field": "circle_tree",           // the tree stamp's keyword field (default: the bundle's)
 *     "strategy": "circles",                 // or "hymirec": the model's interest model, one k-NN search per interest
 *                                            // vector, merged by best score (beams and alpha do not apply); default:
 *                                            // the model's serving defaults, else circles
 *     "history_split": true,                 // each circle's user vector from the history inside it (the behaviour
 *                                            // split), or false: from the whole history; default: the model's, else true
 *     "allow_partial_results": false,        // answer even when some shards of a circle's search failed (then the
 *                                            // profile and a Warning header say so); by default such a query fails
 *     "allow_tree_mismatch": false           // answer even when circle hits were stamped by another tree than the
 *                                            // model's (a Warning header says so); by default a 409
 * } }
 * </pre>
 *
 * Resolved entirely on the coordinating node (see {@link RimirecResolver}); shards only ever receive the resulting
 * {@link ScoredIdsQueryBuilder}.
 */
public final class RimirecQueryBuilder extends AbstractQueryBuilder<RimirecQueryBuilder> {

    public static final String NAME = "rimirec";
    static final ParseField MODEL = new ParseField("model");
    static final ParseField HISTORY = new ParseField("history");
    static final ParseField HISTORY_INDEX = new ParseField("history_index");
    static final ParseField SIZE = new ParseField("size");
    static final ParseField BEAMS = new ParseField("beams");
    static final ParseField ALPHA = new ParseField("alpha");
    static final ParseField EXCLUDE_HISTORY = new ParseField("exclude_history");
    static final ParseField FILTER = new ParseField("filter");
    static final ParseField K = new ParseField("k");
    static final ParseField EF_SEARCH = new ParseField("ef_search");
    static final ParseField HISTORY_SOURCE = new ParseField("history_source");
    static final ParseField CODES_FIELD = new ParseField("codes_field");
    static final ParseField FIELD = new ParseField("field");
    static final ParseField CIRCLES_FIELD = new ParseField("circles_field");
    static final ParseField TREE_FIELD = new ParseField("tree_field");
    static final ParseField STRATEGY = new ParseField("strategy");
    static final ParseField HISTORY_SPLIT = new ParseField("history_split");
    static final ParseField ALLOW_PARTIAL_RESULTS = new ParseField("allow_partial_results");
    static final ParseField ALLOW_TREE_MISMATCH = new ParseField("allow_tree_mismatch");
    public static final String HISTORY_SOURCE_VECTORS = "vectors";
    public static final String HISTORY_SOURCE_CODES = "codes";
    public static final String DEFAULT_CODES_FIELD = "item_codes";

    public static final int DEFAULT_SIZE = 50;
    public static final int DEFAULT_BEAMS = 6;
    public static final double DEFAULT_ALPHA = 1.0;
    public static final int MAX_SIZE = 10_000;
    public static final int MAX_BEAMS = 64;
    public static final int MAX_HISTORY = 10_000;
    /** OpenSearch's own limit on a document {@code _id}: a longer history id cannot name an item. */
    public static final int MAX_ID_BYTES = 512;

    /**
     * How deep {@link #fromXContent} is on this thread: a rimirec clause parsed while another one is being parsed sits
     * in that one's {@code filter}, and would be resolved once per circle search of the outer one (and its own circle
     * searches once per circle of that...): three levels at 64 beams ran 266,305 shard searches from a 1 KB request.
     */
    private static final ThreadLocal<int[]> PARSE_DEPTH = ThreadLocal.withInitial(() -> new int[2]);

    /** How the query finds the user's interests (docs/query.md). */
    public enum Strategy {
        /** HimiRec/RimiRec: generated circles, one user vector and one circle-filtered k-NN search per circle, quota merge. */
        CIRCLES,
        /** HyMiRec: the model's interest model gives s interest vectors, one k-NN search each, merged by best score. */
        HYMIREC;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Strategy of(String text) {
            for (Strategy s : values()) {
                if (s.id().equals(text)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("[" + STRATEGY.getPreferredName() + "] is [" + Abbreviate.text(text) + "]: expected "
                + CIRCLES.id() + " (the default) or " + HYMIREC.id());
        }
    }

    /** A history item: an id to look up, optionally with its vector given inline (then nothing is looked up). */
    public record HistoryEntry(String id, float[] vector) {
        public HistoryEntry {
            if (id == null && vector == null) {
                throw new IllegalArgumentException("a history entry needs an [id] or a [vector]");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HistoryEntry h && Objects.equals(id, h.id) && Arrays.equals(vector, h.vector);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, Arrays.hashCode(vector));
        }
    }

    private final String model;
    private final List<HistoryEntry> history;
    private String historyIndex;
    private int size = DEFAULT_SIZE;
    /** Null: the model's serving default, else {@link #DEFAULT_BEAMS}. */
    private Integer beams;
    private double alpha = DEFAULT_ALPHA;
    private boolean excludeHistory = true;
    private QueryBuilder filter;
    private Integer k;
    private Integer efSearch;
    /** History ids are read as packed codes and decoded with the model's codebook instead of read as vectors. */
    private boolean historyFromCodes;
    private String codesField = DEFAULT_CODES_FIELD;
    /** The index's field names when they differ from the bundle's (null = the bundle's). */
    private String vectorField;
    private String circlesField;
    private String treeField;
    /** Null: the model's serving default, else circles. */
    private Strategy strategy;
    /** Null: the model's serving default, else true. */
    private Boolean historySplit;
    private boolean allowPartialResults;
    private boolean allowTreeMismatch;
    private final Supplier<RimirecServices> services;
    /** Set on the coordinating node once resolution is under way; never serialised (see doWriteTo). */
    private Supplier<ScoredIdsQueryBuilder> resolved;

    /** @param model the model id, or null for the model the history index's default pipeline stamps with */
    public RimirecQueryBuilder(String model, List<HistoryEntry> history, Supplier<RimirecServices> services) {
        this.model = model == null ? null : ModelIds.validate(model);
        if (history == null) {
            throw new IllegalArgumentException("[" + NAME + "] requires [history]");
        }
        if (history.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] [history] is empty: expected at least one item id (or {\"id\", \"vector\"}), "
                + "oldest first; rimirec needs some history to find a user's interests");
        }
        if (history.size() > MAX_HISTORY) {
            throw new IllegalArgumentException("[" + NAME + "] [history] has " + history.size() + " entries; at most " + MAX_HISTORY + " are accepted");
        }
        for (int i = 0; i < history.size(); i++) {
            String id = history.get(i).id();
            // A char is at most 3 UTF-8 bytes: only ids longer than a third of the limit need encoding to tell.
            if (id != null && (id.isEmpty() || id.length() > MAX_ID_BYTES
                || id.length() > MAX_ID_BYTES / 3 && id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES)) {
                throw new IllegalArgumentException("[" + NAME + "] [history][" + i + "] is " + (id.isEmpty() ? "an empty id"
                    : "an id of more than " + MAX_ID_BYTES + " bytes [" + Abbreviate.text(id) + "]") + ": expected a document _id (1 to "
                    + MAX_ID_BYTES + " bytes)");
            }
        }
        this.history = List.copyOf(history);
        this.services = services;
    }

    public RimirecQueryBuilder(StreamInput in, Supplier<RimirecServices> services) throws IOException {
        super(in);
        model = in.readOptionalString();
        int n = in.readVInt();
        List<HistoryEntry> h = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = in.readOptionalString();
            float[] v = in.readBoolean() ? in.readFloatArray() : null;
            h.add(new HistoryEntry(id, v));
        }
        history = List.copyOf(h);
        historyIndex = in.readOptionalString();
        size = in.readVInt();
        beams = in.readOptionalVInt();
        alpha = in.readDouble();
        excludeHistory = in.readBoolean();
        filter(in.readOptionalNamedWriteable(QueryBuilder.class));
        k = in.readOptionalVInt();
        efSearch = in.readOptionalVInt();
        historyFromCodes = in.readBoolean();
        codesField = in.readString();
        vectorField = in.readOptionalString();
        circlesField = in.readOptionalString();
        treeField = in.readOptionalString();
        strategy = in.readBoolean() ? in.readEnum(Strategy.class) : null;
        historySplit = in.readOptionalBoolean();
        allowPartialResults = in.readBoolean();
        allowTreeMismatch = in.readBoolean();
        this.services = services;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        if (resolved != null) {
            throw new IllegalStateException("[" + NAME + "] is being resolved on the coordinating node and cannot be sent elsewhere");
        }
        out.writeOptionalString(model);
        out.writeVInt(history.size());
        for (HistoryEntry h : history) {
            out.writeOptionalString(h.id());
            out.writeBoolean(h.vector() != null);
            if (h.vector() != null) {
                out.writeFloatArray(h.vector());
            }
        }
        out.writeOptionalString(historyIndex);
        out.writeVInt(size);
        out.writeOptionalVInt(beams);
        out.writeDouble(alpha);
        out.writeBoolean(excludeHistory);
        out.writeOptionalNamedWriteable(filter);
        out.writeOptionalVInt(k);
        out.writeOptionalVInt(efSearch);
        out.writeBoolean(historyFromCodes);
        out.writeString(codesField);
        out.writeOptionalString(vectorField);
        out.writeOptionalString(circlesField);
        out.writeOptionalString(treeField);
        out.writeBoolean(strategy != null);
        if (strategy != null) {
            out.writeEnum(strategy);
        }
        out.writeOptionalBoolean(historySplit);
        out.writeBoolean(allowPartialResults);
        out.writeBoolean(allowTreeMismatch);
    }

    // ---- fluent setters (validated like the parser) -------------------------------------------------------------

    /** {@code vectors} (read the model's vector field) or {@code codes} (read packed codes, decode with the codebook). */
    public RimirecQueryBuilder historySource(String source) {
        if (HISTORY_SOURCE_CODES.equals(source)) {
            historyFromCodes = true;
        } else if (HISTORY_SOURCE_VECTORS.equals(source)) {
            historyFromCodes = false;
        } else {
            throw new IllegalArgumentException("[" + HISTORY_SOURCE.getPreferredName() + "] is [" + Abbreviate.text(source) + "]: expected "
                + HISTORY_SOURCE_VECTORS + " or " + HISTORY_SOURCE_CODES);
        }
        return this;
    }

    /** {@code circles} (the default) or {@code hymirec}. */
    public RimirecQueryBuilder strategy(String text) {
        this.strategy = Strategy.of(text);
        return this;
    }

    /** The strategy the query asks for, or null for the model's serving default. */
    public Strategy strategy() {
        return strategy;
    }

    public RimirecQueryBuilder codesField(String field) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + CODES_FIELD.getPreferredName() + "] must be a non-empty field name");
        }
        this.codesField = field;
        return this;
    }

    /** The index's vector field, when it is not the one the model's bundle names. */
    public RimirecQueryBuilder field(String field) {
        this.vectorField = fieldName(FIELD, field);
        return this;
    }

    public RimirecQueryBuilder circlesField(String field) {
        this.circlesField = fieldName(CIRCLES_FIELD, field);
        return this;
    }

    public RimirecQueryBuilder treeField(String field) {
        this.treeField = fieldName(TREE_FIELD, field);
        return this;
    }

    private static String fieldName(ParseField name, String field) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("[" + name.getPreferredName() + "] must be a non-empty field name");
        }
        return field;
    }

    /** The fields this query reads and filters on: the bundle's, with those the query names in their place. */
    public BundleManifest.Fields fields(BundleManifest.Fields bundle) {
        return new BundleManifest.Fields(vectorField != null ? vectorField : bundle.vector(), circlesField != null ? circlesField : bundle.circles(),
            bundle.leaf(), treeField != null ? treeField : bundle.tree());
    }

    public boolean historyFromCodes() {
        return historyFromCodes;
    }

    public String codesField() {
        return codesField;
    }

    public RimirecQueryBuilder historyIndex(String index) {
        this.historyIndex = index;
        return this;
    }

    public RimirecQueryBuilder size(int size) {
        this.size = checkRange(SIZE, size, 1, MAX_SIZE);
        return this;
    }

    public RimirecQueryBuilder beams(int beams) {
        this.beams = checkRange(BEAMS, beams, 1, MAX_BEAMS);
        return this;
    }

    public RimirecQueryBuilder alpha(double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("[" + NAME + "] [alpha] must be a finite number >= 0, got " + alpha);
        }
        this.alpha = alpha;
        return this;
    }

    public RimirecQueryBuilder excludeHistory(boolean exclude) {
        this.excludeHistory = exclude;
        return this;
    }

    /** Applied inside every k-NN search; it may not contain a {@code rimirec} clause (see {@link #PARSE_DEPTH}). */
    public RimirecQueryBuilder filter(QueryBuilder filter) {
        if (filter != null) {
            filter.visit(new QueryBuilderVisitor() {
                @Override
                public void accept(QueryBuilder qb) {
                    if (qb instanceof RimirecQueryBuilder) {
                        throw nestedInFilter();
                    }
                }

                @Override
                public QueryBuilderVisitor getChildVisitor(BooleanClause.Occur occur) {
                    return this;
                }
            });
        }
        this.filter = filter;
        return this;
    }

    private static IllegalArgumentException nestedInFilter() {
        return new IllegalArgumentException("[" + NAME + "] [" + FILTER.getPreferredName() + "] may not contain another [" + NAME
            + "] query: it runs inside every circle's k-NN search, so each level would multiply the searches; filter on item "
            + "fields instead, or combine rimirec queries side by side in a bool query");
    }

    /** Answer when some shards of a circle's search failed (reported in the profile and a Warning header) instead of failing. */
    public RimirecQueryBuilder allowPartialResults(boolean allow) {
        this.allowPartialResults = allow;
        return this;
    }

    public boolean allowPartialResults() {
        return allowPartialResults;
    }

    /**
     * Answer when circle hits carry another tree's stamp (reported in the profile and a Warning header) instead of
     * failing with a 409: for a migration the caller knows about.
     */
    public RimirecQueryBuilder allowTreeMismatch(boolean allow) {
        this.allowTreeMismatch = allow;
        return this;
    }

    public boolean allowTreeMismatch() {
        return allowTreeMismatch;
    }

    public RimirecQueryBuilder k(Integer k) {
        this.k = k == null ? null : checkRange(K, k, 1, MAX_SIZE);
        return this;
    }

    public RimirecQueryBuilder efSearch(Integer efSearch) {
        this.efSearch = efSearch == null ? null : checkRange(EF_SEARCH, efSearch, 1, 100_000);
        return this;
    }

    private static int checkRange(ParseField field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("[" + NAME + "] [" + field.getPreferredName() + "] must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** The model id, or null when the query follows the history index's pipeline. */
    public String model() {
        return model;
    }

    public List<HistoryEntry> history() {
        return history;
    }

    public String historyIndex() {
        return historyIndex;
    }

    public int size() {
        return size;
    }

    /** The beams the query asks for, or null for the model's serving default. */
    public Integer beams() {
        return beams;
    }

    /** Whether the query asks for the behaviour split (true) or the whole history per circle (false); null: the model's default. */
    public Boolean historySplit() {
        return historySplit;
    }

    public RimirecQueryBuilder historySplit(boolean split) {
        this.historySplit = split;
        return this;
    }

    public double alpha() {
        return alpha;
    }

    public boolean excludeHistory() {
        return excludeHistory;
    }

    public QueryBuilder filter() {
        return filter;
    }

    /**
     * The per-circle k-NN k the caller fixed, or null: then every circle asks for its quota plus headroom
     * ({@link io.rimirec.core.merge.QuotaMerge#candidatesPerCircle}), as the offline evaluation does.
     */
    public Integer k() {
        return k;
    }

    public Integer efSearch() {
        return efSearch;
    }

    Supplier<RimirecServices> services() {
        return services;
    }

    // ---- xcontent -------------------------------------------------------------------------------------------------

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        if (model != null) {
            builder.field(MODEL.getPreferredName(), model);
        }
        builder.startArray(HISTORY.getPreferredName());
        for (HistoryEntry h : history) {
            if (h.vector() == null) {
                builder.value(h.id());
            } else {
                builder.startObject();
                if (h.id() != null) {
                    builder.field("id", h.id());
                }
                builder.array("vector", h.vector());
                builder.endObject();
            }
        }
        builder.endArray();
        if (historyIndex != null) {
            builder.field(HISTORY_INDEX.getPreferredName(), historyIndex);
        }
        builder.field(SIZE.getPreferredName(), size);
        if (beams != null) {
            builder.field(BEAMS.getPreferredName(), beams);
        }
        builder.field(ALPHA.getPreferredName(), alpha);
        builder.field(EXCLUDE_HISTORY.getPreferredName(), excludeHistory);
        if (filter != null) {
            builder.field(FILTER.getPreferredName(), filter);
        }
        if (k != null) {
            builder.field(K.getPreferredName(), k);
        }
        if (efSearch != null) {
            builder.field(EF_SEARCH.getPreferredName(), efSearch);
        }
        if (historyFromCodes) {
            builder.field(HISTORY_SOURCE.getPreferredName(), HISTORY_SOURCE_CODES);
        }
        if (!DEFAULT_CODES_FIELD.equals(codesField)) {
            builder.field(CODES_FIELD.getPreferredName(), codesField);
        }
        if (vectorField != null) {
            builder.field(FIELD.getPreferredName(), vectorField);
        }
        if (circlesField != null) {
            builder.field(CIRCLES_FIELD.getPreferredName(), circlesField);
        }
        if (treeField != null) {
            builder.field(TREE_FIELD.getPreferredName(), treeField);
        }
        if (historySplit != null) {
            builder.field(HISTORY_SPLIT.getPreferredName(), historySplit);
        }
        if (strategy != null) {
            builder.field(STRATEGY.getPreferredName(), strategy.id());
        }
        if (allowPartialResults) {
            builder.field(ALLOW_PARTIAL_RESULTS.getPreferredName(), true);
        }
        if (allowTreeMismatch) {
            builder.field(ALLOW_TREE_MISMATCH.getPreferredName(), true);
        }
        printBoostAndQueryName(builder);
        builder.endObject();
    }

    public static RimirecQueryBuilder fromXContent(XContentParser parser, Supplier<RimirecServices> services) throws IOException {
        int[] depth = PARSE_DEPTH.get(); // {depth, nested clause seen}
        if (depth[0] > 0) {
            depth[1] = 1;
            throw new ParsingException(parser.getTokenLocation(), nestedInFilter().getMessage());
        }
        XContentLocation start = parser.getTokenLocation();
        depth[0] = 1;
        depth[1] = 0;
        try {
            return parse(parser, services);
        } catch (ParsingException e) {
            // Compound queries between the two clauses wrap the error ("[bool] failed to parse field [filter]"): say it plainly.
            throw depth[1] == 1 ? new ParsingException(start, nestedInFilter().getMessage(), e) : e;
        } finally {
            depth[0] = 0;
            depth[1] = 0;
        }
    }

    private static RimirecQueryBuilder parse(XContentParser parser, Supplier<RimirecServices> services) throws IOException {
        XContentLocation start = parser.getTokenLocation();
        String model = null;
        List<HistoryEntry> history = null;
        String historyIndex = null;
        String historySource = null, codesField = null, strategy = null, vectorField = null, circlesField = null, treeField = null;
        Integer size = null, beams = null, k = null, efSearch = null;
        Double alpha = null;
        Boolean exclude = null, allowPartial = null, allowTreeMismatch = null, historySplit = null;
        QueryBuilder filter = null;
        float boost = DEFAULT_BOOST;
        String queryName = null;
        String field = null;
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                field = parser.currentName();
                continue;
            }
            try {
                if (MODEL.match(field, parser.getDeprecationHandler())) {
                    model = expectString(parser, field);
                } else if (HISTORY.match(field, parser.getDeprecationHandler())) {
                    history = parseHistory(parser);
                } else if (HISTORY_INDEX.match(field, parser.getDeprecationHandler())) {
                    historyIndex = expectString(parser, field);
                } else if (SIZE.match(field, parser.getDeprecationHandler())) {
                    size = expectInt(parser, field);
                } else if (BEAMS.match(field, parser.getDeprecationHandler())) {
                    beams = expectInt(parser, field);
                } else if (ALPHA.match(field, parser.getDeprecationHandler())) {
                    alpha = expectNumber(parser, field);
                } else if (EXCLUDE_HISTORY.match(field, parser.getDeprecationHandler())) {
                    exclude = expectBoolean(parser, field);
                } else if (ALLOW_PARTIAL_RESULTS.match(field, parser.getDeprecationHandler())) {
                    allowPartial = expectBoolean(parser, field);
                } else if (ALLOW_TREE_MISMATCH.match(field, parser.getDeprecationHandler())) {
                    allowTreeMismatch = expectBoolean(parser, field);
                } else if (FILTER.match(field, parser.getDeprecationHandler())) {
                    if (token != XContentParser.Token.START_OBJECT) {
                        throw new IllegalArgumentException("[" + field + "] must be a query object");
                    }
                    filter = parseInnerQueryBuilder(parser);
                } else if (K.match(field, parser.getDeprecationHandler())) {
                    k = expectInt(parser, field);
                } else if (EF_SEARCH.match(field, parser.getDeprecationHandler())) {
                    efSearch = expectInt(parser, field);
                } else if (HISTORY_SOURCE.match(field, parser.getDeprecationHandler())) {
                    historySource = expectString(parser, field);
                } else if (CODES_FIELD.match(field, parser.getDeprecationHandler())) {
                    codesField = expectString(parser, field);
                } else if (FIELD.match(field, parser.getDeprecationHandler())) {
                    vectorField = expectString(parser, field);
                } else if (CIRCLES_FIELD.match(field, parser.getDeprecationHandler())) {
                    circlesField = expectString(parser, field);
                } else if (TREE_FIELD.match(field, parser.getDeprecationHandler())) {
                    treeField = expectString(parser, field);
                } else if (STRATEGY.match(field, parser.getDeprecationHandler())) {
                    strategy = expectString(parser, field);
                } else if (HISTORY_SPLIT.match(field, parser.getDeprecationHandler())) {
                    historySplit = expectBoolean(parser, field);
                } else if (BOOST_FIELD.match(field, parser.getDeprecationHandler())) {
                    double b = expectNumber(parser, field);
                    if (!(b >= 0) || Double.isInfinite(b) || b > Float.MAX_VALUE) {
                        throw new IllegalArgumentException("[" + field + "] must be a finite number >= 0, got " + b);
                    }
                    boost = (float) b;
                } else if (NAME_FIELD.match(field, parser.getDeprecationHandler())) {
                    queryName = expectString(parser, field);
                } else {
                    throw new IllegalArgumentException(
                        "unknown field [" + Abbreviate.text(field) + "]: expected one of model, history, history_index, size, beams, alpha, "
                            + "exclude_history, filter, k, ef_search, history_source, codes_field, field, circles_field, tree_field, strategy, "
                            + "history_split, allow_partial_results, allow_tree_mismatch, "
                            + "boost, _name"
                    );
                }
            } catch (IllegalArgumentException e) {
                throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] " + e.getMessage());
            }
        }
        if (history == null) {
            throw new ParsingException(start, "[" + NAME + "] requires [history]: the user's item ids, oldest first");
        }
        try {
            RimirecQueryBuilder b = new RimirecQueryBuilder(model, history, services);
            b.historyIndex(historyIndex);
            if (size != null) {
                b.size(size);
            }
            if (beams != null) {
                b.beams(beams);
            }
            if (alpha != null) {
                b.alpha(alpha);
            }
            if (exclude != null) {
                b.excludeHistory(exclude);
            }
            if (historySplit != null) {
                b.historySplit(historySplit);
            }
            b.filter(filter).k(k).efSearch(efSearch);
            if (historySource != null) {
                b.historySource(historySource);
            }
            if (codesField != null) {
                b.codesField(codesField);
            }
            if (vectorField != null) {
                b.field(vectorField);
            }
            if (circlesField != null) {
                b.circlesField(circlesField);
            }
            if (treeField != null) {
                b.treeField(treeField);
            }
            if (strategy != null) {
                b.strategy(strategy);
            }
            if (allowPartial != null) {
                b.allowPartialResults(allowPartial);
            }
            if (allowTreeMismatch != null) {
                b.allowTreeMismatch(allowTreeMismatch);
            }
            return b.boost(boost).queryName(queryName);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage().startsWith("[" + NAME + "]") ? e.getMessage() : "[" + NAME + "] " + e.getMessage();
            throw new ParsingException(start, msg);
        }
    }

    private static boolean isNumeric(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double expectNumber(XContentParser parser, String field) throws IOException {
        XContentParser.Token t = parser.currentToken();
        if (t != XContentParser.Token.VALUE_NUMBER && !(t == XContentParser.Token.VALUE_STRING && isNumeric(parser.text()))) {
            throw new IllegalArgumentException("[" + field + "] must be a number");
        }
        return parser.doubleValue();
    }

    private static boolean expectBoolean(XContentParser parser, String field) throws IOException {
        if (parser.currentToken() != XContentParser.Token.VALUE_BOOLEAN) {
            throw new IllegalArgumentException("[" + field + "] must be true or false");
        }
        return parser.booleanValue();
    }

    private static String expectString(XContentParser parser, String field) throws IOException {
        if (parser.currentToken() != XContentParser.Token.VALUE_STRING) {
            throw new IllegalArgumentException("[" + field + "] must be a string");
        }
        return parser.text();
    }

    private static int expectInt(XContentParser parser, String field) throws IOException {
        XContentParser.Token t = parser.currentToken();
        if (t != XContentParser.Token.VALUE_NUMBER && t != XContentParser.Token.VALUE_STRING) {
            throw new IllegalArgumentException("[" + field + "] must be an integer");
        }
        double d;
        try {
            d = parser.doubleValue();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + field + "] must be an integer, got [" + Abbreviate.text(parser.text()) + "]");
        }
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("[" + field + "] must be an integer, got [" + Abbreviate.text(parser.text()) + "]");
        }
        return (int) d;
    }

    private static List<HistoryEntry> parseHistory(XContentParser parser) throws IOException {
        if (parser.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new IllegalArgumentException("[history] must be an array of item ids (oldest first) or {\"id\", \"vector\"} objects");
        }
        List<HistoryEntry> out = new ArrayList<>();
        XContentParser.Token t;
        int position = 0;
        while ((t = parser.nextToken()) != XContentParser.Token.END_ARRAY) {
            if (t == XContentParser.Token.VALUE_STRING || t == XContentParser.Token.VALUE_NUMBER) {
                out.add(new HistoryEntry(parser.text(), null));
            } else if (t == XContentParser.Token.START_OBJECT) {
                String id = null;
                float[] vector = null;
                String f = null;
                while ((t = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
                    if (t == XContentParser.Token.FIELD_NAME) {
                        f = parser.currentName();
                    } else if ("id".equals(f) && t.isValue()) {
                        id = parser.text();
                    } else if ("vector".equals(f) && t == XContentParser.Token.START_ARRAY) {
                        vector = VectorValues.parse(parser.list(), "history[" + position + "].vector", -1);
                    } else {
                        throw new IllegalArgumentException("[history][" + position + "] has an unknown or malformed field [" + Abbreviate.text(f)
                            + "]: expected [id] (a string) and/or [vector] (an array of numbers)");
                    }
                }
                if (id == null && vector == null) {
                    throw new IllegalArgumentException("[history][" + position + "] needs an [id] or a [vector]");
                }
                out.add(new HistoryEntry(id, vector));
            } else {
                throw new IllegalArgumentException("[history][" + position + "] must be an item id (string) or an {\"id\", \"vector\"} object");
            }
            position++;
        }
        return out;
    }

    // ---- rewriting and execution ------------------------------------------------------------------------------------

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        if (resolved != null) {
            ScoredIdsQueryBuilder result = resolved.get();
            return result == null ? this : result; // null: the async action has not finished yet
        }
        QueryCoordinatorContext coordinator = context.convertToCoordinatorContext();
        if (coordinator == null) {
            return this; // shards: the coordinator has replaced this query already (see doToQuery)
        }
        RimirecServices s = services.get();
        if (s == null) {
            throw new OpenSearchStatusException("[" + NAME + "] rimirec is still starting on this node; retry", RestStatus.SERVICE_UNAVAILABLE);
        }
        String[] indices = coordinator.getSearchRequest() == null ? new String[0] : coordinator.getSearchRequest().indices();
        SetOnce<ScoredIdsQueryBuilder> result = new SetOnce<>();
        RimirecQueryBuilder pending = copy();
        pending.resolved = result::get;
        Task task = SearchTasks.current();
        coordinator.registerAsyncAction((client, listener) -> new RimirecResolver(this, indices,
            task == null ? client : new ParentTaskAssigningClient(client, s.localNode().get(), task), task, s)
            .run(ActionListener.wrap(r -> {
                result.set(r);
                listener.onResponse(null);
            }, listener::onFailure)));
        return pending;
    }

    /** A copy of this query's parameters (not its resolution state). */
    private RimirecQueryBuilder copy() {
        RimirecQueryBuilder c = new RimirecQueryBuilder(model, history, services);
        c.historyIndex = historyIndex;
        c.size = size;
        c.beams = beams;
        c.alpha = alpha;
        c.excludeHistory = excludeHistory;
        c.filter = filter;
        c.k = k;
        c.efSearch = efSearch;
        c.historyFromCodes = historyFromCodes;
        c.codesField = codesField;
        c.vectorField = vectorField;
        c.circlesField = circlesField;
        c.treeField = treeField;
        c.strategy = strategy;
        c.historySplit = historySplit;
        c.allowPartialResults = allowPartialResults;
        c.allowTreeMismatch = allowTreeMismatch;
        c.boost(boost());
        c.queryName(queryName());
        return c;
    }

    @Override
    protected Query doToQuery(QueryShardContext context) {
        throw new IllegalStateException(
            "[" + NAME + "] must be resolved on the coordinating node before it reaches a shard; use it in a _search request"
        );
    }

    @Override
    protected boolean doEquals(RimirecQueryBuilder o) {
        return Objects.equals(model, o.model)
            && history.equals(o.history)
            && Objects.equals(historyIndex, o.historyIndex)
            && size == o.size
            && Objects.equals(beams, o.beams)
            && Double.compare(alpha, o.alpha) == 0
            && excludeHistory == o.excludeHistory
            && Objects.equals(filter, o.filter)
            && Objects.equals(k, o.k)
            && Objects.equals(efSearch, o.efSearch)
            && historyFromCodes == o.historyFromCodes
            && codesField.equals(o.codesField)
            && Objects.equals(vectorField, o.vectorField)
            && Objects.equals(circlesField, o.circlesField)
            && Objects.equals(treeField, o.treeField)
            && strategy == o.strategy
            && Objects.equals(historySplit, o.historySplit)
            && allowPartialResults == o.allowPartialResults
            && allowTreeMismatch == o.allowTreeMismatch;
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(model, history, historyIndex, size, beams, alpha, excludeHistory, filter, k, efSearch, historyFromCodes, codesField, vectorField,
            circlesField, treeField, strategy, historySplit, allowPartialResults, allowTreeMismatch);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }
}
