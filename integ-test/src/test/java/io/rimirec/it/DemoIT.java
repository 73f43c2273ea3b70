package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.demo.Demo;
import io.rimirec.tools.opensearch.JsonHttp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The README's main job ({@code rimirec demo}) on a smaller setting: it runs, and what it prints is true. */
@ClusterShape(nodes = 1)
class DemoIT extends ClusterTestCase {

    @Test
    void theDemoTrainsUploadsIndexesAndAnswersWithCirclesThatHoldTheirHits() throws Exception {
        Demo.Options options = Demo.Options.defaults().withItems(4000).withLeafCapacity(200).withIndex("items-demo-it")
            .withModelId("demo-it").withTraining(600, 3);
        // Deleted newest first: the index, the pipeline (a model a pipeline names cannot be deleted), the model, then the
        // templates in the order they depend on each other.
        rest.deleteAfter("/_component_template/rimirec-items-mappings");
        rest.deleteAfter("/_index_template/rimirec-items");
        rest.deleteAfter("/_plugins/rimirec/models/demo-it");
        rest.deleteAfter("/_ingest/pipeline/rimirec-items");
        rest.deleteAfter("/items-demo-it");
        StringWriter log = new StringWriter();
        Demo.Report report = new Demo(new JsonHttp(cluster.restClient()), options, new PrintWriter(log), ProgressListener.NONE).run();

        assertEquals(4000, report.indexed(), log.toString());
        assertTrue(report.failures().isEmpty(), report.failures().toString());
        double validation = ((Number) report.training().get("best_validation_loss")).doubleValue();
        double prior = ((Number) report.training().get("prior_validation_loss_per_circle")).doubleValue();
        assertTrue(validation < prior, "the generator learned: " + validation + " vs prior " + prior);
        assertEquals(2, report.answers().size());
        int plainTopics = 0;
        int rimirecTopics = 0;
        for (Demo.UserAnswer a : report.answers()) {
            Set<String> history = new HashSet<>();
            for (int item : a.user().history()) {
                history.add(SyntheticCatalogue.id(item));
            }
            assertEquals(options.size(), a.plain().hits().size());
            assertEquals(options.size(), a.rimirec().hits().size());
            assertTrue(a.rimirec().profile().contains("circles=["), a.rimirec().profile());
            for (Demo.Hit h : a.rimirec().hits()) {
                assertNotNull(h.foundIn(), "every rimirec hit names its circle: " + h);
                assertTrue(h.circles().contains(h.foundIn()), "a hit lies in the circle it was found in: " + h);
                assertFalse(history.contains(h.id()), "history items are excluded: " + h);
            }
            plainTopics += (int) a.plain().hits().stream().map(Demo.Hit::topic).distinct().count();
            rimirecTopics += (int) a.rimirec().hits().stream().map(Demo.Hit::topic).distinct().count();
        }
        assertTrue(rimirecTopics > plainTopics, "rimirec covers more of the planted interests: " + rimirecTopics + " vs " + plainTopics);

        StringWriter printed = new StringWriter();
        Demo.print(report, new PrintWriter(printed));
        assertTrue(printed.toString().contains("found in") && printed.toString().contains("profile: rimirec_scored_ids"), printed.toString());
    }
}
