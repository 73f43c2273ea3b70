package io.rimirec.plugin.query;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.tasks.Task;

/**
 * The search task a {@code rimirec} clause is resolved under. A query's rewrite sees no task, but the searches it
 * starts (history reads, one k-NN search per circle) must be that task's children: then cancelling the search (a
 * client that gives up, {@code _tasks/_cancel}) cancels them too, and {@code _tasks} shows them under it.
 *
 * <p>This action filter holds the task of a {@code _search} on the thread that runs it while the request goes down the
 * chain; the coordinator's first rewrite runs there, synchronously, and takes it ({@link #current()}). Off that path
 * (a rewrite run elsewhere), there is no task, and the clause runs its searches as before, without a parent.
 */
public final class SearchTasks implements ActionFilter {

    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    /** The task of the {@code _search} this thread is starting, or null. */
    static Task current() {
        return CURRENT.get();
    }

    @Override
    public int order() {
        return Integer.MAX_VALUE; // last: other filters (security, say) decide first; the search action runs right after
    }

    @Override
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(Task task, String action, Request request,
                                                                                       ActionListener<Response> listener,
                                                                                       ActionFilterChain<Request, Response> chain) {
        if (!SearchAction.NAME.equals(action)) {
            chain.proceed(task, action, request, listener);
            return;
        }
        Task outer = CURRENT.get();
        CURRENT.set(task);
        try {
            chain.proceed(task, action, request, listener);
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}
