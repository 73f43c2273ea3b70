package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.eval.EvalTask;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.LeaveOneOutProtocol;
import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.neural.HyMiRec;
import io.rimirec.tools.eval.rimirec.OnlineHyMiRec;
import io.rimirec.tools.opensearch.JsonHttp;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code "strategy": "hymirec"} end to end (issue 6): a HyMiRec model (light model over codebook reconstructions +
 * refined model, DMIL) is fitted on an ML-1M subsample, exported to ONNX, packed with its codebook and a circle tree,
 * uploaded, its items indexed through the pipeline (which stamps their codes), and every protocol-B query is answered
 * both offline (the training network, exact scores) and by the node (ONNX Runtime's interest vectors, one exact k-NN
 * search per interest, best-score merge). The metrics must agree within 0.5 points and nearly every list must be the same.
 */
@ClusterShape(nodes = 1)
class HyMiRecQueryIT extends ClusterTestCase {

    static final int USERS = 800;
    static final long SEED = 42;

    @Test
    void theHymirecStrategyReproducesTheOfflineProtocolBNumbers() throws Exception {
        SequenceDataset ds = OnlineOfflineIT.ml1mSample(USERS, SEED, "hymirec IT");
        LeaveOneOutProtocol protocol = new LeaveOneOutProtocol();
        EvalTask task = protocol.test(ds, SEED);

        Method method = HyMiRec.variants().get(0);
        Settings settings = method.grid(true).get(0);
        FitContext ctx = new FitContext(SEED, 2, new PrintStream(OutputStream.nullOutputStream()));
        OnlineOfflineIT.Recording offline = new OnlineOfflineIT.Recording(method.create(settings));
        OnlineOfflineIT.Recording online = new OnlineOfflineIT.Recording(new OnlineHyMiRec(method, new JsonHttp(cluster.restClient())).create(settings));
        try (offline; online) {
            Map<String, Object> served = OnlineOfflineIT.fitBoth(rest, task, ctx, offline, online);
            // A 3-epoch quick fit: below chance, not yet at the evaluation's "learned" bar (0.85 x chance).
            @SuppressWarnings("unchecked")
            List<Double> curve = (List<Double>) offline.diagnostics().get("loss_curve");
            double chance = ((Number) offline.diagnostics().get("loss_chance")).doubleValue();
            assertTrue(curve.get(curve.size() - 1) < 0.92 * chance, "HyMiRec fit: " + offline.diagnostics());

            OnlineOfflineIT.assertOnlineMatchesOffline("HyMiRecQueryIT", protocol.metrics(), task, offline, online, "Recall@200", 0.1);

            // What a user sees: the profile names the strategy and the interests, hits explain which interest found them,
            // and the default strategy on this bundle (no generator) is refused with the part named.
            String index = (String) served.get("index");
            String model = (String) served.get("model_id");
            Map<String, Object> q = Map.of("model", model, "history", List.of("i10", "i20", "i30"), "strategy", "hymirec", "size", 5);
            JsonNode r = rest.post("/" + index + "/_search?explain=true", Map.of("size", 5, "profile", true, "query", Map.of("rimirec", q)));
            assertEquals(5, r.path("hits").path("hits").size(), r.toString());
            assertTrue(r.path("profile").toString().contains("strategy=hymirec interests=2"), r.path("profile").toString());
            assertTrue(r.path("profile").toString().contains(" onnx=cpu "), "the default execution provider: " + r.path("profile"));
            assertTrue(r.path("hits").path("hits").get(0).path("_explanation").toString().contains("rimirec hymirec: interest "),
                r.path("hits").path("hits").get(0).toString());
            Rest.Result circles = rest.call("POST", "/" + index + "/_search", Map.of("query", Map.of("rimirec",
                Map.of("model", model, "history", List.of("i10")))));
            assertEquals(400, circles.status(), circles.body().toString());
            assertTrue(circles.body().toString().contains("has no [generator] part"), circles.body().toString());
            Rest.Result codes = rest.call("POST", "/" + index + "/_search", Map.of("size", 5, "query", Map.of("rimirec",
                Map.of("model", model, "history", List.of("i10", "i20", "i30"), "strategy", "hymirec", "history_source", "codes", "size", 5))));
            assertEquals(200, codes.status(), "the light model can read the history from the stamped codes: " + codes.body());
            assertEquals(5, codes.body().path("hits").path("hits").size());
        }
    }
}
