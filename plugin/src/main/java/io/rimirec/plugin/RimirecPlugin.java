package io.rimirec.plugin;

import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.plugin.action.ClearModelCacheAction;
import io.rimirec.plugin.action.DeleteModelAction;
import io.rimirec.plugin.action.GetModelAction;
import io.rimirec.plugin.action.PutModelAction;
import io.rimirec.plugin.action.TransportDeleteModelAction;
import io.rimirec.plugin.action.TransportGetModelAction;
import io.rimirec.plugin.action.TransportPutModelAction;
import io.rimirec.plugin.history.HistoryVectorsAction;
import io.rimirec.plugin.history.ShardHistoryVectorsAction;
import io.rimirec.plugin.history.TransportHistoryVectorsAction;
import io.rimirec.plugin.ingest.CircleProcessor;
import io.rimirec.plugin.knn.KnnEngineGuard;
import io.rimirec.plugin.model.LoadedModel;
import io.rimirec.plugin.model.ModelCache;
import io.rimirec.plugin.model.ModelProvider;
import io.rimirec.plugin.model.ModelStore;
import io.rimirec.plugin.model.ModelStoreGuard;
import io.rimirec.plugin.model.ModelWarmer;
import io.rimirec.plugin.query.MappedFields;
import io.rimirec.plugin.query.RimirecQueryBuilder;
import io.rimirec.plugin.query.RimirecServices;
import io.rimirec.plugin.query.ScoredIdsQueryBuilder;
import io.rimirec.plugin.query.SearchTasks;
import io.rimirec.plugin.rest.RestModelsAction;
import io.rimirec.plugin.settings.RimirecSettings;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.lucene.util.SetOnce;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.indices.SystemIndexDescriptor;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.plugins.SystemIndexPlugin;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.opensearch.script.ScriptService;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.FixedExecutorBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Entry point: wires rimirec's components into OpenSearch. Each concern lives in its own package. */
public class RimirecPlugin extends Plugin implements ActionPlugin, IngestPlugin, SearchPlugin, SystemIndexPlugin {

    private static final Logger logger = LogManager.getLogger(RimirecPlugin.class);

    /** Runs bundle validation and loading (and, later, model inference) off the transport and search threads. */
    public static final String THREAD_POOL = "rimirec";

    // Processors are created before createComponents runs, so they reach the cache through this holder.
    private final SetOnce<ModelCache> modelCache = new SetOnce<>();
    // Query parsers are registered before createComponents runs too.
    private final SetOnce<RimirecServices> queryServices = new SetOnce<>();
    private final ModelStoreGuard storeGuard = new ModelStoreGuard();
    private final KnnEngineGuard knnGuard = new KnnEngineGuard();

    @Override
    public Collection<Object> createComponents(
        Client client,
        ClusterService clusterService,
        ThreadPool threadPool,
        ResourceWatcherService resourceWatcherService,
        ScriptService scriptService,
        NamedXContentRegistry xContentRegistry,
        Environment environment,
        NodeEnvironment nodeEnvironment,
        NamedWriteableRegistry namedWriteableRegistry,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<RepositoriesService> repositoriesServiceSupplier
    ) {
        Settings settings = environment.settings();
        ModelStore store = new ModelStore(client);
        storeGuard.setThreadContext(threadPool.getThreadContext());
        knnGuard.setPaths(environment.pluginsDir());
        ModelCache cache = new ModelCache(
            store,
            threadPool,
            THREAD_POOL,
            RimirecSettings.MODEL_CACHE_MAX_MODELS.get(settings),
            RimirecSettings.MAX_BUNDLE_SIZE.get(settings).getBytes(),
            RimirecSettings.MODEL_CACHE_REVALIDATE.get(settings)
        );
        ClusterSettings cs = clusterService.getClusterSettings();
        cs.addSettingsUpdateConsumer(RimirecSettings.MODEL_CACHE_MAX_MODELS, cache::setMaxModels);
        cs.addSettingsUpdateConsumer(RimirecSettings.MAX_BUNDLE_SIZE, v -> cache.setMaxBundleBytes(v.getBytes()));
        cs.addSettingsUpdateConsumer(RimirecSettings.MODEL_CACHE_REVALIDATE, cache::setRevalidateInterval);
        modelCache.set(cache);
        OnnxSessionFactory sessions = new OnnxSessionFactory(RimirecSettings.onnxOptions(settings));
        logger.info("rimirec runs ONNX models on [{}]", sessions.describe());
        queryServices.set(new RimirecServices(this::getModel, threadPool, THREAD_POOL, sessions, clusterService::localNode,
            clusterService::state, new MappedFields(indexNameExpressionResolver)));
        return List.of(store, cache, new ModelWarmer(cache, sessions));
    }

    @Override
    public List<Setting<?>> getSettings() {
        return RimirecSettings.all();
    }

    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        int threads = Math.max(1, OpenSearchExecutors.allocatedProcessors(settings) / 2);
        return List.of(new FixedExecutorBuilder(settings, THREAD_POOL, threads, 1000, "thread_pool." + THREAD_POOL));
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        ModelProvider models = this::getModel;
        return Map.of(CircleProcessor.TYPE, new CircleProcessor.Factory(models));
    }

    private void getModel(String id, ActionListener<LoadedModel> listener) {
        ModelCache cache = modelCache.get();
        if (cache == null) {
            listener.onFailure(new OpenSearchStatusException("rimirec is still starting on this node; retry", RestStatus.SERVICE_UNAVAILABLE));
        } else {
            cache.getModel(id, listener);
        }
    }

    @Override
    public List<QuerySpec<?>> getQueries() {
        return List.of(
            new QuerySpec<>(ScoredIdsQueryBuilder.NAME, ScoredIdsQueryBuilder::new, ScoredIdsQueryBuilder::fromXContent),
            new QuerySpec<>(RimirecQueryBuilder.NAME, in -> new RimirecQueryBuilder(in, queryServices::get),
                parser -> RimirecQueryBuilder.fromXContent(parser, queryServices::get))
        );
    }

    @Override
    public List<ActionFilter> getActionFilters() {
        return List.of(new SearchTasks(), storeGuard, knnGuard);
    }

    @Override
    public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return List.of(
            new ActionHandler<>(PutModelAction.INSTANCE, TransportPutModelAction.class),
            new ActionHandler<>(GetModelAction.INSTANCE, TransportGetModelAction.class),
            new ActionHandler<>(DeleteModelAction.INSTANCE, TransportDeleteModelAction.class),
            new ActionHandler<>(ClearModelCacheAction.INSTANCE, ClearModelCacheAction.TransportAction.class),
            new ActionHandler<>(HistoryVectorsAction.INSTANCE, TransportHistoryVectorsAction.class),
            new ActionHandler<>(ShardHistoryVectorsAction.INSTANCE, ShardHistoryVectorsAction.TransportAction.class)
        );
    }

    @Override
    public List<RestHandler> getRestHandlers(
        Settings settings,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster
    ) {
        return List.of(new RestModelsAction());
    }

    @Override
    public Collection<SystemIndexDescriptor> getSystemIndexDescriptors(Settings settings) {
        return List.of(new SystemIndexDescriptor(ModelStore.INDEX, "rimirec model bundles"));
    }

    @Override
    public void close() {
        ModelCache cache = modelCache.get();
        if (cache != null) {
            cache.close();
        }
    }
}
