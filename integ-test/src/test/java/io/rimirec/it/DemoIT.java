package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.demo.Demo;
import io.rimirec.tools.opensearch.JsonHttp;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The README's main job ({@code rimirec demo}) on a smaller catalogue: it runs, and what it prints is true. */
@ClusterShape(nodes = 1)
class DemoIT extends ClusterTestCase {

    @Test
    void theDemoIndexesEverythingAndEachCircleSearchStaysInsideItsCircle() throws Exception {
        Demo.Options options = Demo.Options.defaults().withItems(4000).withLeafCapacity(200).withIndex("items-demo-it")
            .withModelId("demo-it");
        // Deleted newest first: the index, the model, then the templates in the order they depend on each other.
        rest.deleteAfter("/_component_template/rimirec-items-mappings");
        rest.deleteAfter("/_ingest/pipeline/rimirec-items");
        rest.deleteAfter("/_index_template/rimirec-items");
        rest.deleteAfter("/_plugins/rimirec/models/demo-it");
        rest.deleteAfter("/items-demo-it");
        StringWriter log = new StringWriter();
        Demo.Report report = new Demo(new JsonHttp(cluster.restClient()), options, new PrintWriter(log), ProgressListener.NONE).run();

        assertEquals(4000, report.indexed(), log.toString());
        assertTrue(report.failures().isEmpty(), report.failures().toString());
        assertEquals(3, report.searches().size(), "one plain search and one per main circle");
        assertEquals(options.size(), report.searches().get(0).hits().size());
        assertNotEquals(report.searches().get(1).circle(), report.searches().get(2).circle());
        for (Demo.Search s : report.searches().subList(1, 3)) {
            assertEquals(options.size(), s.hits().size(), s.title());
            for (Demo.Hit h : s.hits()) {
                assertTrue(h.circles().contains(s.circle()), s.title() + ": " + h);
            }
        }
        // The planted light topic only shows up when its circle is searched on its own.
        int light = report.user().lightTopic();
        assertTrue(report.searches().get(0).hits().stream().noneMatch(h -> h.topic() == light), "plain k-NN misses the light interest");
        assertTrue(report.searches().stream().anyMatch(s -> s.circle() != null && s.hits().stream().allMatch(h -> h.topic() == light)),
            "a circle search returns the light interest");

        StringWriter printed = new StringWriter();
        Demo.print(report, new PrintWriter(printed));
        assertTrue(printed.toString().contains("only circle " + report.searches().get(1).circle()), printed.toString());
    }
}
