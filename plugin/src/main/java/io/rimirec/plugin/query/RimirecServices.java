package io.rimirec.plugin.query;

import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.plugin.model.ModelProvider;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.threadpool.ThreadPool;

import java.util.function.Supplier;

/**
 * What the {@code rimirec} query needs from the node. Query parsers are registered before the plugin's components
 * exist, so queries reach these through a supplier that {@code RimirecPlugin} fills in {@code createComponents}.
 *
 * @param models     models by id, from this node's cache
 * @param threadPool the node's pools; inference runs on {@code RimirecPlugin.THREAD_POOL}
 * @param executor   the name of that pool
 * @param sessions   ONNX Runtime sessions (CPU, or CUDA when configured and available)
 * @param localNode  this node, the parent of the searches a query starts under its search task
 * @param clusterState the node's current cluster state (to find the model an index's pipeline stamps with)
 * @param mappings   what the searched indexes' mappings say about the tree stamp and vector fields
 */
public record RimirecServices(ModelProvider models, ThreadPool threadPool, String executor, OnnxSessionFactory sessions,
                              Supplier<DiscoveryNode> localNode, Supplier<ClusterState> clusterState, MappedFields mappings) {}
