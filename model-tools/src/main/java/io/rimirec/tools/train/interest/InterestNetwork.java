package io.rimirec.tools.train.interest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.tools.onnx.InterestModelOnnxExporter;
import io.rimirec.tools.train.nn.Histories;
import io.rimirec.tools.train.nn.Nn;
import io.rimirec.tools.train.nn.Params;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HyMiRec network (docs/hymirec.md) as DJL parameters and its forward pass: the light model (coarse queries over the
 * long history, read through the codebook's reconstructions), the refined transformer over [coarse interests + indicator,
 * recent items, s refined queries], and the item table it reads and scores against (row 0 = padding).
 *
 * <p>The item table is a trained parameter, or the caller's vectors held constant ({@link #frozen}: the vectors an index
 * already holds, so the interests are searched against them).
 */
public final class InterestNetwork implements AutoCloseable {

    private final InterestConfig config;
    private final Params params;
    private final int numItems;
    private final int dim;
    /** [n + 1, d], row 0 = padding: a parameter, or the given vectors when frozen. */
    private final NDArray itemTable;
    private final boolean frozen;
    /** Codebook reconstructions of every item [n + 1, d] (row 0 = padding), or null while the light model reads exact vectors. */
    private NDArray reconstructed;
    /** The codebook the light model reads through (the last one set), or null. */
    private Codebook codebook;

    private InterestNetwork(InterestConfig config, Params params, int numItems, int dim, float[][] given) {
        this.config = config;
        this.params = params;
        this.numItems = numItems;
        this.dim = dim;
        this.frozen = given != null;
        if (given == null) {
            itemTable = params.normal("item", 0.05, numItems + 1, dim); // shared by inputs and outputs
        } else {
            float[] flat = new float[(numItems + 1) * dim];
            for (int i = 0; i < numItems; i++) {
                System.arraycopy(given[i], 0, flat, (i + 1) * dim, dim);
            }
            itemTable = params.manager().create(flat, new Shape(numItems + 1, dim)); // a constant: no gradient
        }
        define();
    }

    /** A network whose item table is learned. */
    static InterestNetwork learned(InterestConfig config, Params params, int numItems) {
        return new InterestNetwork(config, params, numItems, config.dim(), null);
    }

    /** A network over the given item vectors, held constant (their length is the dimension). */
    static InterestNetwork frozen(InterestConfig config, Params params, float[][] items) {
        return new InterestNetwork(config, params, items.length, items[0].length, items);
    }

    private void define() {
        int maxLen = config.maxLen();
        params.normal("pos", 0.05, maxLen, dim);
        if (config.light()) {
            params.normal("coarse.q", 0.05, config.coarse(), dim);
            params.normal("long.pos", 0.05, config.longLen(), dim);
            params.dense("long.in", dim, dim); // lets the light model follow the item table away from the codebook snapshot
            params.norm("long.ln", dim);
            params.norm("light.lnq", dim);
            Nn.defineAttention(params, "light.att", dim);
            params.norm("light.ln2", dim);
            params.dense("light.ff1", dim, dim);
            params.dense("light.ff2", dim, dim);
            params.norm("light.ln", dim);
            params.normal("indicator", 0.05, dim);
        }
        params.normal("refined.q", 0.05, config.interests(), dim);
        for (int b = 0; b < config.blocks(); b++) {
            Nn.defineBlock(params, "b" + b, dim);
        }
        params.norm("ln", dim);
    }

    /** Coarse interests [b, coarse, d] from the long history. */
    private NDArray coarseInterests(NDManager m, Histories longH, boolean training) {
        float dropout = (float) config.dropout();
        NDArray table = reconstructed != null ? reconstructed : itemTable;
        NDArray x = Nn.linear(Nn.lookup(table, longH.ids()), params, "long.in").add(params.get("long.pos"));
        x = Nn.layerNorm(x, params, "long.ln");
        NDArray q = m.zeros(new Shape(longH.batch(), config.coarse(), dim)).add(params.get("coarse.q"));
        NDArray att = Nn.attention(Nn.layerNorm(q, params, "light.lnq"), x, params, "light.att", config.heads(),
            Nn.keyBias(longH.mask()), dropout, training);
        q = q.add(Nn.dropout(att, dropout, training));
        NDArray h = Nn.layerNorm(q, params, "light.ln2");
        q = q.add(Nn.dropout(Nn.linear(Activation.relu(Nn.linear(h, params, "light.ff1")), params, "light.ff2"), dropout, training));
        return Nn.layerNorm(q, params, "light.ln");
    }

    /** The s interest vectors [b, s, d] (not normalised). */
    NDArray interestVectors(NDManager m, List<int[]> histories, boolean training) {
        float dropout = (float) config.dropout();
        int interests = config.interests();
        int b = histories.size();
        Histories recent = Histories.of(m, histories, config.maxLen());
        NDArray x = Nn.scale(Nn.lookup(itemTable, recent.ids()), (float) Math.sqrt(dim)).add(params.get("pos"));
        x = Nn.dropout(x, dropout, training).mul(recent.mask().expandDims(2));
        NDArray q = m.zeros(new Shape(b, interests, dim)).add(params.get("refined.q"));
        NDArray mask;
        if (config.light()) {
            NDArray c = coarseInterests(m, Histories.of(m, histories, config.longLen()), training).add(params.get("indicator"));
            x = NDArrays.concat(new NDList(c, x, q), 1);
            mask = NDArrays.concat(new NDList(m.ones(new Shape(b, config.coarse())), recent.mask(), m.ones(new Shape(b, interests))), 1);
        } else {
            x = x.concat(q, 1);
            mask = recent.mask().concat(m.ones(new Shape(b, interests)), 1);
        }
        NDArray keep = mask.expandDims(2);
        NDArray bias = Nn.keyBias(mask);
        for (int k = 0; k < config.blocks(); k++) {
            x = Nn.block(x, params, "b" + k, config.heads(), bias, keep, dropout, training);
        }
        long l = x.getShape().get(1);
        return Nn.layerNorm(x.get(":, " + (l - interests) + ":, :"), params, "ln");
    }

    /** The item table without the padding row ([n, d], a view in the table's memory). */
    NDArray items() {
        return itemTable.get("1:");
    }

    /** The table itself ([n + 1, d], row 0 = padding), for lookups of target rows. */
    NDArray table() {
        return itemTable;
    }

    boolean frozen() {
        return frozen;
    }

    /** The table's rows without the padding row: item i's vector, as served items carry it. */
    public float[][] itemVectors() {
        float[] flat;
        try (NDArray items = items()) { // a view: closing it frees the handle, not the table
            flat = items.toFloatArray();
        }
        float[][] vectors = new float[numItems][];
        for (int i = 0; i < numItems; i++) {
            vectors[i] = Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
        }
        return vectors;
    }

    /** The unit item vectors [n * d] row-major, normalised as the scores read them. */
    public float[] unitItemMatrix() {
        try (NDManager m = params.manager().newSubManager(); NDArray items = items()) {
            NDArray unit = Nn.l2Normalize(items);
            unit.attach(m);
            return unit.toFloatArray();
        }
    }

    /** From now on the light model reads {@code book}'s stored reconstruction of every item (what serving decodes from codes). */
    void readThrough(Codebook book) {
        float[][] vectors = itemVectors();
        float[] rec = new float[(numItems + 1) * dim];
        for (int i = 0; i < numItems; i++) {
            System.arraycopy(PackedCodes.storedReconstruction(book, vectors[i]), 0, rec, (i + 1) * dim, dim);
        }
        if (reconstructed != null) {
            reconstructed.close();
        }
        reconstructed = params.manager().create(rec, new Shape(numItems + 1, dim));
        codebook = book;
    }

    /** Mean cosine between each item vector and the reconstruction the light model reads, or NaN without a codebook. */
    double reconstructionCosine() {
        if (reconstructed == null) {
            return Double.NaN;
        }
        float[][] vectors = itemVectors();
        float[] rec = reconstructed.toFloatArray();
        double cos = 0;
        for (int i = 0; i < numItems; i++) {
            cos += Dmil.dot(Dmil.unit(Arrays.copyOfRange(rec, (i + 1) * dim, (i + 2) * dim)), Dmil.unit(vectors[i]));
        }
        return cos / numItems;
    }

    /** The codebook the light model reads through, or null (no light model, or codebook = none). */
    public Codebook codebook() {
        return codebook;
    }

    /** Unit interest vectors [histories][s][d] from the frozen network (inference). */
    public float[][][] interestsOf(List<int[]> histories) {
        int interests = config.interests();
        float[] flat = unitInterests(histories);
        float[][][] out = new float[histories.size()][interests][];
        for (int b = 0; b < histories.size(); b++) {
            for (int j = 0; j < interests; j++) {
                out[b][j] = Arrays.copyOfRange(flat, (b * interests + j) * dim, (b * interests + j + 1) * dim);
            }
        }
        return out;
    }

    /** Unit interest vectors [b * s * d] row-major (inference). */
    public float[] unitInterests(List<int[]> histories) {
        try (NDManager m = params.manager().newSubManager()) {
            return Nn.l2Normalize(interestVectors(m, histories, false)).toFloatArray();
        }
    }

    public InterestConfig config() {
        return config;
    }

    public int dim() {
        return dim;
    }

    public int numItems() {
        return numItems;
    }

    /** Long-history items the light model reads; 0 without the light model. */
    int maxLong() {
        return config.light() ? config.longLen() : 0;
    }

    public long parameterCount() {
        return params.count();
    }

    /** The served model's shape and parameters (all but the item table, which the index holds), for ONNX export. */
    InterestModelOnnxExporter exporter() {
        Map<String, InterestModelOnnxExporter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
            if (!e.getKey().equals("item")) {
                tensors.put(e.getKey(), new InterestModelOnnxExporter.Tensor(e.getValue().toFloatArray(), e.getValue().getShape().getShape()));
            }
        }
        return new InterestModelOnnxExporter(new InterestModelOnnxExporter.Shape(dim, config.interests(), config.coarse(), config.maxLen(),
            maxLong(), config.blocks(), config.heads()), tensors);
    }

    Params params() {
        return params;
    }

    @Override
    public void close() {
        if (reconstructed != null) {
            reconstructed.close();
        }
        params.close();
    }
}
