package io.rimirec.plugin.knn;

import org.apache.lucene.util.SetOnce;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.admin.indices.create.CreateIndexAction;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.admin.indices.mapping.put.PutMappingAction;
import org.opensearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.opensearch.action.admin.indices.template.put.PutComponentTemplateAction;
import org.opensearch.action.admin.indices.template.put.PutComposableIndexTemplateAction;
import org.opensearch.action.admin.indices.template.put.PutIndexTemplateAction;
import org.opensearch.action.admin.indices.template.put.PutIndexTemplateRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.cluster.metadata.Template;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.tasks.Task;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Refuses, with a 400 that says what to write instead, a mapping that would put a {@code knn_vector} field on a
 * native k-NN engine (faiss, the k-NN plugin's default, or nmslib) when this node's k-NN plugin has no native
 * libraries: parsing such a mapping loads them, and the {@code UnsatisfiedLinkError} stops the node. The k-NN zip
 * published on Maven Central (the one the local clusters of the demo and the tests use) ships without them. Where
 * the libraries are present, as in the OpenSearch distribution's bundled k-NN, the guard stays out of the way.
 *
 * <p>Mappings reach a cluster through index creation, mapping updates and templates; dynamic mapping never makes a
 * {@code knn_vector}. Those requests are checked on the node that receives them.
 */
public final class KnnEngineGuard implements ActionFilter {

    private static final String NATIVE_LIBRARY = "libopensearchknn_faiss";
    private final SetOnce<Boolean> nativeMissing = new SetOnce<>();

    /** Looks for the k-NN plugin's native libraries once, when the node's paths are known. */
    public void setPaths(Path pluginsDir) {
        nativeMissing.set(nativeLibrariesMissing(pluginsDir.resolve("opensearch-knn"), System.getProperty("java.library.path", "")));
    }

    /** True when the k-NN plugin is installed in {@code knnDir} but no native library is there or on the library path. */
    static boolean nativeLibrariesMissing(Path knnDir, String libraryPath) {
        if (!Files.isDirectory(knnDir)) {
            return false; // no k-NN plugin here: a knn_vector mapping fails on its own, harmlessly
        }
        List<Path> places = new ArrayList<>(List.of(knnDir));
        for (String p : libraryPath.split(File.pathSeparator)) {
            if (!p.isBlank()) {
                places.add(Path.of(p));
            }
        }
        for (Path place : places) {
            if (!Files.isDirectory(place)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(place, 4)) {
                if (files.anyMatch(f -> f.getFileName().toString().startsWith(NATIVE_LIBRARY))) {
                    return false;
                }
            } catch (IOException | RuntimeException e) {
                return false; // cannot tell: do not refuse on a guess
            }
        }
        return true;
    }

    @Override
    public int order() {
        return Integer.MIN_VALUE + 1000;
    }

    @Override
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(Task task, String action, Request request,
                                                                                       ActionListener<Response> listener,
                                                                                       ActionFilterChain<Request, Response> chain) {
        if (Boolean.TRUE.equals(nativeMissing.get())) {
            try {
                for (Object mapping : mappings(action, request)) {
                    String field = nativeField(mapping, "");
                    if (field != null) {
                        listener.onFailure(new IllegalArgumentException("[" + field + "] is a knn_vector on a native k-NN engine (faiss, "
                            + "the k-NN plugin's default when no engine is named, or nmslib), but this node's k-NN plugin has no native "
                            + "libraries: creating it would stop the node. Name the Lucene engine: \"method\": {\"name\": \"hnsw\", "
                            + "\"engine\": \"lucene\", \"space_type\": \"cosinesimil\"} (index-templates/ does), or install the k-NN "
                            + "plugin of the OpenSearch distribution"));
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable mappings: OpenSearch itself will say what is wrong with them
            }
        }
        chain.proceed(task, action, request, listener);
    }

    /** The mappings a request would install, as maps. */
    private static List<Object> mappings(String action, ActionRequest request) throws IOException {
        List<Object> out = new ArrayList<>();
        if (CreateIndexAction.NAME.equals(action) && request instanceof CreateIndexRequest r) {
            addJson(out, r.mappings());
        } else if (PutMappingAction.NAME.equals(action) && request instanceof PutMappingRequest r) {
            addJson(out, r.source());
        } else if (PutIndexTemplateAction.NAME.equals(action) && request instanceof PutIndexTemplateRequest r) {
            addJson(out, r.mappings());
        } else if (PutComponentTemplateAction.NAME.equals(action) && request instanceof PutComponentTemplateAction.Request r
            && r.componentTemplate() != null) {
            addTemplate(out, r.componentTemplate().template());
        } else if (PutComposableIndexTemplateAction.NAME.equals(action) && request instanceof PutComposableIndexTemplateAction.Request r
            && r.indexTemplate() != null) {
            addTemplate(out, r.indexTemplate().template());
        }
        return out;
    }

    private static void addTemplate(List<Object> out, Template template) {
        if (template != null && template.mappings() != null) {
            out.add(XContentHelper.convertToMap(template.mappings().uncompressed(), true, MediaTypeRegistry.JSON).v2());
        }
    }

    private static void addJson(List<Object> out, String json) {
        if (json != null && !json.isBlank()) {
            out.add(XContentHelper.convertToMap(JsonXContent.jsonXContent, json, true));
        }
    }

    /** The path of the first knn_vector field that needs a native engine, or null. */
    static String nativeField(Object node, String path) {
        if (node instanceof Map<?, ?> map) {
            if ("knn_vector".equals(map.get("type")) && map.get("model_id") == null) {
                Object method = map.get("method");
                Object engine = method instanceof Map<?, ?> m ? m.get("engine") : null;
                if (!"lucene".equals(engine)) {
                    return path.isEmpty() ? "knn_vector" : path;
                }
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                String child = "properties".equals(key) || "_doc".equals(key) || "mappings".equals(key) ? path
                    : path.isEmpty() ? key : path + "." + key;
                String found = nativeField(e.getValue(), child);
                if (found != null) {
                    return found;
                }
            }
        } else if (node instanceof Collection<?> list) {
            for (Object o : list) {
                String found = nativeField(o, path);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
