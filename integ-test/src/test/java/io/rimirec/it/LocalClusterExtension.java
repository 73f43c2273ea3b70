package io.rimirec.it;

import io.rimirec.tools.cluster.LocalCluster;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts the cluster a test class asks for with {@link ClusterShape} and hands it to the test as a
 * {@link LocalCluster} parameter, or as a {@link Rest} parameter scoped to where it is asked for: in a
 * {@code @BeforeAll} method it lives (and what it created is deleted) until the class is done, in a
 * {@code @BeforeEach} or test method until the test is done. Clusters live in the root extension store, so each shape starts once per test
 * JVM, is shared by all test classes of that shape, and is closed when the whole run ends (JUnit closes
 * {@link AutoCloseable} store values). A cluster that failed to start is not retried by every later class: the
 * first failure is remembered and reported again.
 */
public final class LocalClusterExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalClusterExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context); // start (or fail) before the first test, so the time is charged to the class, not a test
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalCluster.class || type == Rest.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LocalCluster cluster = cluster(context);
        if (parameter.getParameter().getType() == LocalCluster.class) {
            return cluster;
        }
        // One per context: JUnit closes it (deleting what it created) when the class or the test is done.
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("rest", key -> new Rest(cluster.restClient()), Rest.class);
    }

    /** The shared cluster for the shape of the test class in {@code context}. */
    public static LocalCluster cluster(ExtensionContext context) {
        int nodes = shapeOf(context.getRequiredTestClass()).nodes();
        Shared shared = context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent("nodes=" + nodes, key -> Shared.start(nodes), Shared.class);
        return shared.get();
    }

    private static ClusterShape shapeOf(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Optional<ClusterShape> shape = AnnotationSupport.findAnnotation(c, ClusterShape.class);
            if (shape.isPresent()) {
                return shape.get();
            }
        }
        throw new ExtensionConfigurationException(testClass.getName() + " uses " + LocalClusterExtension.class.getSimpleName()
            + " but says no @" + ClusterShape.class.getSimpleName() + "(nodes = 1 or 3)");
    }

    /** A started cluster, or why it could not start. */
    private static final class Shared implements AutoCloseable {
        private final LocalCluster cluster;
        private final Exception failure;

        private Shared(LocalCluster cluster, Exception failure) {
            this.cluster = cluster;
            this.failure = failure;
        }

        static Shared start(int nodes) {
            try {
                LocalCluster.Builder b = LocalCluster.builder().withDefaultZips().nodes(nodes);
                if (nodes == 3) {
                    // The 3-node cluster asks for the GPU: where there is none (or the plugin has the CPU build of ONNX
                    // Runtime) every node must fall back to the CPU and serve; RimirecQueryIT checks what the profile says.
                    b.setting("plugins.rimirec.onnx.execution_provider", "cuda");
                }
                return new Shared(b.start(), null);
            } catch (Exception e) {
                return new Shared(null, e);
            }
        }

        LocalCluster get() {
            if (failure != null) {
                throw new IllegalStateException("the shared " + "cluster could not start: " + failure.getMessage(), failure);
            }
            return cluster;
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }
}
