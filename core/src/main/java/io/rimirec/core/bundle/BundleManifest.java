package io.rimirec.core.bundle;

import io.rimirec.core.json.Json;
import io.rimirec.core.json.JsonObject;
import io.rimirec.core.vector.Metric;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code manifest.json} at the root of a model bundle: what the model is, which index fields it reads and writes,
 * where its parts are, and the SHA-256 and size of every file (so a corrupt or incomplete bundle is caught before
 * anything is stored). The full format is documented in docs/formats.md.
 *
 * @param parts part name ({@code tree}, {@code generator}, {@code user_tower}, ...) to its path inside the bundle
 *              (a file for the tree, a directory for model parts)
 */
public record BundleManifest(
    String name,
    String description,
    String createdAt,
    String createdBy,
    int dimension,
    Metric metric,
    Fields fields,
    String treeHash,
    Map<String, String> parts,
    List<FileEntry> files,
    Serving serving
) {

    public static final String FILE_NAME = "manifest.json";
    public static final String FORMAT = "rimirec-bundle";
    public static final int FORMAT_VERSION = 1;
    public static final String PART_TREE = "tree";
    public static final String PART_GENERATOR = "generator";
    public static final String PART_USER_TOWER = "user_tower";
    /** The residual codebook file ({@code .rcodebook}): item codes stamped at ingest and decoded by the query. */
    public static final String PART_CODEBOOK = "codebook";
    /** The HyMiRec interest model (interest_model.json + ONNX graph): a history in, s interest vectors out. */
    public static final String PART_INTEREST_MODEL = "interest_model";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * The item-index fields the model works with. {@code tree} holds the stamp of the tree an item's circles were
     * computed with ({@link io.rimirec.core.tree.CircleTree#stamp()}), so a query can tell items stamped by another tree.
     */
    public record Fields(String vector, String circles, String leaf, String tree) {
        public static final String DEFAULT_TREE = "circle_tree";
        public static final Fields DEFAULT = new Fields("item_vector", "circles", "circle_leaf", DEFAULT_TREE);

        public Fields(String vector, String circles, String leaf) {
            this(vector, circles, leaf, DEFAULT_TREE);
        }
    }

    /** One file of the bundle, with its SHA-256 (hex) and size in bytes. */
    public record FileEntry(String path, String sha256, long size) {}

    /**
     * How a {@code rimirec} query serves this model when it does not say: the strategy ({@code circles} or {@code hymirec}),
     * the beams and whether each circle's user vector reads only the history inside the circle (the behaviour split) or
     * the whole history. {@code rimirec train} measures the choices on users it held out for that and records the best;
     * a null value leaves the query's built-in default.
     */
    public record Serving(String strategy, Integer beams, Boolean historySplit) {
        public static final Serving NONE = new Serving(null, null, null);
        public static final String CIRCLES = "circles";
        public static final String HYMIREC = "hymirec";

        public Serving {
            if (strategy != null && !strategy.equals(CIRCLES) && !strategy.equals(HYMIREC)) {
                throw new IllegalArgumentException(FILE_NAME + ": serving.strategy is [" + strategy + "], expected " + CIRCLES + " or " + HYMIREC);
            }
            if (beams != null && (beams < 1 || beams > 64)) {
                throw new IllegalArgumentException(FILE_NAME + ": serving.beams must be in [1, 64], got " + beams);
            }
        }

        public boolean isEmpty() {
            return strategy == null && beams == null && historySplit == null;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (strategy != null) {
                m.put("strategy", strategy);
            }
            if (beams != null) {
                m.put("beams", beams);
            }
            if (historySplit != null) {
                m.put("history_split", historySplit);
            }
            return m;
        }
    }

    /** A manifest without serving defaults (the query's built-in ones apply). */
    public BundleManifest(String name, String description, String createdAt, String createdBy, int dimension, Metric metric, Fields fields,
                          String treeHash, Map<String, String> parts, List<FileEntry> files) {
        this(name, description, createdAt, createdBy, dimension, metric, fields, treeHash, parts, files, Serving.NONE);
    }

    public BundleManifest {
        serving = serving == null ? Serving.NONE : serving;
        if (Serving.HYMIREC.equals(serving.strategy()) && !parts.containsKey(PART_INTEREST_MODEL)) {
            throw new IllegalArgumentException(FILE_NAME + ": serving.strategy is [" + Serving.HYMIREC + "] but the bundle has no ["
                + PART_INTEREST_MODEL + "] part");
        }
        parts = Map.copyOf(parts);
        files = List.copyOf(files);
        if (!parts.containsKey(PART_TREE)) {
            throw new IllegalArgumentException(FILE_NAME + ": parts must name the [" + PART_TREE + "] file");
        }
    }

    public boolean hasPart(String part) {
        return parts.containsKey(part);
    }

    public String part(String part) {
        String p = parts.get(part);
        if (p == null) {
            throw new IllegalArgumentException("the bundle has no [" + part + "] part");
        }
        return p;
    }

    public BundleManifest withFiles(List<FileEntry> newFiles) {
        return new BundleManifest(name, description, createdAt, createdBy, dimension, metric, fields, treeHash, parts, newFiles, serving);
    }

    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("name", name);
        m.put("description", description);
        m.put("created_at", createdAt);
        m.put("created_by", createdBy);
        m.put("dimension", dimension);
        m.put("metric", metric.id());
        Map<String, Object> fieldNames = new LinkedHashMap<>(); // in a fixed order: packing the same content gives the same bytes
        fieldNames.put("vector", fields.vector());
        fieldNames.put("circles", fields.circles());
        fieldNames.put("leaf", fields.leaf());
        fieldNames.put("tree", fields.tree());
        m.put("fields", fieldNames);
        m.put("tree_hash", treeHash);
        m.put("parts", new java.util.TreeMap<>(parts));
        List<Object> fileList = new ArrayList<>();
        for (FileEntry f : files) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", f.path());
            e.put("sha256", f.sha256());
            e.put("size", f.size());
            fileList.add(e);
        }
        m.put("files", fileList);
        if (!serving.isEmpty()) {
            m.put("serving", serving.toMap());
        }
        return Json.write(m);
    }

    private static Serving serving(JsonObject o) {
        if (!o.has("serving")) {
            return Serving.NONE;
        }
        JsonObject s = o.object("serving");
        String strategy = s.has("strategy") ? s.string("strategy") : null;
        Integer beams = s.has("beams") ? s.intValue("beams") : null;
        Boolean split = s.has("history_split") ? s.booleanValue("history_split", true) : null;
        return new Serving(strategy, beams, split);
    }

    public static BundleManifest parse(byte[] json) throws IOException {
        JsonObject o = Json.parseObject(json, FILE_NAME);
        try {
            String format = o.string("format");
            if (!FORMAT.equals(format)) {
                throw o.error("format", "is [" + format + "], expected [" + FORMAT + "]");
            }
            int version = o.intValue("format_version");
            if (version != FORMAT_VERSION) {
                throw o.error("format_version", "is " + version + " but this build reads version " + FORMAT_VERSION);
            }
            int dimension = o.intValue("dimension");
            if (dimension <= 0) {
                throw o.error("dimension", "must be > 0");
            }
            Metric metric;
            try {
                metric = Metric.fromId(o.string("metric"));
            } catch (IllegalArgumentException e) {
                throw o.error("metric", e.getMessage());
            }
            JsonObject f = o.object("fields");
            // "tree" came later: bundles packed before it get the default field name.
            Fields fields = new Fields(f.string("vector"), f.string("circles"), f.string("leaf"), f.string("tree", Fields.DEFAULT_TREE));
            String treeHash = o.string("tree_hash");
            if (!SHA256.matcher(treeHash).matches()) {
                throw o.error("tree_hash", "must be a SHA-256 in lowercase hex");
            }
            Map<String, String> parts = new LinkedHashMap<>();
            JsonObject p = o.object("parts");
            for (String key : p.asMap().keySet()) {
                parts.put(key, p.string(key));
            }
            if (!parts.containsKey(PART_TREE)) {
                throw o.error("parts", "must name the [" + PART_TREE + "] file");
            }
            List<FileEntry> files = new ArrayList<>();
            for (JsonObject e : o.objects("files")) {
                String sha = e.string("sha256");
                if (!SHA256.matcher(sha).matches()) {
                    throw e.error("sha256", "must be a SHA-256 in lowercase hex");
                }
                files.add(new FileEntry(e.string("path"), sha, e.longValue("size")));
            }
            return new BundleManifest(
                o.string("name", ""),
                o.string("description", ""),
                o.string("created_at", ""),
                o.string("created_by", ""),
                dimension,
                metric,
                fields,
                treeHash,
                parts,
                files,
                serving(o)
            );
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
