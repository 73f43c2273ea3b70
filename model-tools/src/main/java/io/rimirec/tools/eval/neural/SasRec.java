package io.rimirec.tools.eval.neural;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.TrainingData;
import io.rimirec.tools.train.nn.Histories;
import io.rimirec.tools.train.nn.LossCurve;
import io.rimirec.tools.train.nn.Nn;
import io.rimirec.tools.train.nn.Params;
import io.rimirec.tools.train.nn.TrainLoop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SASRec (Kang and McAuley 2018): a causal self-attention encoder over the last {@code maxLen} items (learned
 * positions, pre-LayerNorm blocks with a point-wise feed-forward layer, dropout); the hidden state at each
 * position predicts the next item, with item embeddings shared between input and output. The user vector is the
 * hidden state of the newest item. Trained at every position of one random window per user and epoch, with
 * softmax over the catalogue or sampled softmax (cross-entropy rather than the original one-negative BCE:
 * it trains faster and ranks better). Windows are batched by length so short users cost little.
 */
public final class SasRec implements Method {

    @Override
    public String name() {
        return "sasrec";
    }

    @Override
    public String describe() {
        return "SASRec: causal self-attention over the recent sequence, next-item softmax, last position as user vector";
    }

    static Settings defaults() {
        return Settings.of("dim", 64, "blocks", 2, "heads", 1, "maxLen", 200, "dropout", 0.2, "window", 1,
            "negatives", 0, "epochs", 20, "batch", 64, "lr", 1e-3, "weightDecay", 0.0);
    }

    @Override
    public List<Settings> grid(boolean quick) {
        if (quick) {
            return List.of(defaults().with("epochs", 3).with("maxLen", 50).with("blocks", 1));
        }
        Map<String, List<?>> axes = new LinkedHashMap<>();
        axes.put("window", List.of(1, 10));
        return Settings.grid(defaults(), axes);
    }

    @Override
    public Recommender create(Settings settings) {
        return new Model(settings);
    }

    static final class Model extends VectorModel {
        private final int blocks;
        private final int heads;
        private final float dropout;

        Model(Settings s) {
            super(s);
            this.blocks = s.getInt("blocks");
            this.heads = s.getInt("heads");
            this.dropout = s.getFloat("dropout");
            if (dim % heads != 0) {
                throw new IllegalArgumentException("dim " + dim + " must be a multiple of heads " + heads);
            }
        }

        @Override
        protected void define(Params p, int n) {
            p.normal("item", 0.05, n + 1, dim); // row 0 = padding
            p.normal("pos", 0.05, maxLen, dim);
            for (int b = 0; b < blocks; b++) {
                Nn.defineBlock(p, "b" + b, dim);
            }
            p.norm("ln", dim);
        }

        /** Hidden states [b, l, d] for right-aligned ids [b, l] (0 = padding) and their mask. */
        NDArray encode(NDManager m, NDArray ids, NDArray mask, boolean training) {
            long l = ids.getShape().get(1);
            NDArray x = Nn.scale(Nn.lookup(params.get("item"), ids), (float) Math.sqrt(dim));
            x = x.add(params.get("pos").get((maxLen - l) + ":")); // position counted back from the newest item
            NDArray keep = mask.expandDims(2);
            x = Nn.dropout(x, dropout, training).mul(keep);
            NDArray bias = Nn.causalBias(m, (int) l).add(Nn.keyBias(mask));
            for (int b = 0; b < blocks; b++) {
                x = Nn.block(x, params, "b" + b, heads, bias, keep, dropout, training);
            }
            return Nn.layerNorm(x, params, "ln");
        }

        @Override
        protected LossCurve train(TrainingData data, FitContext ctx, Random rnd) {
            int batch = settings.getInt("batch");
            int window = settings.getInt("window");
            TrainLoop loop = new TrainLoop(params, settings.getFloat("lr"), settings.getFloat("weightDecay"));
            LossCurve curve = newCurve();
            List<int[]> seqs = data.sequences().stream().filter(s -> s.length >= 2).toList();
            for (int epoch = 1; epoch <= settings.getInt("epochs"); epoch++) {
                // One window of up to maxLen + 1 items per user, ending at a random position; batches of similar length.
                int[][] windows = new int[seqs.size()][];
                for (int u = 0; u < seqs.size(); u++) {
                    int[] s = seqs.get(u);
                    int len = Math.min(s.length, maxLen + 1);
                    int end = len + rnd.nextInt(s.length - len + 1);
                    windows[u] = Arrays.copyOfRange(s, end - len, end);
                }
                Integer[] order = new Integer[windows.length];
                Arrays.setAll(order, i -> i);
                Arrays.sort(order, (a, b) -> Integer.compare(windows[a].length, windows[b].length));
                List<int[]> batches = new ArrayList<>();
                for (int from = 0; from < order.length; from += batch) {
                    int[] idx = new int[Math.min(batch, order.length - from)];
                    for (int i = 0; i < idx.length; i++) {
                        idx[i] = order[from + i];
                    }
                    batches.add(idx);
                }
                java.util.Collections.shuffle(batches, rnd);
                loop.epoch(epoch, batches.size(), (m, i) -> {
                    int[] members = batches.get(i);
                    int l = 0;
                    for (int u : members) {
                        l = Math.max(l, windows[u].length - 1);
                    }
                    long[] ids = new long[members.length * l];
                    float[] mask = new float[members.length * l];
                    List<Long> positions = new ArrayList<>();
                    List<Long> targets = new ArrayList<>();
                    for (int r = 0; r < members.length; r++) {
                        int[] w = windows[members[r]];
                        int n = w.length - 1; // inputs w[0..n), next items w[1..n]
                        for (int j = 0; j < n; j++) {
                            int col = l - n + j;
                            ids[r * l + col] = w[j] + 1L;
                            mask[r * l + col] = 1f;
                            int ahead = Math.min(window, w.length - (j + 1));
                            positions.add((long) r * l + col);
                            targets.add((long) w[j + 1 + rnd.nextInt(ahead)]);
                        }
                    }
                    NDArray h = encode(m, m.create(ids, new Shape(members.length, l)), m.create(mask, new Shape(members.length, l)), true);
                    NDArray flat = h.reshape((long) members.length * l, dim);
                    NDArray at = Nn.lookup(flat, m.create(positions.stream().mapToLong(Long::longValue).toArray()));
                    // Output embeddings = input rows without padding; a fresh view per step, taken while gradients are
                    // recorded (a view from outside would alias the parameter that Adam updates in place).
                    NDArray outputs = params.get("item").get("1:");
                    return softmaxLoss(m, at, outputs, targets.stream().mapToLong(Long::longValue).toArray(), rnd);
                }, curve, ctx.log());
            }
            return curve;
        }

        @Override
        protected NDArray userVectors(NDManager m, List<int[]> histories) {
            Histories h = Histories.of(m, histories, maxLen);
            NDArray out = encode(m, h.ids(), h.mask(), false);
            return out.get(":, -1, :").expandDims(1);
        }

        @Override
        protected NDArray itemVectors() {
            return params.get("item").get("1:");
        }
    }
}
