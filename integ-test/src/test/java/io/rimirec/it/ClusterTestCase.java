package io.rimirec.it;

import io.rimirec.tools.cluster.LocalCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of every integration test: {@link #cluster} is the shared cluster of the class's {@link ClusterShape}, and
 * {@link #rest} talks to it over HTTP. Whatever a test creates through {@code rest} (indices, templates,
 * pipelines) is deleted after the test, because the cluster outlives it. Fixtures for a whole class go through a
 * {@code Rest} parameter of a {@code @BeforeAll} method instead (see {@code FilteredKnnIT}), and are deleted after
 * the class.
 *
 * <pre>{@code
 * class MyIT extends SingleNodeTestCase {
 *     @Test
 *     void findsIt() throws Exception {
 *         String index = rest.uniqueIndexName("items");
 *         rest.createIndex(index, Map.of("mappings", Map.of("properties", Map.of("t", Map.of("type", "keyword")))));
 *         rest.bulkIndex(index, Map.of("1", Map.of("t", "a")));
 *         rest.refresh(index);
 *         assertEquals(List.of("1"), Rest.ids(rest.search(index, Map.of("query", Map.of("term", Map.of("t", "a"))))));
 *     }
 * }
 * }</pre>
 */
@ExtendWith(LocalClusterExtension.class)
public abstract class ClusterTestCase {

    protected LocalCluster cluster;
    protected Rest rest;

    @BeforeEach
    final void attachCluster(LocalCluster cluster, Rest rest) {
        this.cluster = cluster;
        this.rest = rest;
    }
}
