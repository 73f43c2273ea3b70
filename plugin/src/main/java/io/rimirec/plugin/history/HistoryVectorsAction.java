package io.rimirec.plugin.history;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads history items' vectors by id from the item index's vector values (internal: the {@code rimirec} query sends
 * it; no REST route). An index-level read action, so a security plugin authorises it against the history index like
 * the multi-get it replaces.
 */
public final class HistoryVectorsAction extends ActionType<HistoryVectorsAction.Response> {

    public static final String NAME = "indices:data/read/rimirec/history_vectors";
    public static final HistoryVectorsAction INSTANCE = new HistoryVectorsAction();

    private HistoryVectorsAction() {
        super(NAME, Response::new);
    }

    /** The index (or alias of one index), the vector field and the item ids. */
    public static final class Request extends ActionRequest implements IndicesRequest {
        private final String index;
        private final String field;
        private final List<String> ids;

        public Request(String index, String field, List<String> ids) {
            this.index = index;
            this.field = field;
            this.ids = List.copyOf(ids);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            index = in.readString();
            field = in.readString();
            ids = in.readStringList();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(index);
            out.writeString(field);
            out.writeStringCollection(ids);
        }

        public String index() {
            return index;
        }

        public String field() {
            return field;
        }

        public List<String> ids() {
            return ids;
        }

        @Override
        public String[] indices() {
            return new String[] {index};
        }

        @Override
        public IndicesOptions indicesOptions() {
            return IndicesOptions.strictSingleIndexNoExpandForbidClosed();
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = null;
            if (index == null || index.isEmpty()) {
                e = new ActionRequestValidationException();
                e.addValidationError("[index] is missing");
            }
            if (field == null || field.isEmpty()) {
                e = e == null ? new ActionRequestValidationException() : e;
                e.addValidationError("[field] is missing");
            }
            return e;
        }
    }

    /** The vectors found and the ids to read another way (see {@link HistoryVectorReader}). */
    public static final class Response extends ActionResponse {
        private final Map<String, float[]> vectors;
        private final List<String> unresolved;

        public Response(Map<String, float[]> vectors, List<String> unresolved) {
            this.vectors = vectors;
            this.unresolved = unresolved;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            int n = in.readVInt();
            vectors = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                vectors.put(in.readString(), in.readFloatArray());
            }
            unresolved = new ArrayList<>(in.readStringList());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVInt(vectors.size());
            for (Map.Entry<String, float[]> e : vectors.entrySet()) {
                out.writeString(e.getKey());
                out.writeFloatArray(e.getValue());
            }
            out.writeStringCollection(unresolved);
        }

        public Map<String, float[]> vectors() {
            return vectors;
        }

        public List<String> unresolved() {
            return unresolved;
        }
    }
}
