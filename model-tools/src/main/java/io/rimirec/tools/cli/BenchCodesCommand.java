package io.rimirec.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookFormat;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.codebook.Residual;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;
import io.rimirec.core.vector.Vectors;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.data.synthetic.SyntheticOptions;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import io.rimirec.tools.util.MoreFiles;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code rimirec bench codes}: what reading a long history costs from the packed codes the ingest processor stamps,
 * against reading the same history's vectors. Indexes a synthetic catalogue through the repository's templates and
 * pipeline with a model that has a codebook, then, alternately for the same random histories, multi-gets the history
 * ids with only the vector field or only the codes field in {@code _source}, and turns the response into float
 * vectors (parsing the vectors, or unpacking and decoding the codes). Prints response bytes and times as ratios.
 */
@Command(name = "codes", mixinStandardHelpOptions = true,
    description = "Benchmark fetching + reconstructing a long history from residual codes against fetching its vectors, on a local node.")
public final class BenchCodesCommand implements Callable<Integer> {

    private static final String MODEL = "bench-codes";
    private static final String INDEX = "items-bench-codes";

    @Spec
    CommandSpec spec;

    @Option(names = "--items", defaultValue = "20000", description = "Catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--dim", defaultValue = "64", description = "Vector dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--history", defaultValue = "1000", description = "History length fetched per request (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--requests", defaultValue = "100", description = "Timed requests per variant (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", defaultValue = "20", description = "Untimed requests per variant first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--layers", defaultValue = "3", description = "Codebook layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--k", defaultValue = "256", description = "Codes per layer (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--heap", defaultValue = "2g", description = "Node heap (default: ${DEFAULT-VALUE}).")
    String heap;

    @Mixin

    OpenSearchDirOption opensearch;

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--items", items, 100);
        CliSupport.atLeast(spec, "--history", history, 1);
        CliSupport.atLeast(spec, "--requests", requests, 1);
        CliSupport.atLeast(spec, "--warmup", warmup, 0);
        PrintWriter out = spec.commandLine().getOut();
        SyntheticCatalogue catalogue = SyntheticCatalogue.generate(SyntheticOptions.defaults(items, dim));
        int threads = Runtime.getRuntime().availableProcessors();
        CircleTree tree = new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withLeafCapacity(1000).withThreads(threads))
            .build(catalogue.vectors());
        Codebook codebook = new CodebookTrainer(CodebookOptions.defaults(Residual.COSINE).withLayers(layers).withK(k).withThreads(threads))
            .train(catalogue.vectors(), null).codebook();
        Path tmp = Files.createTempDirectory("rimirec-bench-codes");
        byte[] bundle;
        try {
            Path cbFile = tmp.resolve("codebook" + CodebookFormat.FILE_EXTENSION);
            CodebookFormat.write(codebook, cbFile);
            bundle = BundlePacker.ofTree(tree).codebook(cbFile).name("bench-codes").pack();
        } finally {
            MoreFiles.deleteRecursively(tmp);
        }
        out.printf(Locale.ROOT, "data: %,d synthetic %d-d items; codebook %s (%d bytes per item packed); histories of %,d ids, %d requests per variant after %d warm-up%n",
            items, dim, codebook, PackedCodes.length(codebook), history, requests, warmup);

        LocalCluster.Builder builder = LocalCluster.builder()
            .zips(opensearch.zips())
            .nodes(1).heap(heap).fastStartup(false);
        try (LocalCluster cluster = builder.start()) {
            JsonHttp http = new JsonHttp(cluster.restClient());
            new ModelStoreClient(http).upload(MODEL, bundle, true);
            IndexTemplates.installAll(http, IndexTemplates.vectorField(dim, Metric.COSINE.knnSpaceType()), IndexTemplates.model(MODEL));
            http.put("/" + INDEX, JsonHttp.MAPPER.createObjectNode().set("settings",
                JsonHttp.MAPPER.createObjectNode().put("number_of_shards", 1).put("number_of_replicas", 0).put("refresh_interval", "-1")));
            index(http, catalogue);
            http.post("/" + INDEX + "/_refresh", null);
            http.post("/" + INDEX + "/_forcemerge?max_num_segments=1", null);

            SplittableRandom rng = new SplittableRandom(42);
            long[] bytes = new long[2];
            double[][] millis = new double[2][requests];
            double cosine = 0;
            long cosineCount = 0;
            for (int r = 0; r < warmup + requests; r++) {
                int[] ids = new int[history];
                for (int i = 0; i < history; i++) {
                    ids[i] = rng.nextInt(items);
                }
                boolean codesFirst = r % 2 == 0;
                for (int v = 0; v < 2; v++) {
                    boolean codes = codesFirst == (v == 0);
                    long t0 = System.nanoTime();
                    byte[] body = mget(http, ids, codes ? "item_codes" : "item_vector");
                    float[][] vectors = reconstruct(body, codes ? codebook : null, dim);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (vectors.length != history) {
                        throw new IllegalStateException("expected " + history + " history vectors, got " + vectors.length);
                    }
                    if (r >= warmup) {
                        millis[codes ? 1 : 0][r - warmup] = ms;
                        bytes[codes ? 1 : 0] += body.length;
                        if (codes) {
                            for (int i = 0; i < history; i += 10) {
                                cosine += Vectors.cosine(catalogue.vector(ids[i]), vectors[i]);
                                cosineCount++;
                            }
                        }
                    }
                }
            }
            double vBytes = (double) bytes[0] / requests;
            double cBytes = (double) bytes[1] / requests;
            out.printf(Locale.ROOT, "vectors: %,.0f response bytes per history (%.1f per item), p50 %.2f ms, p99 %.2f ms%n", vBytes,
                vBytes / history, pct(millis[0], 50), pct(millis[0], 99));
            out.printf(Locale.ROOT, "codes:   %,.0f response bytes per history (%.1f per item), p50 %.2f ms, p99 %.2f ms%n", cBytes,
                cBytes / history, pct(millis[1], 50), pct(millis[1], 99));
            out.printf(Locale.ROOT, "ratio codes / vectors: bytes %.3f, time p50 %.3f, p99 %.3f; mean cosine of decoded to original %.4f%n",
                cBytes / vBytes, pct(millis[1], 50) / pct(millis[0], 50), pct(millis[1], 99) / pct(millis[0], 99), cosine / cosineCount);
            out.flush();
        }
        return 0;
    }

    private void index(JsonHttp http, SyntheticCatalogue catalogue) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < catalogue.size(); i++) {
            ObjectNode doc = IndexTemplates.itemDocument(SyntheticCatalogue.id(i), catalogue.vector(i));
            sb.append("{\"index\":{\"_id\":\"").append(SyntheticCatalogue.id(i)).append("\"}}\n")
                .append(JsonHttp.MAPPER.writeValueAsString(doc)).append('\n');
            if ((i + 1) % 500 == 0 || i == catalogue.size() - 1) {
                bulk(http, sb.toString());
                sb.setLength(0);
            }
        }
    }

    /** One bulk request, retried on a client timeout (ids are explicit, so a retry indexes nothing twice): set-up only, not timed. */
    private static void bulk(JsonHttp http, String body) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                JsonNode r = http.ndjson("/" + INDEX + "/_bulk", body);
                if (r.path("errors").asBoolean()) {
                    throw new IllegalStateException("bulk had item errors: " + r.path("items").get(0));
                }
                return;
            } catch (java.io.IOException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** The raw multi-get response for {@code ids} with only {@code field} in _source. */
    private static byte[] mget(JsonHttp http, int[] ids, String field) throws Exception {
        ObjectNode body = JsonHttp.MAPPER.createObjectNode();
        ArrayNode a = body.putArray("ids");
        for (int id : ids) {
            a.add(SyntheticCatalogue.id(id));
        }
        Request request = new Request("POST", "/" + INDEX + "/_mget");
        request.addParameter("_source_includes", field);
        request.setEntity(new StringEntity(JsonHttp.MAPPER.writeValueAsString(body), ContentType.APPLICATION_JSON));
        Response response = http.client().performRequest(request);
        return EntityUtils.toByteArray(response.getEntity());
    }

    /** Float vectors from a multi-get response: parsed vectors, or decoded codes when {@code codebook} is given. */
    private static float[][] reconstruct(byte[] body, Codebook codebook, int dim) throws Exception {
        JsonNode docs = JsonHttp.MAPPER.readTree(body).path("docs");
        List<float[]> out = new ArrayList<>(docs.size());
        for (JsonNode doc : docs) {
            JsonNode source = doc.path("_source");
            if (codebook != null) {
                out.add(codebook.decode(PackedCodes.unpack(codebook, PackedCodes.fromBase64(source.path("item_codes").asText()))));
            } else {
                JsonNode v = source.path("item_vector");
                float[] f = new float[v.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) v.get(i).asDouble();
                }
                if (f.length != dim) {
                    throw new IllegalStateException("item " + doc.path("_id").asText() + " has no " + dim + "-d vector: " + source);
                }
                out.add(f);
            }
        }
        return out.toArray(new float[0][]);
    }

    private static double pct(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
