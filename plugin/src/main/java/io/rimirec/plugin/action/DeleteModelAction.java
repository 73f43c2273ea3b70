package io.rimirec.plugin.action;

import io.rimirec.plugin.model.ModelIds;
import io.rimirec.plugin.model.StoredModel;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/** Delete a model: {@code DELETE /_plugins/rimirec/models/{id}}; every node drops it from its cache. */
public final class DeleteModelAction extends ActionType<DeleteModelAction.Response> {

    public static final String NAME = "cluster:admin/rimirec/models/delete";
    public static final DeleteModelAction INSTANCE = new DeleteModelAction();

    private DeleteModelAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        private final String modelId;
        /** Delete even when an ingest pipeline names the model (its writes then fail until the pipeline changes). */
        private final boolean force;

        public Request(String modelId) {
            this(modelId, false);
        }

        public Request(String modelId, boolean force) {
            this.modelId = modelId;
            this.force = force;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            modelId = in.readString();
            force = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(modelId);
            out.writeBoolean(force);
        }

        public String modelId() {
            return modelId;
        }

        public boolean force() {
            return force;
        }

        @Override
        public ActionRequestValidationException validate() {
            try {
                ModelIds.validate(modelId);
                return null;
            } catch (IllegalArgumentException ex) {
                ActionRequestValidationException e = new ActionRequestValidationException();
                e.addValidationError(ex.getMessage());
                return e;
            }
        }
    }

    public static final class Response extends ActionResponse implements ToXContentObject {
        private final StoredModel deleted;

        public Response(StoredModel deleted) {
            this.deleted = deleted;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            deleted = new StoredModel(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            deleted.writeTo(out);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("result", "deleted");
            builder.field("model_id", deleted.id());
            builder.field("hash", deleted.hash());
            builder.endObject();
            return builder;
        }
    }
}
