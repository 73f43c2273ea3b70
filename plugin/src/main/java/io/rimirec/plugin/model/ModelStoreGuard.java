package io.rimirec.plugin.model;

import org.apache.lucene.util.SetOnce;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.bulk.BulkAction;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.delete.DeleteAction;
import org.opensearch.action.index.IndexAction;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.action.update.UpdateAction;
import org.opensearch.common.regex.Regex;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.tasks.Task;

import java.util.Set;

/**
 * Keeps documents of the model store ({@value ModelStore#INDEX}) from being written except through the model API: a
 * document indexed directly could pose as a model in the list, or replace a chunk of one. Writes the store makes
 * itself carry a marker in their (stashed) thread context; any other {@code _bulk}, index, update, delete or
 * by-query request that names the store's index is refused with a 403 saying how models are changed. Only the
 * top-level write actions are checked (they run on the node that received the request, with its context); the
 * shard-level requests they fan out to carry no user input of their own. Index-level admin (deleting the index) is
 * left to the cluster's administrators and documented.
 */
public final class ModelStoreGuard implements ActionFilter {

    /** Thread-context transient set by {@link ModelStore} on its own writes. */
    static final String STORE_WRITE = "_rimirec_model_store_write";
    private static final Set<String> WRITES = Set.of(BulkAction.NAME, IndexAction.NAME, DeleteAction.NAME, UpdateAction.NAME,
        "indices:data/write/update/byquery", "indices:data/write/delete/byquery");

    private final SetOnce<ThreadContext> threadContext = new SetOnce<>();

    /** Set when the plugin's components are created (action filters exist before them). */
    public void setThreadContext(ThreadContext context) {
        threadContext.set(context);
    }

    @Override
    public int order() {
        return Integer.MIN_VALUE + 1000; // early: refuse before any other work is done
    }

    @Override
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(Task task, String action, Request request,
                                                                                       ActionListener<Response> listener,
                                                                                       ActionFilterChain<Request, Response> chain) {
        if (WRITES.contains(action) && namesStore(request) && !fromStore()) {
            listener.onFailure(new OpenSearchStatusException("[" + ModelStore.INDEX + "] holds rimirec's model store and is written "
                + "only through its API (PUT or DELETE /_plugins/rimirec/models/{id}, or 'rimirec model upload'): a document written "
                + "directly could pose as a model or damage one", RestStatus.FORBIDDEN));
            return;
        }
        chain.proceed(task, action, request, listener);
    }

    private boolean fromStore() {
        ThreadContext context = threadContext.get();
        return context != null && Boolean.TRUE.equals(context.getTransient(STORE_WRITE));
    }

    static boolean namesStore(ActionRequest request) {
        if (request instanceof BulkRequest bulk) {
            for (DocWriteRequest<?> r : bulk.requests()) {
                if (names(r.index())) {
                    return true;
                }
            }
            return false;
        }
        if (request instanceof IndicesRequest indices && indices.indices() != null) {
            for (String name : indices.indices()) {
                if (names(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The store's name, or an explicit pattern for dot-prefixed indexes that matches it ({@code .rimirec*}). */
    private static boolean names(String name) {
        return name != null && (name.equals(ModelStore.INDEX) || (name.startsWith(".") && Regex.isSimpleMatchPattern(name)
            && Regex.simpleMatch(name, ModelStore.INDEX)));
    }
}
